"""The count: exact headcount and area against CC art 278 (rules-reference §1-§2).

Two layers:

- :func:`decide` is pure: it takes the aggregated numbers (plain ints and Decimals) and
  applies the participation quorum, the approval threshold of the matter, the ranking,
  ties across the last seat and unfilled seats. No Flask, no database.
- :func:`tally` runs the aggregate SQL (GROUP BY / SUM over ballots joined to voters;
  never a Python loop over ballots) and hands the sums to :func:`decide`.

The result is the ``tally ID --json`` object of SPEC §3, decimals as two-place strings.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, literal, select

from ..rules import get_rule_set
from ..rules.model import Threshold
from ..rules.thresholds import approved as meets_approval
from ..rules.thresholds import quorum_met

TWO = Decimal("0.01")
BASIS = ["CC art 278", "CC art 1259", "SPC art 8", "SPC art 9"]


def money(value) -> str:
    return f"{Decimal(value or 0).quantize(TWO)}"


@dataclass(frozen=True)
class Group:
    """Ballots of one kind: (spoilt?, blank?, motion choice) with their headcount and area."""

    is_spoilt: bool
    is_blank: bool
    choice: str | None
    headcount: int
    area: Decimal


@dataclass(frozen=True)
class CandidateCount:
    candidate_id: int
    name: str
    headcount: int
    area: Decimal


def participates(group: Group, rule: str) -> bool:
    """Whether returned ballots of ``group`` count as participating (setting participating_ballots)."""
    if rule == "exclude_spoilt":
        return not group.is_spoilt
    if rule == "exclude_blank_and_spoilt":
        return not group.is_spoilt and not group.is_blank
    return True  # all_returned: every returned ballot participates; spoilt never approves


def decide(*, vote_id: int, kind: str, matter: str, seats: int | None, roll_head: int, roll_area: Decimal,
           groups: list[Group], candidates: list[CandidateCount], participating_rule: str = "all_returned",
           participation: Threshold | None = None, approval: Threshold | None = None) -> dict:
    """Apply the law to the sums. Returns the SPEC §3 ``tally --json`` object."""
    part_groups = [g for g in groups if participates(g, participating_rule)]
    part_head = sum(g.headcount for g in part_groups)
    part_area = sum((g.area for g in part_groups), Decimal(0))
    spoilt_head = sum(g.headcount for g in groups if g.is_spoilt)
    spoilt_area = sum((g.area for g in groups if g.is_spoilt), Decimal(0))
    quorum = (quorum_met(part_head, part_area, roll_head, roll_area, participation)
              if participation is not None else quorum_met(part_head, part_area, roll_head, roll_area))
    threshold = approval if approval is not None else matter

    result: dict = {
        "election": vote_id,
        "kind": kind,
        "matter": matter,
        "roll": {"headcount": roll_head, "area": money(roll_area)},
        "participation": {"headcount": part_head, "area": money(part_area), "quorum_met": quorum},
        "spoilt": {"headcount": spoilt_head, "area": money(spoilt_area)},
    }
    if kind == "motion":
        votes = {}
        for choice in ("for", "against", "abstain"):
            chosen = [g for g in groups if g.choice == choice and not g.is_spoilt]
            votes[choice] = {"headcount": sum(g.headcount for g in chosen),
                             "area": money(sum((g.area for g in chosen), Decimal(0)))}
        approve_head = votes["for"]["headcount"]
        approve_area = sum((g.area for g in groups if g.choice == "for" and not g.is_spoilt), Decimal(0))
        is_approved = meets_approval(approve_head, approve_area, part_head, part_area, threshold)
        result["votes"] = votes
        result["passed"] = bool(quorum and is_approved)
        result["status"] = "decided" if quorum else "quorum_not_met"
    else:
        ranked = sorted(candidates, key=lambda c: (-c.headcount, -c.area, c.name))
        rows = []
        for count in ranked:
            # without the participation quorum nothing the owners decide stands (CC art 278 ¶2)
            is_approved = quorum and meets_approval(count.headcount, count.area, part_head, part_area, threshold)
            rows.append({"name": count.name, "headcount": count.headcount, "area": money(count.area),
                         "approved": is_approved, "elected": False})
        status = "decided"
        if not quorum:
            status = "quorum_not_met"
        else:
            winners = [(row, count) for row, count in zip(rows, ranked) if row["approved"]]
            seats = seats or 0
            if len(winners) <= seats:
                for row, _count in winners:
                    row["elected"] = True
                if len(winners) < seats:
                    status = "seats_unfilled"
            else:
                last = winners[seats - 1][1] if seats else None
                first_out = winners[seats][1]
                if last is not None and (last.headcount, last.area) == (first_out.headcount, first_out.area):
                    # a tie across the last seat: none of the tied is elected
                    status = "tie"
                    tied_key = (last.headcount, last.area)
                    for row, count in winners[:seats]:
                        if (count.headcount, count.area) != tied_key:
                            row["elected"] = True
                else:
                    for row, _count in winners[:seats]:
                        row["elected"] = True
        result["candidates"] = rows
        result["status"] = status
    result["basis"] = list(BASIS)
    return result


# --------------------------------------------------------------------------- SQL


def compound_settings(compound) -> dict:
    return get_rule_set(compound.rule_set).effective_settings(compound.setting_overrides)


def tally(vote) -> dict:
    """Count ``vote`` with aggregate queries over ballots joined to the vote's roll version."""
    from ..extensions import db
    from ..registry.models import Compound, RollVersion
    from ..registry.util import vote_roll
    from .models import Ballot, BallotChoice, Candidate

    compound = db.session.get(Compound, vote.compound_id)
    rule_set = get_rule_set(compound.rule_set)
    settings = rule_set.effective_settings(compound.setting_overrides)
    roll = vote_roll(vote.roll_version_id, vote.compound_id)
    weight = roll.c.area if settings.get("parking_area_counts", True) else roll.c.area - roll.c.parking_area
    counted = counted_voters(roll.c, settings)

    number = (select(RollVersion.number).where(RollVersion.id == vote.roll_version_id).scalar_subquery()
              if vote.roll_version_id is not None else literal(None))
    roll_head, roll_area, roll_version = db.session.execute(
        select(func.count(roll.c.voter_id), func.coalesce(func.sum(weight), literal(0)), number)
        .where(*counted)).one()

    group_rows = db.session.execute(
        select(Ballot.is_spoilt, Ballot.is_blank, Ballot.choice, func.count(Ballot.id), func.sum(weight))
        .join(roll, roll.c.voter_id == Ballot.voter_id)
        .where(Ballot.vote_id == vote.id, *counted)
        .group_by(Ballot.is_spoilt, Ballot.is_blank, Ballot.choice)).all()
    groups = [Group(bool(s), bool(b), c, int(n), Decimal(a or 0)) for s, b, c, n, a in group_rows]

    candidates: list[CandidateCount] = []
    if vote.kind == "election":
        per_candidate = (
            select(BallotChoice.candidate_id.label("candidate_id"), func.count().label("headcount"),
                   func.sum(weight).label("area"))
            .join(Ballot, Ballot.id == BallotChoice.ballot_id)
            .join(roll, roll.c.voter_id == Ballot.voter_id)
            .where(Ballot.vote_id == vote.id, Ballot.is_spoilt.is_(False), *counted)
            .group_by(BallotChoice.candidate_id).subquery())
        rows = db.session.execute(
            select(Candidate.id, Candidate.name, func.coalesce(per_candidate.c.headcount, 0),
                   func.coalesce(per_candidate.c.area, literal(0)))
            .outerjoin(per_candidate, per_candidate.c.candidate_id == Candidate.id)
            .where(Candidate.vote_id == vote.id)).all()
        candidates = [CandidateCount(i, n, int(h), Decimal(a or 0)) for i, n, h, a in rows]

    participation = approval = None
    try:
        participation = rule_set.threshold("participation")
        approval = rule_set.threshold(vote.matter)
    except KeyError:
        pass
    result = decide(vote_id=vote.id, kind=vote.kind, matter=vote.matter, seats=vote.seats,
                    roll_head=int(roll_head), roll_area=Decimal(roll_area or 0), groups=groups,
                    candidates=candidates,
                    participating_rule=str(settings.get("participating_ballots", "all_returned")),
                    participation=participation, approval=approval)
    result["roll_version"] = roll_version
    return with_subject(result, vote, rule_set, settings)


def counted_voters(voter, settings: dict) -> tuple:
    """Where-clauses leaving out the voters the compound's rules do not count: owners of parking
    spaces only, when ``parking_only_owners_vote`` is off (SPC arts 2 and 9, a setting)."""
    if settings.get("parking_only_owners_vote", True):
        return ()
    return (~((voter.parking_area > 0) & (voter.parking_area >= voter.area)),)


def with_subject(result: dict, vote, rule_set, settings: dict) -> dict:
    """Add the subject and why its threshold applies (CC art 278 ¶1 item, ¶2) to a count."""
    from .law import LawError, matter_basis

    result["subject"] = vote.subject
    try:
        basis = matter_basis(rule_set, settings, vote.subject)
    except LawError:
        return result
    result["matter_basis"] = basis.as_json()
    if basis.matter != vote.matter:  # a vote recorded before the matter followed the subject
        result["matter_basis"]["recorded_matter"] = vote.matter
    return result
