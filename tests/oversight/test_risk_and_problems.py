"""The risk score that orders the board, and findings phrased as what went wrong (pure functions)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from committee_app.oversight.checks import CheckDataError, get_checks, load_checks, placeholders, show_value
from committee_app.oversight.model import Outcome
from committee_app.oversight.risk import risk_band, risk_score, risk_sort_key
from committee_app.rules import counted_before

CATALOG = Path("committee_app/oversight/translations/en/LC_MESSAGES/messages.po")


def test_each_open_finding_counts_by_its_severity():
    assert risk_score([]) == 0
    assert risk_score(["low"]) == 1
    assert risk_score(["medium"]) == 3
    assert risk_score(["high"]) == 5
    assert risk_score(["high", "high", "medium", "low"]) == 14


def test_overdue_steps_and_the_term_status_add_to_the_score():
    assert risk_score([], overdue_steps=2) == 4
    assert risk_score([], term_status="not_yet") == 0
    assert risk_score([], term_status="upcoming") == 1
    assert risk_score([], term_status="due") == 3
    assert risk_score([], term_status="overdue") == 5
    assert risk_score(["low"], overdue_steps=1, term_status="due") == 1 + 2 + 3
    assert risk_score([], overdue_steps=-3, term_status=None) == 0  # nonsense in, nothing added


def test_bands_say_none_attention_high_and_unknown_for_a_row_that_failed():
    assert risk_band(0) == "none"
    assert risk_band(1) == risk_band(4) == "attention"
    assert risk_band(5) == risk_band(40) == "high"
    assert risk_band(None) == "unknown"


def test_the_board_order_is_highest_risk_first_then_name_with_failed_rows_on_top():
    rows = [(3, "乙"), (10, "丙"), (3, "甲"), (0, "丁"), (None, "戊")]
    ordered = sorted(rows, key=lambda r: risk_sort_key(r[0], r[1]))
    assert [name for _score, name in ordered] == ["戊", "丙", "乙", "甲", "丁"]  # 乙 (U+4E59) before 甲 (U+7532)


def test_dates_in_a_sentence_are_written_out():
    assert show_value(date(2026, 12, 31)) == "2026年12月31日"
    assert show_value(date(2026, 12, 31), "en") == "31 December 2026"
    assert show_value(None) == "—"
    assert show_value(3) == "3"


def _reelection():
    return get_checks().by_key()["reelection_started_on_time"]


def test_a_reelection_not_started_reads_as_what_went_wrong_with_its_dates():
    counted = counted_before(date(2026, 12, 31), 3, "months")
    values = {"term_ends_on": date(2026, 12, 31), "due_on": counted.on, "lead_months": 3, "counted": counted}
    text = _reelection().problem("not_started", values)
    assert text.startswith("任期于2026年12月31日届满，换届程序尚未启动")
    assert "届满前3个月" in text and f"{counted.on.year}年{counted.on.month}月{counted.on.day}日前启动" in text
    assert text != _reelection().title_zh


def test_the_english_problem_comes_from_the_catalog_with_the_same_values():
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)

    def translate(text):
        message = catalog.get(text)
        return message.string if message is not None and message.string else text

    values = {"term_ends_on": date(2026, 12, 31), "due_on": date(2026, 9, 30), "lead_months": 3}
    text = _reelection().problem("not_started", values, "en", translate=translate)
    assert text == ("The term ends 31 December 2026 and the re-election has not started "
                    "(it should start 3 months before, by 30 September 2026)")


def test_every_finding_message_has_a_problem_and_an_english_one_with_the_same_placeholders():
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    for check in get_checks().checks:
        for message in check.messages:
            if message == "ok":
                continue
            template = check.problems[message]
            english = catalog.get(template)
            assert english is not None and english.string, (check.key, message)
            assert placeholders(english.string) == placeholders(template), (check.key, message)
            # every placeholder is a value the checker gives: one its message or its evidence uses
            known = placeholders(check.messages[message]["zh"]) | set(get_checks().evidence_labels) | {"title"}
            assert placeholders(template) <= known, (check.key, message)


def test_a_check_without_a_problem_is_refused_at_start_up(tmp_path):
    source = Path("committee_app/oversight/checks.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "checks.yaml"
    broken.write_text(source.replace('    problem: "管理规约约定', '    problem_missing: "管理规约约定'),
                      encoding="utf-8")
    with pytest.raises(CheckDataError, match="non_voter_clause"):
        load_checks(broken)


def test_the_fingerprint_changes_with_the_facts_and_only_with_them():
    one = Outcome(False, "not_started", {"term_ends_on": date(2026, 12, 31), "due_on": date(2026, 9, 30)},
                  (), None, "committee:1")
    same = Outcome(False, "not_started", {"due_on": date(2026, 9, 30), "term_ends_on": date(2026, 12, 31)},
                   ("due_on",), None, "committee:1")
    later_term = Outcome(False, "not_started", {"term_ends_on": date(2027, 3, 31), "due_on": date(2026, 12, 31)},
                         (), None, "committee:1")
    other_committee = Outcome(False, "not_started", one.values, (), None, "committee:2")
    assert one.fingerprint("reelection_started_on_time") == same.fingerprint("reelection_started_on_time")
    assert one.fingerprint("reelection_started_on_time") != later_term.fingerprint("reelection_started_on_time")
    assert one.fingerprint("reelection_started_on_time") != other_committee.fingerprint("reelection_started_on_time")
    assert one.fingerprint("reelection_started_on_time") != one.fingerprint("handover_within_10_days")
