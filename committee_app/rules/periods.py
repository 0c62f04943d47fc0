"""Periods counted as the Civil Code counts them (CC arts 200-204). Pure functions over dates.

- art 200: periods are counted by the Gregorian calendar, in years, months, days and hours;
- art 201: a period counted in days, months or years does not count the day of the event: it
  starts the next day (开始的当日不计入，自下一日开始计算);
- art 202: a period in months or years ends on the corresponding day of the last month, or on
  that month's last day when it has no such day;
- art 203: when the last day is a statutory rest day (法定休假日), the period ends on the first
  day after it; the last day ends at 24:00;
- art 204: a law or the parties may set another method (the rule data says where).

Statutory rest days come from the State Council's yearly schedule as kept by the
``chinese-calendar`` library (weekends, holidays and the weekend days made working days,
调休上班). For a year the library does not cover, a period is counted without the art 203
extension and the result says so (:attr:`CountedDate.is_holiday_data_missing`).

Which periods are extended past holidays, and in which direction a period runs, is rule data
(``period_counting`` in ``rules/data/national.yaml``); this module only does the arithmetic and
writes down how each date was counted.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar

#: citations of the general counting rules
COUNTING_CITATIONS = ("CC art 201", "CC art 202", "CC art 203")


@dataclass(frozen=True)
class CountedDate:
    """A date computed from a period, with how it was counted.

    ``on`` is the date; ``explanation_zh``/``explanation_en`` say how it was counted (shown where
    the date is shown); ``extended_from`` is the nominal last day when art 203 moved it;
    ``is_holiday_data_missing`` is set when the holiday data does not cover the year of the
    nominal last day (then no art 203 extension was applied).
    """

    on: date
    explanation_zh: str
    explanation_en: str
    citations: tuple[str, ...] = COUNTING_CITATIONS
    extended_from: date | None = None
    is_holiday_data_missing: bool = False

    def explanation(self, language: str | None = "zh") -> str:
        return self.explanation_en if language == "en" else self.explanation_zh

    def isoformat(self) -> str:
        return self.on.isoformat()

    def __str__(self) -> str:
        return self.on.isoformat()


# --------------------------------------------------------------------------- calendar


class DateOutOfRange(ValueError):
    """A date that falls outside the calendar (an anchor date such as 9999-12-20 or 0001-01-01)."""

    def __init__(self, day: date, amount: int, unit: str):
        super().__init__(f"日期 {day.isoformat()} 推算 {amount} {'个月' if unit == 'months' else '天'} 后超出可计算范围"
                         f"（{day.isoformat()} ± {amount} {unit} is outside the calendar）")


def _in_calendar(function):
    """Turn date arithmetic that leaves the calendar into :class:`DateOutOfRange`."""
    import functools

    @functools.wraps(function)
    def counted(day, amount=0, *args, **kwargs):
        try:
            return function(day, amount, *args, **kwargs)
        except DateOutOfRange:
            raise
        except OverflowError:
            raise DateOutOfRange(day, amount, "days") from None
        except ValueError as error:
            if "out of range" not in str(error):
                raise
            raise DateOutOfRange(day, amount, "days") from None
    return counted


@_in_calendar
def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months (negative goes back); a day the target month
    lacks becomes that month's last day (CC art 202)."""
    month_index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(month_index, 12)
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last_day))


def holiday_years() -> tuple[int, int]:
    """First and last year the holiday data covers."""
    years = [day.year for day in chinese_calendar.holidays]
    return min(years), max(years)


def holiday_data_covers(day: date) -> bool:
    first, last = holiday_years()
    return first <= day.year <= last


def is_rest_day(day: date) -> bool | None:
    """Whether ``day`` is a statutory rest day (weekend or holiday, not a 调休 working day);
    None when the holiday data does not cover its year."""
    if not holiday_data_covers(day):
        return None
    return bool(chinese_calendar.is_holiday(day))


def holiday_name(day: date) -> str | None:
    if not holiday_data_covers(day):
        return None
    _is_holiday, name = chinese_calendar.get_holiday_detail(day)
    return name


def _shift(day: date, amount: int, unit: str) -> date:
    if unit == "days":
        return day + timedelta(days=amount)
    if unit == "months":
        return add_months(day, amount)
    if unit == "years":
        return add_months(day, 12 * amount)
    raise ValueError(f"unknown unit {unit!r}")


def _span(amount: int, unit: str) -> tuple[str, str]:
    zh = {"days": f"{amount}日", "months": f"{amount}个月", "years": f"{amount}年"}[unit]
    word = {"days": "day", "months": "month", "years": "year"}[unit]
    return zh, f"{amount} {word}{'' if amount == 1 else 's'}"


# --------------------------------------------------------------------------- periods


