"""The law of the count as plain arithmetic (rules-reference §2): quorum and approval on
headcount and on area separately, ranking, ties and unfilled seats, spoilt ballots."""
from decimal import Decimal as D

import pytest

from committee_app.voting.tally import CandidateCount, Group, decide


def motion(roll_head, roll_area, groups, matter="ordinary", rule="all_returned"):
    return decide(vote_id=1, kind="motion", matter=matter, seats=None, roll_head=roll_head, roll_area=D(roll_area),
                  groups=groups, candidates=[], participating_rule=rule)


def g(choice, head, area, spoilt=False, blank=False):
    return Group(spoilt, blank, choice, head, D(area))


# --- participation quorum: at least 2/3 of the roll, headcount AND area (以上 includes the number)

def test_exactly_two_thirds_of_the_headcount_participates_and_the_quorum_is_met():
    result = motion(30, "300.00", [g("for", 20, "250.00")])
    assert result["participation"] == {"headcount": 20, "area": "250.00", "quorum_met": True}


def test_one_voter_short_of_two_thirds_of_the_headcount_fails_the_quorum():
    result = motion(30, "300.00", [g("for", 19, "250.00")])
    assert result["participation"]["quorum_met"] is False
    assert result["status"] == "quorum_not_met" and result["passed"] is False


def test_exactly_two_thirds_of_the_area_participates_and_the_quorum_is_met():
    assert motion(30, "300.00", [g("for", 25, "200.00")])["participation"]["quorum_met"] is True


def test_a_hundredth_of_a_square_metre_short_of_two_thirds_of_the_area_fails_the_quorum():
    result = motion(30, "300.00", [g("for", 25, "199.99")])
    assert result["participation"]["quorum_met"] is False and result["status"] == "quorum_not_met"


# --- ordinary matter: more than half (过半数 excludes exactly half), headcount AND area

def test_exactly_half_of_the_participating_headcount_does_not_approve_an_ordinary_matter():
    result = motion(10, "100.00", [g("for", 4, "60.00"), g("against", 4, "20.00")])  # 4 of 8
    assert result["passed"] is False and result["status"] == "decided"


def test_one_more_than_half_of_the_headcount_approves_an_ordinary_matter():
    assert motion(10, "100.00", [g("for", 5, "60.00"), g("against", 4, "20.00")])["passed"] is True


def test_exactly_half_of_the_participating_area_does_not_approve_an_ordinary_matter():
    result = motion(10, "100.00", [g("for", 6, "45.00"), g("against", 3, "45.00")])  # 45 of 90
    assert result["passed"] is False


def test_a_hundredth_more_than_half_of_the_area_approves_an_ordinary_matter():
    assert motion(10, "100.00", [g("for", 6, "45.01"), g("against", 3, "45.00")])["passed"] is True


# --- special matter: at least 3/4 (以上 includes the number), headcount AND area

def test_exactly_three_quarters_of_headcount_and_area_approves_a_special_matter():
    result = motion(8, "100.00", [g("for", 6, "75.00"), g("against", 2, "25.00")], matter="special")
    assert result["passed"] is True


def test_just_below_three_quarters_of_the_headcount_fails_a_special_matter():
    result = motion(12, "120.00", [g("for", 8, "90.00"), g("against", 3, "10.00")], matter="special")  # 8/11
    assert result["passed"] is False


def test_just_below_three_quarters_of_the_area_fails_a_special_matter():
    result = motion(8, "100.00", [g("for", 6, "74.99"), g("against", 2, "25.01")], matter="special")
    assert result["passed"] is False


def test_the_special_threshold_would_have_passed_as_ordinary():
    groups = [g("for", 6, "70.00"), g("against", 2, "30.00")]
    assert motion(8, "100.00", groups)["passed"] is True
    assert motion(8, "100.00", groups, matter="special")["passed"] is False


# --- spoilt and blank ballots per the participating_ballots setting

