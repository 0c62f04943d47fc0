"""Periods counted by the Civil Code (CC arts 200-204), at their boundaries: the day before, on and
after each period's end, a holiday-crossing filing, 29 February, a year the holiday data lacks, and
the two directions ("at least N days before" and "within N days after")."""
from datetime import date

import pytest

from committee_app.nominations.rules import objection_open, objection_period
from committee_app.rules import check_date, counted_term_end, due_date, load_rule_sets
from committee_app.rules.periods import (earliest_after, holiday_years, is_rest_day, latest_before, period_end,
                                         term_end)


@pytest.fixture(scope="module")
def national():
    return load_rule_sets()["national"]


@pytest.fixture(scope="module")
def settings(national):
    return national.effective_settings()


def test_a_7_day_objection_period_posted_on_1_october_ends_at_the_end_of_8_october():
    period = objection_period(date(2026, 10, 1), 7)  # 2026-10-08 is a Thursday, a working day
    assert period.on == date(2026, 10, 8) and period.extended_from is None
    assert "2026-10-01当日不计入" in period.explanation_zh and "2026-10-08 24时止" in period.explanation_zh
    assert objection_open(date(2026, 10, 1), period.on, date(2026, 10, 7))
    assert objection_open(date(2026, 10, 1), period.on, date(2026, 10, 8))  # the last day is in
    assert not objection_open(date(2026, 10, 1), period.on, date(2026, 10, 9))  # the next day is late


def test_a_period_ending_inside_a_holiday_moves_to_the_first_working_day_after_it():
    # 2025: National Day and Mid-Autumn run 10-01 to 10-08 (State Council schedule)
    period = objection_period(date(2025, 10, 1), 7)
    assert period.extended_from == date(2025, 10, 8) and period.on == date(2025, 10, 9)
    assert "顺延" in period.explanation_zh and "国庆节" in period.explanation_zh


@pytest.mark.parametrize(("filed_on", "in_time"), [
    (date(2025, 10, 1), True),   # day 30, a holiday
    (date(2025, 10, 8), True),   # last day of the holiday
    (date(2025, 10, 9), True),   # the first working day after it: the extended last day
    (date(2025, 10, 10), False),  # the day after
])
def test_a_30_day_filing_from_1_september_2025_crosses_the_national_day_holiday(national, settings, filed_on,
                                                                                in_time):
    rule = national.step("reelection", "R10_filing").deadline
    anchors = {"election_on": date(2025, 9, 1)}
    assert due_date(rule, anchors, settings) == date(2025, 10, 9)
    assert (check_date(rule, filed_on, anchors, settings) is None) is in_time


def test_a_late_filing_says_how_its_deadline_was_counted(national, settings):
    rule = national.step("reelection", "R10_filing").deadline
    violation = check_date(rule, date(2025, 10, 10), {"election_on": date(2025, 9, 1)}, settings)
    assert "2025-10-09" in violation.message_zh and "顺延" in violation.message_zh
    assert "moves to 2025-10-09" in violation.message_en


@pytest.mark.parametrize(("day", "within_term"), [
    (date(2029, 2, 27), True), (date(2029, 2, 28), True), (date(2029, 3, 1), False)])
def test_a_five_year_term_from_29_february_2024_ends_on_28_february_2029(day, within_term):
    end = term_end(date(2024, 2, 29), 5)
    assert end.on == date(2029, 2, 28)
    assert (day <= end.on) is within_term
    assert "月末" in end.explanation_zh and "不按节假日顺延" in end.explanation_zh
    assert counted_term_end(date(2024, 2, 29), 5).on == date(2029, 2, 28)


def test_a_term_ending_on_a_holiday_is_not_extended():
    assert term_end(date(2021, 10, 1), 5).on == date(2026, 10, 1)  # National Day 2026: still the last day


def test_months_end_on_the_corresponding_day_or_the_last_day_of_the_month():
    assert period_end(date(2026, 1, 31), 1, "months", extends_past_holidays=False).on == date(2026, 2, 28)
    assert period_end(date(2026, 3, 10), 1, "months", extends_past_holidays=False).on == date(2026, 4, 10)


def test_a_year_the_holiday_data_lacks_is_counted_without_the_extension_and_says_so():
    first, last = holiday_years()
    assert first <= 2025 and last >= 2026  # the State Council schedules of 2025 and 2026 are in the data
    uncovered = last + 1
    saturday = next(date(uncovered, 3, d) for d in range(8, 15) if date(uncovered, 3, d).weekday() == 5)
    assert is_rest_day(saturday) is None
    period = period_end(saturday.replace(day=saturday.day - 7), 7)  # would move to Monday with the data
    assert period.on == saturday and period.is_holiday_data_missing and period.extended_from is None
    assert f"节假日数据未覆盖{uncovered}年" in period.explanation_zh
    assert f"does not cover {uncovered}" in period.explanation_en


def test_a_weekend_last_day_moves_to_monday_but_a_make_up_working_saturday_does_not():
    # 2026-11-21 is a Saturday: a time limit ending then runs to Monday 11-23
    assert period_end(date(2026, 11, 18), 3).on == date(2026, 11, 23)
    # 2026-10-10 (Saturday) is a make-up working day (调休上班): the period ends on it
    assert is_rest_day(date(2026, 10, 10)) is False
    assert period_end(date(2026, 10, 3), 7).on == date(2026, 10, 10)


@pytest.mark.parametrize(("posted_on", "in_time"), [
    (date(2026, 3, 1), True),   # the 15 days run 03-02 to 03-16: the meeting may be on the 16th
    (date(2026, 3, 2), False),  # only 14 days
])
def test_a_notice_at_least_15_days_before_the_meeting_counts_forward_from_the_day_after_posting(
        national, settings, posted_on, in_time):
    rule = national.step("reelection", "R7_meeting_notice").deadline
    anchors = {"meeting_on": date(2026, 3, 16)}
    assert due_date(rule, anchors, settings) == date(2026, 3, 1)
    assert (check_date(rule, posted_on, anchors, settings) is None) is in_time
    assert earliest_after(date(2026, 3, 1), 15).on == date(2026, 3, 16)


def test_the_compound_may_leave_out_the_meeting_day_too(national):
    rule = national.step("reelection", "R7_meeting_notice").deadline
    stricter = national.effective_settings({"notice_period_excludes_meeting_day": True})
    assert due_date(rule, {"meeting_on": date(2026, 3, 17)}, stricter) == date(2026, 3, 1)
    assert check_date(rule, date(2026, 3, 1), {"meeting_on": date(2026, 3, 16)}, stricter) is not None
    assert earliest_after(date(2026, 3, 1), 15, excludes_anchor_day=True).on == date(2026, 3, 17)


def test_a_minimum_notice_period_is_not_moved_by_holidays():
    # the latest posting day for a meeting on 2026-10-16 is 10-01, a holiday: still 10-01
    latest = latest_before(date(2026, 10, 16), 15)
    assert latest.on == date(2026, 10, 1) and "不按节假日顺延" in latest.explanation_zh


def test_the_rule_data_says_which_periods_extend_past_holidays_and_why(national):
    assert national.counting("within").extends_past_holidays
    assert national.counting("publicity").extends_past_holidays
    assert not national.counting("before").extends_past_holidays
    assert not national.counting("term").extends_past_holidays
    assert "CC art 203" in national.counting("within").citations
    assert national.counting("before").direction == "before_anchor"
    for counting in (national.counting(k) for k in ("within", "publicity", "before", "after", "term")):
        assert counting.notes_zh and counting.notes_en
