"""Deadline arithmetic for procedure steps. Pure functions over dates.

Counting follows CC art 1259: a period of N days "before" an anchor is met when the
step happens on or before anchor − N (a notice posted exactly 15 days before the
meeting is in time; 14 days is not). "Within N days" of an anchor ends on anchor + N
inclusive. Months are calendar months, with the day clamped to the month's end
(3 months before 31 May is 28 or 29 February).
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

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


class DateOutOfRange(ValueError):
    """A deadline that falls outside the calendar (an anchor date such as 9999-12-20 or 0001-01-01)."""

    def __init__(self, day: date, amount: int, unit: str):
        super().__init__(f"日期 {day.isoformat()} 推算 {amount} {'个月' if unit == 'months' else '天'} 后超出可计算范围"
                         f"（{day.isoformat()} ± {amount} {unit} is outside the calendar）")


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months (negative goes back), clamped to month end."""
    if not date.min.year <= (day.year * 12 + (day.month - 1) + months) // 12 <= date.max.year:
        raise DateOutOfRange(day, months, "months")
    month_index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(month_index, 12)
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last_day))


def _shift(anchor: date, amount: int, unit: str, sign: int) -> date:
    if unit == "months":
        return add_months(anchor, sign * amount)
    try:
        return anchor + timedelta(days=sign * amount)
    except OverflowError:
        raise DateOutOfRange(anchor, sign * amount, "days") from None


def due_date(rule: DeadlineRule, anchors: Mapping[str, date | None], settings: Mapping[str, object]) -> date | None:
    """The boundary date of ``rule``, or None while its anchor date is not yet known.

    ``before``: the latest allowed date (anchor − N).
    ``within``: the latest allowed date (anchor + N).
    ``after``: the earliest allowed date (anchor + N).
    """
    anchor = anchors.get(rule.anchor)
    if anchor is None:
        return None
    amount, unit = rule.amount(settings)
    sign = -1 if rule.kind == "before" else 1
    return _shift(anchor, amount, unit, sign)


def check_date(
    rule: DeadlineRule,
    step_on: date,
    anchors: Mapping[str, date | None],
    settings: Mapping[str, object],
) -> Violation | None:
    """A :class:`Violation` when ``step_on`` breaks ``rule``; None when it complies
    or when the anchor date is not yet known."""
    boundary = due_date(rule, anchors, settings)
    if boundary is None:
        return None
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
        message_zh = f"须在{anchor_zh}（{anchor}）后{span_zh}内完成，即不晚于{boundary}；记录日期为{step_on}。"
        message_en = (
            f"Must happen within {span_en} of {anchor_en} ({anchor}), "
            f"that is on or before {boundary}; recorded {step_on}."
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
