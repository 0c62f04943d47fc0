"""Deadlines are counted in calendar days and months by the Civil Code (CC arts 200-204)."""

from datetime import date, datetime, timezone

import pytest

from committee_app.rules import (
    DeadlineRule,
    add_months,
    check_date,
    days_between,
    due_date,
    load_rule_sets,
    reelection_status,
    today_in_shanghai,
)


@pytest.fixture(scope="module")
def national():
    return load_rule_sets()["national"]


@pytest.fixture(scope="module")
def settings(national):
    return national.effective_settings()


MEETING_ON = date(2026, 3, 20)


def test_a_meeting_notice_exactly_15_days_ahead_is_in_time(national, settings):
    rule = national.step("formation", "F5_meeting_notice").deadline
    anchors = {"meeting_on": MEETING_ON}
    assert due_date(rule, anchors, settings) == date(2026, 3, 5)
    assert days_between(date(2026, 3, 5), MEETING_ON) == 15
    assert check_date(rule, date(2026, 3, 5), anchors, settings) is None
    assert check_date(rule, date(2026, 3, 1), anchors, settings) is None


def test_a_meeting_notice_14_days_ahead_is_late(national, settings):
    rule = national.step("formation", "F5_meeting_notice").deadline
    violation = check_date(rule, date(2026, 3, 6), {"meeting_on": MEETING_ON}, settings)
    assert violation is not None
    assert violation.required_on == date(2026, 3, 5)
    assert violation.step_on == date(2026, 3, 6)
    assert violation.citations == ("PMR art 14",)
    assert "15日" in violation.message_zh and "2026-03-05" in violation.message_zh
    assert "at least 15 days before" in violation.message_en


def test_a_compound_setting_lengthens_the_notice_period(national):
    rule = national.step("formation", "F5_meeting_notice").deadline
    longer = national.effective_settings({"meeting_notice_days": 20})
    assert due_date(rule, {"meeting_on": MEETING_ON}, longer) == date(2026, 2, 28)


def test_no_due_date_until_the_anchor_is_known(national, settings):
    rule = national.step("formation", "F5_meeting_notice").deadline
    assert due_date(rule, {}, settings) is None
    assert due_date(rule, {"meeting_on": None}, settings) is None
    assert check_date(rule, date(2026, 3, 19), {"meeting_on": None}, settings) is None


def test_filing_within_30_days_of_the_election_includes_day_30(national, settings):
    rule = national.step("formation", "F9_filing").deadline
    anchors = {"election_on": date(2026, 1, 10)}
    assert due_date(rule, anchors, settings) == date(2026, 2, 9)
    assert check_date(rule, date(2026, 1, 10), anchors, settings) is None
    assert check_date(rule, date(2026, 2, 9), anchors, settings) is None
    late = check_date(rule, date(2026, 2, 10), anchors, settings)
    assert late.required_on == date(2026, 2, 9)
    assert late.citations == ("PMR art 16", "GR art 33")
    assert "30日内" in late.message_zh and "within 30 days" in late.message_en


def test_a_within_step_cannot_come_before_its_anchor(national, settings):
    rule = national.step("formation", "F8_first_committee_meeting").deadline
    early = check_date(rule, date(2026, 1, 9), {"election_on": date(2026, 1, 10)}, settings)
    assert early.required_on == date(2026, 1, 10)
    assert "不得早于" in early.message_zh


def test_an_after_rule_gives_the_earliest_date():
    rule = DeadlineRule(kind="after", anchor="meeting_on", days=7, citations=("GR art 12",))
    anchors = {"meeting_on": date(2026, 3, 1)}
    assert due_date(rule, anchors, {}) == date(2026, 3, 8)
    assert check_date(rule, date(2026, 3, 8), anchors, {}) is None
    assert check_date(rule, date(2026, 3, 7), anchors, {}).required_on == date(2026, 3, 8)


def test_three_months_before_31_may_is_the_end_of_february(national, settings):
    rule = national.step("reelection", "R2_start").deadline
    assert due_date(rule, {"term_ends_on": date(2026, 5, 31)}, settings) == date(2026, 2, 28)
    assert due_date(rule, {"term_ends_on": date(2028, 5, 31)}, settings) == date(2028, 2, 29)
    violation = check_date(rule, date(2026, 3, 1), {"term_ends_on": date(2026, 5, 31)}, settings)
    assert violation.required_on == date(2026, 2, 28)
    assert "3个月" in violation.message_zh and "3 months" in violation.message_en


def test_month_arithmetic_crosses_years_and_clamps():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 2, 15), -3) == date(2025, 11, 15)
    assert add_months(date(2026, 12, 31), 2) == date(2027, 2, 28)


def test_16_00_utc_is_already_tomorrow_in_shanghai():
    assert today_in_shanghai(datetime(2026, 11, 26, 16, 0, tzinfo=timezone.utc)) == date(2026, 11, 27)
    assert today_in_shanghai(datetime(2026, 11, 26, 15, 59, 59, tzinfo=timezone.utc)) == date(2026, 11, 26)
    assert today_in_shanghai(datetime(2026, 11, 26, 16, 0)) == date(2026, 11, 27)  # naive = UTC


def test_days_between_is_signed():
    assert days_between(date(2026, 3, 5), date(2026, 3, 20)) == 15
    assert days_between(date(2026, 3, 20), date(2026, 3, 5)) == -15


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(2025, 11, 29), "not_yet"),
        (date(2025, 11, 30), "upcoming"),  # 6 months before the end of the term
        (date(2026, 2, 27), "upcoming"),
        (date(2026, 2, 28), "due"),  # 3 months before 31 May
        (date(2026, 5, 31), "due"),  # last day of the term
        (date(2026, 6, 1), "overdue"),
    ],
)
def test_reelection_status_through_the_last_term_months(today, status):
    assert reelection_status(date(2026, 5, 31), today, 3) == status