@_in_calendar
def period_end(event_on: date, amount: int, unit: str = "days", *, extends_past_holidays: bool = True,
               citations: tuple[str, ...] = COUNTING_CITATIONS) -> CountedDate:
    """Last day of a period of ``amount`` ``unit`` that follows the event on ``event_on``
    ("within 30 days of the election", "objections within 7 days of posting").

    The event day is not counted (art 201); months and years end on the corresponding day or
    the month's last day (art 202); a last day that is a statutory rest day moves to the first
    working day after it when ``extends_past_holidays`` (art 203). The period ends at 24:00 of
    the returned day, so an act on that day is in time and one on the next day is late.
    """
    if amount < 1:
        raise ValueError("a period lasts at least one unit")
    first_day = event_on + timedelta(days=1)
    nominal = _shift(event_on, amount, unit)
    span_zh, span_en = _span(amount, unit)
    zh = f"{event_on}当日不计入，自{first_day}起算{span_zh}"
    en = f"{event_on} itself not counted; {span_en} from {first_day}"
    if unit != "days" and nominal.day != event_on.day:
        zh += f"，到期月无对应日，以月末{nominal}为最后一日"
        en += f"; the last month has no corresponding day, so its last day {nominal} is the last day"
    else:
        zh += f"，最后一日为{nominal}"
        en += f", last day {nominal}"
    end, extended_from, missing = nominal, None, False
    if extends_past_holidays:
        rest = is_rest_day(nominal)
        if rest is None:
            missing = True
            zh += f"；节假日数据未覆盖{nominal.year}年，未按法定休假日顺延，请自行核对国务院放假安排"
            en += (f"; the holiday data does not cover {nominal.year}: not extended past holidays, "
                   f"check the State Council's schedule")
        elif rest:
            while is_rest_day(end):
                end += timedelta(days=1)
            extended_from = nominal
            name = holiday_name(nominal)
            zh += f"，该日为法定休假日{('（' + _HOLIDAY_WORDS.get(name, name) + '）') if name else ''}，顺延至休假日后第一日{end}"
            en += f"; that day is a statutory rest day{(' (' + name + ')') if name else ''}, so it moves to {end}"
    if extends_past_holidays:
        zh += f"，至{end} 24时止（民法典第201-203条）。"
        en += f"; ends at 24:00 on {end} (CC arts 201-203)."
    else:
        zh += f"，至{end} 24时止，不按节假日顺延（民法典第201、202、204条）。"
        en += f"; ends at 24:00 on {end}, not extended past holidays (CC arts 201, 202, 204)."
    return CountedDate(end, zh, en, tuple(citations), extended_from, missing)


@_in_calendar
def latest_before(anchor_on: date, amount: int, unit: str = "days", *, excludes_anchor_day: bool = False,
                  citations: tuple[str, ...] = ("CC art 201",)) -> CountedDate:
    """Latest day for an act that must come at least ``amount`` ``unit`` before ``anchor_on``
    ("notice at least 15 days before the meeting", PMR art 14).

    Counted forward from the act: its own day is not counted (art 201), so the N days run from
    the next day and the anchor day is the N-th day (notice on the 1st, meeting on the 16th).
    With ``excludes_anchor_day`` the anchor day is not counted either (meeting on the 17th).
    No art 203 extension: this is a minimum lead time, not a time limit to act by, and a
    meeting may well be held on a rest day.
    """
    latest = _shift(anchor_on, -amount, unit)
    if excludes_anchor_day:
        latest -= timedelta(days=1)
    span_zh, span_en = _span(amount, unit)
    zh = (f"须在{anchor_on}前至少{span_zh}：行为当日不计入（民法典第201条）"
          + ("，会议当日亦不计入" if excludes_anchor_day else "，会议（基准）当日计入")
          + f"，最迟{latest}；最低提前期不按节假日顺延。")
    en = (f"at least {span_en} before {anchor_on}: the day of the act is not counted (CC art 201)"
          + (", nor is the day of the meeting" if excludes_anchor_day else ", the meeting (anchor) day is")
          + f"; latest {latest}; a minimum lead time is not extended past holidays.")
    return CountedDate(latest, zh, en, tuple(citations))


@_in_calendar
def earliest_after(event_on: date, amount: int, unit: str = "days", *, excludes_anchor_day: bool = False,
                   citations: tuple[str, ...] = ("CC art 201",)) -> CountedDate:
    """Earliest day for the anchor of :func:`latest_before`: a notice posted on ``event_on`` allows
    the meeting (or the vote) from the returned day on."""
    earliest = _shift(event_on, amount, unit)
    if excludes_anchor_day:
        earliest += timedelta(days=1)
    span_zh, span_en = _span(amount, unit)
    zh = (f"{event_on}当日不计入（民法典第201条），自次日起满{span_zh}"
          + ("且会议当日不计入" if excludes_anchor_day else "")
          + f"，最早{earliest}。")
    en = (f"{event_on} itself not counted (CC art 201); {span_en} from the next day"
          + (", the meeting day not counted" if excludes_anchor_day else "")
          + f": {earliest} at the earliest.")
    return CountedDate(earliest, zh, en, tuple(citations))


@_in_calendar
def term_end(starts_on: date, years: int, *,
             citations: tuple[str, ...] = ("CC art 201", "CC art 202", "CC art 204")) -> CountedDate:
    """Last day of a term of ``years`` years from the election (or term start) on ``starts_on``:
    the start day is not counted (art 201) and the term ends on the corresponding day, or the
    month's last day (art 202): 2024-02-29 + 5 years → 2029-02-28. A term is not a time limit
    to act by: it is not extended past holidays (CC art 204, rule data)."""
    return period_end(starts_on, years, "years", extends_past_holidays=False, citations=citations)


def period_length_days(starts_after: date, ends_on: date) -> int:
    """Days a period counts when the event is on ``starts_after`` and it ends on ``ends_on``
    (the event day not counted, the last day counted)."""
    return (ends_on - starts_after).days


@_in_calendar
def explain_stored_end(event_on: date, ends_on: date) -> CountedDate:
    """How a stored period end (a notice's publicity end) reads: counted from the day after
    ``event_on`` to 24:00 of ``ends_on``."""
    first_day = event_on + timedelta(days=1)
    days = period_length_days(event_on, ends_on)
    zh = f"{event_on}当日不计入，自{first_day}起算，至{ends_on} 24时止，共{days}日（民法典第201-203条）。"
    en = f"{event_on} itself not counted; from {first_day} to 24:00 on {ends_on}, {days} days (CC arts 201-203)."
    return CountedDate(ends_on, zh, en)


_HOLIDAY_WORDS = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节", "National Day": "国庆节", "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}
