"""Exact threshold arithmetic (CC art 278; counting words CC art 1259; GR arts 37-39).

Headcounts are ints, areas are ``Decimal`` square metres (two places). Shares are
compared as ``Fraction``s, never floats: 以上 (at least) includes the number itself,
过半数 (more than half) does not. No participation, or an empty roll, never meets a
threshold.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from .model import Threshold

Amount = int | Decimal | Fraction

PARTICIPATION = Threshold(
    key="participation",
    title_zh="参与表决的专有部分面积和人数均占三分之二以上",
    title_en="Participation: at least 2/3 of the total area and of the total headcount",
    share=Fraction(2, 3),
    comparison="at_least",
    base="roll",
    counting_word_zh="三分之二以上（含本数）",
    citations=("CC art 278", "CC art 1259"),
)
ORDINARY = Threshold(
    key="ordinary",
    title_zh="一般事项：经参与表决专有部分面积过半数的业主且参与表决人数过半数的业主同意",
    title_en="Ordinary matter: approved by more than half of the participating area and headcount",
    share=Fraction(1, 2),
    comparison="more_than",
    base="participating",
    counting_word_zh="过半数（不含本数）",
    citations=("CC art 278", "CC art 1259"),
)
SPECIAL = Threshold(
    key="special",
    title_zh="特别事项：经参与表决专有部分面积四分之三以上的业主且参与表决人数四分之三以上的业主同意",
    title_en="Special matter: approved by at least 3/4 of the participating area and headcount",
    share=Fraction(3, 4),
    comparison="at_least",
    base="participating",
    counting_word_zh="四分之三以上（含本数）",
    citations=("CC art 278", "CC art 1259"),
)
MATTERS = {"ordinary": ORDINARY, "special": SPECIAL}


def _exact(value: Amount) -> Fraction:
    if isinstance(value, float):
        raise TypeError("floats are not allowed in vote arithmetic; use int, Decimal or Fraction")
    if isinstance(value, bool) or not isinstance(value, int | Decimal | Fraction):
        raise TypeError(f"expected int, Decimal or Fraction, got {value!r}")
    return Fraction(value)


def share_at_least(part: Amount, whole: Amount, share: Fraction) -> bool:
    """part / whole ≥ share (以上, inclusive). False when ``whole`` is zero."""
    whole_exact = _exact(whole)
    return whole_exact > 0 and _exact(part) >= share * whole_exact


def share_more_than(part: Amount, whole: Amount, share: Fraction) -> bool:
    """part / whole > share (过半数 / 超过, strict). False when ``whole`` is zero."""
    whole_exact = _exact(whole)
    return whole_exact > 0 and _exact(part) > share * whole_exact


def meets(part: Amount, whole: Amount, threshold: Threshold) -> bool:
    """Whether one count (headcount or area) reaches ``threshold``."""
    if threshold.comparison == "more_than":
        return share_more_than(part, whole, threshold.share)
    return share_at_least(part, whole, threshold.share)


def quorum_met(
    part_head: int,
    part_area: Decimal,
    roll_head: int,
    roll_area: Decimal,
    threshold: Threshold = PARTICIPATION,
) -> bool:
    """Participation quorum: headcount AND area of those taking part against the roll."""
    return meets(part_head, roll_head, threshold) and meets(part_area, roll_area, threshold)


def approved(
    approve_head: int,
    approve_area: Decimal,
    part_head: int,
    part_area: Decimal,
    matter: str | Threshold,
) -> bool:
    """Approval of a matter on both counts against the participating owners.

    ``matter`` is "ordinary" (strictly more than 1/2), "special" (at least 3/4), or a
    :class:`Threshold` taken from a rule set.
    """
    if isinstance(matter, Threshold):
        threshold = matter
    else:
        try:
            threshold = MATTERS[matter]
        except KeyError:
            raise ValueError(f"unknown matter {matter!r}; expected 'ordinary' or 'special'") from None
    return meets(approve_head, part_head, threshold) and meets(approve_area, part_area, threshold)


def committee_quorum(present: int, total_members: int) -> bool:
    """A committee meeting needs more than half of ALL members present (GR arts 37-39)."""
    return share_more_than(present, total_members, Fraction(1, 2))


def committee_motion_passes(in_favour: int, total_members: int) -> bool:
    """A committee decision needs more than half of ALL members, not of those present,
    so a tie fails (GR arts 37-39)."""
    return share_more_than(in_favour, total_members, Fraction(1, 2))
