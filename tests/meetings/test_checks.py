"""The pure rules of committee meetings and proposals (GR arts 37-39, PMR arts 13/15)."""
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from committee_app.meetings import checks


@pytest.mark.parametrize("present, quorum", [(3, False), (4, True), (7, True), (0, False)])
def test_a_seven_member_committee_needs_four_present(present, quorum):
    assert checks.motion_result(7, present, 0, 0, 0).quorum_met is quorum


def test_four_in_favour_of_seven_passes():
    result = checks.motion_result(7, 4, 4, 0, 0)
    assert result.quorum_met and result.passed


def test_three_for_one_against_one_abstaining_fails_although_most_present_agree():
    result = checks.motion_result(7, 5, 3, 1, 1)
    assert result.quorum_met and not result.passed


def test_a_tie_of_all_members_fails():
    assert not checks.motion_result(6, 6, 3, 3, 0).passed
    assert checks.motion_result(6, 6, 4, 2, 0).passed


def test_no_decision_without_a_quorum_even_if_all_present_agree():
    result = checks.motion_result(7, 3, 3, 0, 0)
    assert not result.quorum_met and not result.passed


def test_more_votes_than_members_present_is_an_error():
    with pytest.raises(ValueError):
        checks.motion_result(7, 4, 3, 2, 0)


def test_the_agenda_posted_exactly_seven_days_ahead_is_in_time_six_is_not():
    meeting_on = date(2026, 12, 10)
    assert checks.latest_agenda_on(meeting_on, 7) == date(2026, 12, 3)
    assert checks.agenda_in_time(date(2026, 12, 3), meeting_on, 7)
    assert not checks.agenda_in_time(date(2026, 12, 4), meeting_on, 7)


@pytest.mark.parametrize("signers, total, ok", [(2, 7, False), (3, 7, True), (2, 6, True), (1, 6, False), (1, 3, True)])
def test_a_third_of_all_members_can_require_a_meeting(signers, total, ok):
    assert checks.request_meets_share(signers, total, Fraction(1, 3)) is ok


def test_within_days_is_inclusive_and_posting_status():
    due = checks.within_days(date(2026, 11, 6), 3)
    assert due == date(2026, 11, 9)
    assert checks.posting_status(due, date(2026, 11, 9), date(2026, 11, 20)) == "in_time"
    assert checks.posting_status(due, date(2026, 11, 10), date(2026, 11, 20)) == "late"
    assert checks.posting_status(due, None, date(2026, 11, 9)) == "pending"
    assert checks.posting_status(due, None, date(2026, 11, 10)) == "overdue"


def test_the_egm_duty_needs_twenty_percent_of_the_area_and_of_the_headcount():
    both = checks.support_share(10, Decimal("1000.00"), 50, Decimal("5000.00"), Fraction(1, 5))
    assert both.egm_duty and both.headcount_percent == Decimal("20.00") and both.area_percent == Decimal("20.00")


def test_exactly_twenty_percent_of_the_area_with_heads_short_brings_no_egm_duty():
    share = checks.support_share(9, Decimal("1000.00"), 50, Decimal("5000.00"), Fraction(1, 5))
    assert share.is_area_reached and not share.is_headcount_reached
    assert not share.egm_duty  # GR art 21: both counts
    assert share.egm_needed_headcount == 10


def test_exactly_twenty_percent_of_the_headcount_with_area_short_brings_no_egm_duty():
    share = checks.support_share(10, Decimal("999.99"), 50, Decimal("5000.00"), Fraction(1, 5))
    assert share.is_headcount_reached and not share.is_area_reached
    assert not share.egm_duty
    assert share.egm_needed_area == Decimal("1000.00")
    assert checks.support_share(1, Decimal("1.00"), 7, Decimal("10.01"), Fraction(1, 5)).egm_needed_area == Decimal("2.01")
    assert checks.support_share(1, Decimal("1.00"), 7, Decimal("10.00"), Fraction(1, 5)).egm_needed_headcount == 2