def test_spoilt_ballots_participate_but_never_approve_by_default():
    groups = [g("for", 5, "50.00"), g(None, 5, "50.00", spoilt=True)]
    result = motion(12, "120.00", groups)
    assert result["participation"]["headcount"] == 10 and result["participation"]["quorum_met"] is True
    assert result["spoilt"] == {"headcount": 5, "area": "50.00"}
    assert result["passed"] is False  # 5 of 10 is not more than half


def test_excluding_spoilt_ballots_changes_participation_and_approval():
    groups = [g("for", 5, "50.00"), g(None, 1, "10.00", spoilt=True), g("against", 3, "30.00")]
    assert motion(12, "120.00", groups)["participation"]["headcount"] == 9
    result = motion(12, "120.00", groups, rule="exclude_spoilt")
    assert result["participation"]["headcount"] == 8 and result["spoilt"]["headcount"] == 1


def test_excluding_blank_ballots_too():
    groups = [g("for", 5, "50.00"), g(None, 2, "20.00", blank=True), g("against", 1, "10.00")]
    assert motion(9, "90.00", groups, rule="exclude_spoilt")["participation"]["headcount"] == 8
    assert motion(9, "90.00", groups, rule="exclude_blank_and_spoilt")["participation"]["headcount"] == 6


def test_floats_never_enter_the_count():
    with pytest.raises(TypeError):
        decide(vote_id=1, kind="motion", matter="ordinary", seats=None, roll_head=3, roll_area=300.0,
               groups=[Group(False, False, "for", 3, 300.0)], candidates=[])


# --- elections: ranking, ties at the last seat, unfilled seats

def election(seats, counts, part_head=10, part_area="1000.00"):
    groups = [Group(False, False, None, part_head, D(part_area))]
    candidates = [CandidateCount(i, name, head, D(area)) for i, (name, head, area) in enumerate(counts, start=1)]
    return decide(vote_id=7, kind="election", matter="ordinary", seats=seats, roll_head=12, roll_area=D("1200.00"),
                  groups=groups, candidates=candidates)


def elected(result):
    return [row["name"] for row in result["candidates"] if row["elected"]]


def test_candidates_rank_by_headcount_then_area():
    result = election(2, [("甲", 7, "600.00"), ("乙", 8, "560.00"), ("丙", 7, "650.00")])
    assert [row["name"] for row in result["candidates"]] == ["乙", "丙", "甲"]
    assert elected(result) == ["乙", "丙"] and result["status"] == "decided"


def test_a_tie_across_the_last_seat_elects_none_of_the_tied():
    result = election(2, [("甲", 9, "900.00"), ("乙", 7, "600.00"), ("丙", 7, "600.00")])
    assert result["status"] == "tie"
    assert elected(result) == ["甲"]
    assert all(row["approved"] for row in result["candidates"])


def test_equal_headcount_is_no_tie_when_the_area_differs():
    result = election(2, [("甲", 9, "900.00"), ("乙", 7, "600.01"), ("丙", 7, "600.00")])
    assert result["status"] == "decided" and elected(result) == ["甲", "乙"]


def test_a_tie_below_the_last_seat_does_not_matter():
    result = election(1, [("甲", 9, "900.00"), ("乙", 7, "600.00"), ("丙", 7, "600.00")])
    assert result["status"] == "decided" and elected(result) == ["甲"]


def test_fewer_approved_candidates_than_seats_leaves_seats_unfilled():
    # 6 of 10 and 600 of 1000 approve; 5 of 10 (exactly half) does not
    result = election(3, [("甲", 6, "600.00"), ("乙", 5, "700.00"), ("丙", 8, "500.00")])
    assert result["status"] == "seats_unfilled"
    assert elected(result) == ["甲"]
    assert [row["approved"] for row in result["candidates"]] == [False, True, False]


def test_no_one_is_elected_without_the_quorum():
    result = election(2, [("甲", 6, "600.00")], part_head=7, part_area="1000.00")  # 7 of 12 < 2/3
    assert result["status"] == "quorum_not_met" and elected(result) == []
