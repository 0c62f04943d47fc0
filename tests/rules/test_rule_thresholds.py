"""Thresholds are met or missed by exact arithmetic on headcount and on area."""

from decimal import Decimal
from fractions import Fraction

import pytest

from committee_app.rules import (
    approved,
    committee_motion_passes,
    committee_quorum,
    load_rule_sets,
    quorum_met,
    share_at_least,
    share_more_than,
)

ROLL_HEAD = 300
ROLL_AREA = Decimal("30000.00")


def test_exactly_two_thirds_participation_is_a_quorum():
    assert quorum_met(200, Decimal("20000.00"), ROLL_HEAD, ROLL_AREA)


def test_one_voter_short_of_two_thirds_is_no_quorum():
    assert not quorum_met(199, Decimal("25000.00"), ROLL_HEAD, ROLL_AREA)


def test_one_hundredth_of_a_square_metre_short_of_two_thirds_is_no_quorum():
    assert not quorum_met(250, Decimal("19999.99"), ROLL_HEAD, ROLL_AREA)


def test_two_thirds_of_an_area_that_does_not_divide_evenly():
    # 2/3 of 10000.01 = 6666.6733…: 6666.67 is short, 6666.68 is enough.
    assert not quorum_met(2, Decimal("6666.67"), 3, Decimal("10000.01"))
    assert quorum_met(2, Decimal("6666.68"), 3, Decimal("10000.01"))


def test_an_empty_roll_never_has_a_quorum():
    assert not quorum_met(0, Decimal("0.00"), 0, Decimal("0.00"))


def test_quorum_uses_a_rule_set_threshold():
    participation = load_rule_sets()["national"].threshold("participation")
    assert quorum_met(200, Decimal("20000.00"), ROLL_HEAD, ROLL_AREA, participation)
    assert not quorum_met(199, Decimal("20000.00"), ROLL_HEAD, ROLL_AREA, participation)


PART_HEAD = 200
PART_AREA = Decimal("20000.00")


def test_exactly_half_does_not_approve_an_ordinary_matter():
    assert not approved(100, Decimal("12000.00"), PART_HEAD, PART_AREA, "ordinary")
    assert not approved(150, Decimal("10000.00"), PART_HEAD, PART_AREA, "ordinary")


def test_one_more_than_half_approves_an_ordinary_matter():
    assert approved(101, Decimal("10000.01"), PART_HEAD, PART_AREA, "ordinary")


def test_exactly_three_quarters_approves_a_special_matter():
    assert approved(150, Decimal("15000.00"), PART_HEAD, PART_AREA, "special")


def test_just_below_three_quarters_does_not_approve_a_special_matter():
    assert not approved(149, Decimal("18000.00"), PART_HEAD, PART_AREA, "special")
    assert not approved(180, Decimal("14999.99"), PART_HEAD, PART_AREA, "special")


def test_no_participation_approves_nothing():
    assert not approved(0, Decimal("0.00"), 0, Decimal("0.00"), "ordinary")
    assert not approved(0, Decimal("0.00"), 0, Decimal("0.00"), "special")


def test_approval_accepts_a_rule_set_threshold_and_refuses_unknown_matters():
    special = load_rule_sets()["sichuan-chengdu"].threshold("special")
    assert approved(150, Decimal("15000.00"), PART_HEAD, PART_AREA, special)
    with pytest.raises(ValueError, match="unknown matter"):
        approved(150, Decimal("15000.00"), PART_HEAD, PART_AREA, "urgent")


def test_floats_are_refused():
    with pytest.raises(TypeError, match="floats"):
        quorum_met(200, 20000.0, ROLL_HEAD, ROLL_AREA)


def test_share_helpers_distinguish_at_least_from_more_than():
    assert share_at_least(1, 3, Fraction(1, 3))
    assert not share_more_than(1, 3, Fraction(1, 3))
    assert share_at_least(Decimal("0.34"), 1, Fraction(1, 3))
    assert not share_at_least(5, 0, Fraction(1, 5))


def test_a_seven_member_committee_needs_four_present():
    assert committee_quorum(4, 7)
    assert not committee_quorum(3, 7)


def test_a_seven_member_committee_decides_with_four_votes_of_all_members():
    assert committee_motion_passes(4, 7)
    assert not committee_motion_passes(3, 7)  # even if only 5 attended


def test_a_tie_in_an_even_committee_fails():
    assert not committee_motion_passes(3, 6)
    assert not committee_quorum(0, 0)
