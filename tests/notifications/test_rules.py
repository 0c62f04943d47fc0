"""The rules as data and their timing: the day before, on and after each threshold."""
from datetime import date

import pytest

from committee_app.notifications.rules import RULES_FILE, Timing, get_rule_book, parse

DUE = date(2026, 12, 20)


@pytest.mark.parametrize("today, expected", [
    (date(2026, 12, 12), (False, None)),             # the day before the 7-day threshold
    (date(2026, 12, 13), (True, date(2026, 12, 13))),  # on it
    (date(2026, 12, 14), (True, date(2026, 12, 13))),  # after it: the same message (same key)
    (date(2026, 12, 18), (True, date(2026, 12, 13))),  # the day before the 1-day threshold
    (date(2026, 12, 19), (True, date(2026, 12, 19))),  # on it: a new message
    (date(2026, 12, 20), (True, date(2026, 12, 19))),  # the due day itself
    (date(2026, 12, 21), (False, None)),             # past: "before" reminders stop
])
def test_reminders_before_a_due_date(today, expected):
    assert Timing(days_before=(1, 7)).threshold(DUE, today) == expected


@pytest.mark.parametrize("today, expected", [
    (date(2026, 12, 20), (False, None)),             # due today: not overdue yet
    (date(2026, 12, 21), (True, date(2026, 12, 21))),  # the first day overdue
    (date(2026, 12, 22), (True, date(2026, 12, 21))),
    (date(2027, 1, 4), (True, date(2026, 12, 21))),   # the last day of the 14-day window
    (date(2027, 1, 5), (False, None)),               # a run after a long pause does not tell old news
])
def test_an_overdue_signal_comes_the_day_after_and_stops_after_its_window(today, expected):
    assert Timing(days_after=1, window_days=14).threshold(DUE, today) == expected


def test_a_once_rule_is_keyed_by_its_record_date_whatever_the_day():
    timing = Timing(once=True)
    assert timing.threshold(DUE, date(2026, 1, 1)) == (True, DUE)
    assert timing.threshold(None, date(2026, 1, 1)) == (True, None)


def test_the_rule_file_covers_every_audience_and_statutory_rules_cite_the_law():
    book = get_rule_book()
    assert {rule.audience for rule in book.rules} == {"organisers", "mentors", "street_officers", "owners"}
    keys = {rule.key for rule in book.rules}
    assert {"step_due_soon", "step_overdue", "step_returned", "objection_lodged", "vote_opens_soon",
            "vote_closes_soon", "paper_second_counter", "mentor_step_overdue", "mentor_finding",
            "mentor_term_ending", "mentor_item_overdue", "officer_signoff_waiting", "officer_term_ended",
            "officer_high_finding", "owner_roll_notice", "owner_candidate_list", "owner_vote_opened",
            "owner_vote_closing", "owner_result_posted"} <= keys
    for rule in book.rules:
        if rule.is_statutory:
            assert rule.citations, rule.key
    assert next(r for r in book.rules if r.key == "step_due_soon").timing.days_before == (1, 7)


def test_settings_from_the_instance_change_the_thresholds():
    import yaml

    data = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    book = parse(data, {"step_due_days_before": [14, 3]})
    assert next(r for r in book.rules if r.key == "step_due_soon").timing.days_before == (3, 14)


def test_a_rule_with_an_unknown_audience_is_refused():
    with pytest.raises(ValueError, match="audience"):
        parse({"kinds": {"k": {"zh": "k"}}, "rules": [
            {"key": "x", "kind": "k", "audience": "everyone", "source": "s", "title_zh": "t"}]})
