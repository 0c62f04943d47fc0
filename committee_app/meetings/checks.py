"""Pure rules of committee meetings and proposals (GR arts 37-39, PMR arts 13/15).

Plain values in, plain values out: no Flask, no database. Periods are counted by CC arts
200-204 (:mod:`committee_app.rules.periods`): "at least 7 days before" leaves out the day the
agenda is posted, so exactly 7 days is enough; "within 3 days" starts the day after the meeting
and ends at 24:00 of day 3, moved past a statutory rest day. Counting words follow CC art 1259:
以上 includes the number; 过半数 is strictly more than half.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from ..rules import (CountedDate, committee_motion_passes, committee_quorum, counted_before, counted_within,
                     share_at_least)

MEETING_CITATIONS = ("GR art 37-39",)
EGM_CITATIONS = ("GR art 21", "PMR art 13", "PMR art 15")


def counted_latest_agenda_on(meeting_on: date, notice_days: int) -> CountedDate:
    """The last day the agenda may be posted, with how it was counted (CC art 201)."""
    return counted_before(meeting_on, notice_days)


def latest_agenda_on(meeting_on: date, notice_days: int) -> date:
    """The last day the agenda may be posted for a meeting on ``meeting_on``."""
    return counted_latest_agenda_on(meeting_on, notice_days).on


def agenda_in_time(agenda_posted_on: date, meeting_on: date, notice_days: int) -> bool:
    """Whether the agenda was posted at least ``notice_days`` before the meeting."""
    return agenda_posted_on <= latest_agenda_on(meeting_on, notice_days)


def request_meets_share(signers: int, total_members: int, share: Fraction) -> bool:
    """At least ``share`` (1/3) of ALL members asked for a meeting (以上, inclusive)."""
    return share_at_least(signers, total_members, share)


def counted_within_days(anchor: date, days: int) -> CountedDate:
    """Last day of "within ``days`` days" of ``anchor``, with how it was counted (CC arts 201-203)."""
    return counted_within(anchor, days)


def within_days(anchor: date, days: int) -> date:
    """Last day of "within ``days`` days" of ``anchor``: from the next day, moved past a statutory
    rest day (CC arts 201-203)."""
    return counted_within(anchor, days).on


def posting_status(due_on: date, posted_on: date | None, today: date) -> str:
    """``in_time`` / ``late`` once posted; ``pending`` / ``overdue`` while not posted."""
    if posted_on is not None:
        return "in_time" if posted_on <= due_on else "late"
    return "pending" if today <= due_on else "overdue"


@dataclass(frozen=True)
class MotionResult:
    total_members: int
    present: int
    votes_for: int
    votes_against: int
    votes_abstain: int
    quorum_met: bool
    passed: bool

    @property
    def not_voting(self) -> int:
        return self.present - self.votes_for - self.votes_against - self.votes_abstain


def motion_result(total_members: int, present: int, votes_for: int, votes_against: int,
                  votes_abstain: int) -> MotionResult:
    """A motion passes only at a quorate meeting (more than half of ALL members present)
    with more than half of ALL members in favour, so a tie fails."""
    if votes_for + votes_against + votes_abstain > present:
        raise ValueError("more votes than members present")
    quorum = committee_quorum(present, total_members)
    return MotionResult(total_members, present, votes_for, votes_against, votes_abstain, quorum,
                        quorum and committee_motion_passes(votes_for, total_members))


@dataclass(frozen=True)
class SupportShare:
    headcount: int
    area: Decimal
    roll_headcount: int
    roll_area: Decimal
    egm_share: Fraction
    egm_duty: bool  # at least egm_share of the area AND of the headcount ask: an extraordinary general meeting

    @property
    def headcount_percent(self) -> Decimal:
        return _percent(Fraction(self.headcount), Fraction(self.roll_headcount))

    @property
    def area_percent(self) -> Decimal:
        return _percent(Fraction(self.area), Fraction(self.roll_area))

    @property
    def egm_needed_headcount(self) -> int:
        """The smallest headcount that reaches the EGM share."""
        share = self.egm_share * self.roll_headcount
        return -(-share.numerator // share.denominator)

    @property
    def egm_needed_area(self) -> Decimal:
        """The smallest area (two decimals, rounded up) that reaches the EGM share."""
        share = self.egm_share * Fraction(self.roll_area)
        hundredths = -(-(share * 100).numerator // (share * 100).denominator)
        return (Decimal(hundredths) / 100).quantize(Decimal("0.01"))

    @property
    def is_headcount_reached(self) -> bool:
        return share_at_least(self.headcount, self.roll_headcount, self.egm_share)

    @property
    def is_area_reached(self) -> bool:
        return share_at_least(Fraction(self.area), Fraction(self.roll_area), self.egm_share)


def _percent(part: Fraction, whole: Fraction) -> Decimal:
    """For display, rounded down: a share shown as 20.00% has reached 20% (19.998% shows 19.99%)."""
    if whole == 0:
        return Decimal("0.00")
    hundredths = part * 10000 / whole
    return (Decimal(hundredths.numerator // hundredths.denominator) / 100).quantize(Decimal("0.01"))


def support_share(headcount: int, area: Decimal, roll_headcount: int, roll_area: Decimal,
                  egm_share: Fraction) -> SupportShare:
    """Supporters' share of the roll. Owners holding ≥ ``egm_share`` (20%) of the total area AND
    ≥ 20% of the headcount oblige the committee to call an extraordinary general meeting (GR art 21;
    PMR art 13 says only "20% of owners": both counts apply, as GR does). 以上 includes the number
    (CC art 1259); exact arithmetic, no floats."""
    duty = (share_at_least(headcount, roll_headcount, egm_share)
            and share_at_least(Fraction(area), Fraction(roll_area), egm_share))
    return SupportShare(headcount, area, roll_headcount, roll_area, egm_share, duty)
