"""Deadline rules of procedure steps, counted by the Civil Code (CC arts 200-204, see
:mod:`.periods`; the rule data's ``period_counting`` says which counting applies).

- ``before`` ("notice at least 15 days before the meeting", PMR art 14): the act's own day is not
  counted (CC art 201), so the latest day is anchor − N (posted on the 1st, meeting on the 16th);
  with the setting ``notice_period_excludes_meeting_day`` the meeting day is left out too. A
  minimum lead time is not extended past holidays.
- ``within`` ("file within 30 days of the election", PMR art 16): the anchor day is not counted,
  the last day is anchor + N (months: the corresponding day or the month's last day, art 202),
  moved past a statutory rest day (art 203); it ends at 24:00.
- ``after``: from anchor + N on.

(CC art 1259 is about counting words such as 以上/以内, not about periods.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from . import periods
from .model import ANCHOR_TITLES, DeadlineRule

COMPOUND_TIME_ZONE = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Violation:
    """A step date that breaks its deadline rule."""

    message_zh: str
    message_en: str
    citations: tuple[str, ...]
    required_on: date  # the latest (before/within) or earliest (after) allowed date
    step_on: date


DateOutOfRange = periods.DateOutOfRange
add_months = periods.add_months

#: the deadline kind → the rule data's period counting key
_COUNTING_KEYS = {"before": "before", "within": "within", "after": "after"}


def _counting(kind: str):
    return _counting_key(_COUNTING_KEYS.get(kind, kind))


def _counting_key(key: str):
    from .loader import get_rule_set

    try:
        return get_rule_set("national").counting(key)
    except KeyError:
        return None


def counted_due_date(rule: DeadlineRule, anchors: Mapping[str, date | None],
                     settings: Mapping[str, object]) -> periods.CountedDate | None:
    """The boundary date of ``rule`` with how it was counted, or None while its anchor is unknown.

    ``before``: the latest allowed date. ``within``: the last day (extended past statutory rest
    days). ``after``: the earliest allowed date.
    """
    anchor = anchors.get(rule.anchor)
    if anchor is None:
        return None
    amount, unit = rule.amount(settings)
    counting = _counting(rule.kind)
    citations = counting.citations if counting is not None else periods.COUNTING_CITATIONS
    excludes = rule.anchor == "meeting_on" and settings.get("notice_period_excludes_meeting_day") is True
    if rule.kind == "before":
        return periods.latest_before(anchor, amount, unit, excludes_anchor_day=excludes, citations=citations)
    if rule.kind == "after":
        return periods.earliest_after(anchor, amount, unit, citations=citations)
    extends = counting.extends_past_holidays if counting is not None else True
    return periods.period_end(anchor, amount, unit, extends_past_holidays=extends, citations=citations)


def publicity_period(posted_on: date, days: int) -> periods.CountedDate:
    """A publicity or objection period of ``days`` days for a notice posted on ``posted_on``
    (rule data ``period_counting.publicity``): posted 10-01 with 7 days, it ends at 24:00 on 10-08."""
    counting = _counting_key("publicity")
    return periods.period_end(posted_on, days,
                              extends_past_holidays=counting.extends_past_holidays if counting else True,
                              citations=counting.citations if counting else periods.COUNTING_CITATIONS)


def counted_term_end(starts_on: date, years: int) -> periods.CountedDate:
    """Last day of a committee term of ``years`` years from ``starts_on`` (rule data ``period_counting.term``)."""
    counting = _counting_key("term")
    return periods.term_end(starts_on, years, citations=counting.citations if counting else
                            ("CC art 201", "CC art 202", "CC art 204"))


def counted_within(event_on: date, amount: int, unit: str = "days") -> periods.CountedDate:
    """Last day of "within ``amount`` ``unit`` after the event" (rule data ``period_counting.within``)."""
    counting = _counting_key("within")
    return periods.period_end(event_on, amount, unit,
                              extends_past_holidays=counting.extends_past_holidays if counting else True,
                              citations=counting.citations if counting else periods.COUNTING_CITATIONS)


def counted_before(anchor_on: date, amount: int, unit: str = "days", *, excludes_anchor_day: bool = False
                   ) -> periods.CountedDate:
    """Latest day for an act at least ``amount`` ``unit`` before ``anchor_on`` (``period_counting.before``)."""
    counting = _counting_key("before")
    return periods.latest_before(anchor_on, amount, unit, excludes_anchor_day=excludes_anchor_day,
                                 citations=counting.citations if counting else ("CC art 201",))


def due_date(rule: DeadlineRule, anchors: Mapping[str, date | None], settings: Mapping[str, object]) -> date | None:
    """The boundary date of ``rule`` (see :func:`counted_due_date`), or None while its anchor is unknown."""
    counted = counted_due_date(rule, anchors, settings)
    return counted.on if counted is not None else None


def check_date(
    rule: DeadlineRule,
    step_on: date,
    anchors: Mapping[str, date | None],
    settings: Mapping[str, object],
) -> Violation | None:
    """A :class:`Violation` when ``step_on`` breaks ``rule``; None when it complies
    or when the anchor date is not yet known."""
    counted = counted_due_date(rule, anchors, settings)
    if counted is None:
        return None
    boundary = counted.on
    anchor = anchors[rule.anchor]
    amount, unit = rule.amount(settings)
    anchor_zh, anchor_en = ANCHOR_TITLES[rule.anchor]
    span_zh = f"{amount}个月" if unit == "months" else f"{amount}日"
    plural = "" if amount == 1 else "s"
    span_en = f"{amount} month{plural}" if unit == "months" else f"{amount} day{plural}"
    if rule.kind == "before" and step_on > boundary:
        message_zh = f"须在{anchor_zh}（{anchor}）前至少{span_zh}完成，即不晚于{boundary}；记录日期为{step_on}。"
        message_en = (
            f"Must happen at least {span_en} before {anchor_en} ({anchor}), "
            f"that is on or before {boundary}; recorded {step_on}."
        )
    elif rule.kind == "within" and step_on > boundary:
        message_zh = (f"须在{anchor_zh}（{anchor}）后{span_zh}内完成，即不晚于{boundary}"
                      f"（{counted.explanation_zh}）；记录日期为{step_on}。")
        message_en = (
            f"Must happen within {span_en} of {anchor_en} ({anchor}), "
            f"that is on or before {boundary} ({counted.explanation_en}); recorded {step_on}."
        )
    elif rule.kind == "within" and step_on < anchor:
        message_zh = f"不得早于{anchor_zh}（{anchor}）；记录日期为{step_on}。"
        message_en = f"Cannot happen before {anchor_en} ({anchor}); recorded {step_on}."
        boundary = anchor
    elif rule.kind == "after" and step_on < boundary:
        message_zh = f"须在{anchor_zh}（{anchor}）后满{span_zh}，即不早于{boundary}；记录日期为{step_on}。"
        message_en = (
            f"Must wait {span_en} after {anchor_en} ({anchor}), "
            f"that is on or after {boundary}; recorded {step_on}."
        )
    else:
        return None
    return Violation(message_zh, message_en, rule.citations, boundary, step_on)


def today_in_shanghai(now_utc: datetime) -> date:
    """The calendar date in Asia/Shanghai at ``now_utc`` (naive values are taken as UTC)."""
    if now_utc.tzinfo is None:
        now_utc = now_utc.replace(tzinfo=timezone.utc)
    return now_utc.astimezone(COMPOUND_TIME_ZONE).date()


def days_between(start: date, end: date) -> int:
    """Whole days from ``start`` to ``end`` (negative when ``end`` is earlier)."""
    return (end - start).days


def reelection_due_on(term_ends_on: date, lead_months: int) -> date:
    """The day a re-election must have started by: ``lead_months`` before the term ends."""
    return add_months(term_ends_on, -lead_months)


def reelection_status(term_ends_on: date, today: date, lead_months: int, *, upcoming_months: int = 3) -> str:
    """Where a sitting committee stands with its re-election (GR art 32, GR lead time).

    ``term_ends_on`` is the last day of the term. Ask only for a committee that has not
    yet been re-elected; once the new committee is elected the status no longer applies.

    - ``overdue``:  today is after ``term_ends_on`` (the term has ended, no new election);
    - ``due``:      from ``term_ends_on − lead_months`` up to and including ``term_ends_on``;
    - ``upcoming``: from ``term_ends_on − (lead_months + upcoming_months)`` until the due
      date (time to prepare);
    - ``not_yet``:  earlier than that.
    """
    if today > term_ends_on:
        return "overdue"
    due_on = reelection_due_on(term_ends_on, lead_months)
    if today >= due_on:
        return "due"
    if today >= add_months(term_ends_on, -(lead_months + upcoming_months)):
        return "upcoming"
    return "not_yet"
