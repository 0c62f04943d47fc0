"""Rule sets as data plus pure functions: thresholds, deadlines, procedures, checklists.

No Flask and no database here. The app reads rule sets through :func:`get_rule_sets`.
"""

from .deadlines import (
    DateOutOfRange,
    Violation,
    add_months,
    check_date,
    counted_before,
    counted_due_date,
    counted_term_end,
    counted_within,
    days_between,
    publicity_period,
    due_date,
    reelection_due_on,
    reelection_status,
    today_in_shanghai,
)
from .periods import CountedDate, earliest_after, latest_before, period_end, term_end
from .loader import RuleDataError, get_rule_set, get_rule_sets, load_rule_sets
from .model import (
    CandidateCondition,
    ChecklistItem,
    DeadlineRule,
    Phase,
    Procedure,
    RuleSet,
    Setting,
    StepRule,
    Threshold,
)
from .thresholds import (
    approved,
    committee_motion_passes,
    committee_quorum,
    quorum_met,
    share_at_least,
    share_more_than,
)

__all__ = [
    "Phase",
    "DateOutOfRange",
    "CandidateCondition",
    "ChecklistItem",
    "CountedDate",
    "DeadlineRule",
    "Procedure",
    "RuleDataError",
    "RuleSet",
    "Setting",
    "StepRule",
    "Threshold",
    "Violation",
    "add_months",
    "approved",
    "check_date",
    "counted_before",
    "counted_due_date",
    "counted_term_end",
    "counted_within",
    "publicity_period",
    "committee_motion_passes",
    "committee_quorum",
    "days_between",
    "due_date",
    "earliest_after",
    "latest_before",
    "period_end",
    "term_end",
    "get_rule_set",
    "get_rule_sets",
    "load_rule_sets",
    "quorum_met",
    "reelection_due_on",
    "reelection_status",
    "share_at_least",
    "share_more_than",
    "today_in_shanghai",
]
