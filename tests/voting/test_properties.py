"""Properties of the count (Hypothesis): the result does not depend on the order the ballots
were entered or the roll's rows were listed, and area totals are exact for any two-decimal areas."""
from __future__ import annotations

import itertools
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from committee_app.extensions import db
from committee_app.registry import operations as registry
from committee_app.registry.models import Compound
from committee_app.voting import operations
from committee_app.voting.tally import CandidateCount, Group, decide, tally

# any two-decimal area a roll may hold: 0.01 m² up to ROLL_MAX_UNIT_AREA (20,000 m² per exclusive part)
AREAS = st.integers(min_value=1, max_value=2_000_000).map(lambda cents: Decimal(cents) / 100)
CHOICES = st.sampled_from(["for", "against", "abstain", None])  # None: no ballot returned
_codes = itertools.count()


@st.composite
def compounds(draw):
    """Units with two-decimal areas, some bought by the same owner (owner_ref), each owner's
    choice, and an order for the roll's rows and one for the ballots."""
    units = draw(st.lists(st.tuples(AREAS, st.integers(min_value=0, max_value=5)), min_size=1, max_size=9))
    owners = sorted({owner for _area, owner in units})
    choices = {owner: draw(CHOICES) for owner in owners}
    roll_order = draw(st.permutations(range(len(units))))
    ballot_order = draw(st.permutations([owner for owner in owners if choices[owner] is not None]))
    return units, choices, roll_order, ballot_order


def _count(app, units, choices, roll_order, ballot_order) -> dict:
    with app.app_context():
        community = db.session.scalar(db.select(Compound)).community
        compound = registry.create_compound(f"P{next(_codes)}", "性质小区", community)
        rows = ["楼栋,房号,面积,业主,业主编号,状态,手机,车位"]
        rows += [f"1栋,{index + 1},{units[index][0]},业主{units[index][1]},R{units[index][1]},已售,,"
                 for index in roll_order]
        registry.import_roll(compound, "roll.csv", ("\n".join(rows) + "\n").encode(), imported_by="test")
        vote = operations.create_motion(compound, title="性质", subject="other")
        operations.open_vote(vote, compound, enforce_gate=False)
        first_unit = {}
        for index, (_area, owner) in enumerate(units):
            first_unit.setdefault(owner, index + 1)
        words = {"for": "同意", "against": "反对", "abstain": "弃权"}
        if ballot_order:
            ballots = ["楼栋,房号,表决"] + [f"1栋,{first_unit[o]},{words[choices[o]]}" for o in ballot_order]
            data = ("\n".join(ballots) + "\n").encode()
            for slot in (1, 2):
                operations.import_paper_file(vote, "b.csv", data, slot=slot, counter_name=f"计票人{slot}")
        result = tally(vote)
        db.session.rollback()
        result.pop("election")
        return result


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(compounds())
def test_the_count_ignores_ballot_and_roll_order_and_adds_areas_exactly(app, world, drawn):
    units, choices, roll_order, ballot_order = drawn
    shuffled = _count(app, units, choices, roll_order, ballot_order)
    canonical = _count(app, units, choices, sorted(roll_order), sorted(ballot_order))
    assert shuffled == canonical

    area_of: dict[int, Decimal] = {}
    for area, owner in units:
        area_of[owner] = area_of.get(owner, Decimal(0)) + area
    assert shuffled["roll"] == {"headcount": len(area_of), "area": f"{sum(area_of.values(), Decimal(0)):.2f}"}
    voted = [owner for owner, choice in choices.items() if choice is not None]
    assert shuffled["participation"]["headcount"] == len(voted)
    assert shuffled["participation"]["area"] == f"{sum((area_of[o] for o in voted), Decimal(0)):.2f}"
    for choice in ("for", "against", "abstain"):
        chosen = [owner for owner in voted if choices[owner] == choice]
        assert shuffled["votes"][choice] == {"headcount": len(chosen),
                                             "area": f"{sum((area_of[o] for o in chosen), Decimal(0)):.2f}"}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 50), AREAS), min_size=1, max_size=8), st.integers(1, 5), st.randoms())
def test_an_election_decision_ignores_the_order_of_the_candidates(counts, seats, random):
    candidates = [CandidateCount(index, f"候选人{index}", head, area) for index, (head, area) in enumerate(counts)]
    roll_area = sum((c.area for c in candidates), Decimal(0)) + 1
    groups = [Group(False, False, None, max(c.headcount for c in candidates), roll_area - 1)]
    expected = decide(vote_id=1, kind="election", matter="ordinary", seats=seats, roll_head=60, roll_area=roll_area,
                      groups=groups, candidates=candidates)
    shuffled = list(candidates)
    random.shuffle(shuffled)
    assert decide(vote_id=1, kind="election", matter="ordinary", seats=seats, roll_head=60, roll_area=roll_area,
                  groups=list(reversed(groups)), candidates=shuffled) == expected
