"""Pure rules of nominations: the vetting decision, the objection period, the list's
composition. Plain values in, plain values out; no Flask, no database."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from ..rules import periods, publicity_period

MET, NOT_MET, NOT_APPLICABLE = "met", "not_met", "not_applicable"
CHECK_STATUSES = (MET, NOT_MET, NOT_APPLICABLE)

CHANNELS = ("self", "joint", "party", "community")
#: Channels whose nomination is a recommendation by an organisation (name it).
ORGANISATION_CHANNELS = ("party", "community")


@dataclass(frozen=True)
class Decision:
    """The vetting outcome for one candidate.

    ``is_complete``: every condition in force has a mark. ``is_eligible``: complete and
    every required condition is met. ``failing`` lists (condition key, status) of required
    conditions marked not met or not applicable; ``pending`` the condition keys not marked.
    """

    is_complete: bool
    is_eligible: bool
    failing: tuple[tuple[str, str], ...]
    pending: tuple[str, ...]

    @property
    def state(self) -> str:
        """'eligible', 'ineligible' (a required item fails) or 'pending'."""
        if self.failing:
            return "ineligible"
        return "eligible" if self.is_eligible else "pending"


def decide(conditions: Iterable, marks: Mapping[str, str]) -> Decision:
    """Decide eligibility from the conditions in force and the marks given per key.

    A required condition counts only when it is *met*: "not applicable" on a required
    condition fails it like "not met", so the refusal can cite it. Optional conditions
    need a mark but never fail a candidate.
    """
    failing, pending = [], []
    for condition in conditions:
        status = marks.get(condition.key)
        if status not in CHECK_STATUSES:
            pending.append(condition.key)
        elif condition.required and status != MET:
            failing.append((condition.key, status))
    is_complete = not pending
    return Decision(is_complete, is_complete and not failing, tuple(failing), tuple(pending))


def objection_period(posted_on: date, days: int) -> periods.CountedDate:
    """The objection period of a list posted on ``posted_on``, with how it was counted: the posting
    day is not counted (CC art 201), the period ends at 24:00 of its last day, moved past a
    statutory rest day (CC art 203). Posted 10-01 with 7 days: ends 10-08; 10-09 is late."""
    return publicity_period(posted_on, days)


def period_end(starts_on: date, days: int) -> date:
    """Last day of a period of ``days`` days after ``starts_on`` (see :func:`objection_period`)."""
    return objection_period(starts_on, days).on


def objection_open(starts_on: date, ends_on: date, today: date) -> bool:
    """Objections are received from the posting day until 24:00 of the period's last day."""
    return starts_on <= today <= ends_on


def period_over(ends_on: date, today: date) -> bool:
    """The period is over from the day after its last day."""
    return today > ends_on


@dataclass(frozen=True)
class Composition:
    """How the candidate list compares with the seats (information only, never a block)."""

    seats: int
    candidates: int
    party_members: int
    ratio: Fraction | None  # candidates / seats
    surplus: int  # candidates beyond the seats (差额), negative when short
    party_share_guideline: Fraction | None
    party_members_guideline: int | None  # Party members a committee of ``seats`` would have in principle
    party_meets_guideline: bool | None
    party_share_of_candidates: Fraction | None

    @property
    def ratio_text(self) -> str:
        """``"9 : 7"`` and the ratio with two decimals computed exactly, e.g. ``"1.29"``."""
        if self.ratio is None:
            return "—"
        hundredths = (self.ratio * 100 + Fraction(1, 2)).__floor__()
        return f"{hundredths // 100}.{hundredths % 100:02d}"


def composition(seats: int, candidates: int, party_members: int,
                party_share_guideline: Fraction | None) -> Composition:
    ratio = Fraction(candidates, seats) if seats > 0 else None
    guideline_members = None
    meets = None
    if party_share_guideline is not None and seats > 0:
        # "in principle at least half": the smallest whole number of members reaching the share
        guideline_members = -((-party_share_guideline.numerator * seats) // party_share_guideline.denominator)
        meets = party_members >= guideline_members
    share = Fraction(party_members, candidates) if candidates else None
    return Composition(seats, candidates, party_members, ratio, candidates - seats,
                       party_share_guideline, guideline_members, meets, share)
