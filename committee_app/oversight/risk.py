"""How much a compound needs the street office's attention: a score and a band, from plain values.

No Flask, no database. The board sorts by the score (highest first, ties by name) and draws the
bands at its top. Handled findings are not passed in: a finding marked handled stops counting.
"""
from __future__ import annotations

from collections.abc import Iterable

#: points per open finding of each severity
SEVERITY_POINTS = {"high": 5, "medium": 3, "low": 1}
#: points per procedure step past its due date
OVERDUE_STEP_POINTS = 2
#: points for the sitting committee's term status (rules.reelection_status)
TERM_POINTS = {"not_yet": 0, "upcoming": 1, "due": 3, "overdue": 5}

#: bands, lowest first: (key, lowest score in the band)
BANDS = (("none", 0), ("attention", 1), ("high", 5))
BAND_LABELS = {"none": "无问题", "attention": "需关注", "high": "高风险", "unknown": "无法计算"}


def risk_score(severities: Iterable[str], overdue_steps: int = 0, term_status: str | None = None) -> int:
    """The compound's risk: 5 per open high finding, 3 per medium, 1 per low; 2 per overdue step;
    and 0/1/3/5 for a term not yet due / re-election coming up / due / ended.

    >>> risk_score(["high", "low"], overdue_steps=1, term_status="due")
    11
    """
    score = sum(SEVERITY_POINTS[severity] for severity in severities)
    score += OVERDUE_STEP_POINTS * max(int(overdue_steps), 0)
    score += TERM_POINTS.get(term_status or "", 0)
    return score


def risk_band(score: int | None) -> str:
    """``none`` (0), ``attention`` (1-4) or ``high`` (5 and more: one open high finding is enough);
    ``unknown`` when the score could not be computed (a compound with bad data)."""
    if score is None:
        return "unknown"
    band = BANDS[0][0]
    for key, lowest in BANDS:
        if score >= lowest:
            band = key
    return band


def risk_sort_key(score: int | None, name: str, code: str = "") -> tuple:
    """Highest risk first, ties by name; a compound whose risk could not be computed comes first
    (its data needs looking at)."""
    return (score is not None, -(score or 0), name, code)
