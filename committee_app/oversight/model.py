"""Plain facts a compliance check reads, and what it says about them.

No Flask, no database: :mod:`.facts` fills these from the records of many compounds at
once; :mod:`.checkers` are pure functions over them; :mod:`.checks` holds the checks as data.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

SEVERITIES = ("high", "medium", "low")
SEVERITY_LABELS = {"high": ("高", "High"), "medium": ("中", "Medium"), "low": ("低", "Low")}


@dataclass(frozen=True)
class StepFact:
    key: str
    title: str
    action: str | None
    state: str
    done_on: date | None
    deadline: Any  # rules.DeadlineRule | None
    street_signoff: bool = False
    rule: Any = None  # the rules.StepRule, when the rule set still has the step
    waiver: Any = None  # a WaiverFact when the step was waived


@dataclass(frozen=True)
class WaiverFact:
    """Who waived a step, when (Asia/Shanghai date), why, and who approved it."""

    reason: str
    waived_on: date | None
    waived_by: str | None
    approved_on: date | None
    approved_by: str | None
    approved_by_street: bool


@dataclass(frozen=True)
class ProcedureFact:
    id: int
    kind: str  # formation | reelection
    status: str  # active | completed | abandoned
    started_on: date
    anchors: dict  # application_on, group_formed_on, meeting_on, election_on, term_ends_on
    steps: tuple[StepFact, ...] = ()
    rule_set: str = ""
    title: str = ""

    def step_by_action(self, action: str) -> StepFact | None:
        return next((s for s in self.steps if s.action == action), None)

    def step(self, key: str) -> StepFact | None:
        return next((s for s in self.steps if s.key == key), None)


@dataclass(frozen=True)
class CommitteeFact:
    id: int
    elected_on: date
    term_starts_on: date
    term_ends_on: date
    is_current: bool
    filed_on: date | None
    member_count: int = 0
    recorded_on: date | None = None  # the day it was entered in this system (Asia/Shanghai)

    def recorded_by(self, day: date) -> bool:
        """Whether the system held this committee by ``day``: only then does the absence of a later
        record (a meeting, a filing date) say that it did not happen."""
        return self.recorded_on is not None and self.recorded_on <= day


@dataclass(frozen=True)
class NoticeFact:
    id: int
    kind: str
    title: str
    posted_on: date
    publicity_ends_on: date | None
    is_current: bool = True
    source_type: str | None = None  # e.g. "procedure_step", "committee_meeting"


@dataclass(frozen=True)
class VoteFact:
    """A vote of a general meeting (from the voting feature), with its recorded count."""

    id: int
    title: str
    kind: str  # election | motion
    subject: str
    matter: str  # ordinary | special
    state: str
    opened_on: date | None  # Asia/Shanghai date
    result: dict | None = None  # the tally as counted (tally --json shape)
    committee_installed: bool = False
    subject_label: str = ""  # the subject in words, e.g. "筹集专项维修资金"
    closes_at: str | None = None  # the announced end, local "YYYY-MM-DD HH:MM"
    closed_at: str | None = None  # when it was closed, local
    close_reason: str | None = None  # why it closed before the announced end
    reopened_at: str | None = None  # local
    reopen_reason: str | None = None
    opened_in_procedure: bool | None = None  # None: not opened, or opened before this was recorded
    is_closed_early: bool = False


@dataclass(frozen=True)
class MotionFact:
    id: int
    text: str
    votes_for: int
    votes_against: int
    votes_abstain: int
    is_recorded_passed: bool | None = None  # what the meeting's record says, when it says it


@dataclass(frozen=True)
class MeetingFact:
    """A committee meeting (from the meetings feature)."""

    id: int
    committee_id: int
    title: str
    meeting_on: date
    agenda_posted_on: date | None
    is_urgent: bool
    urgent_reason: str | None
    is_attendance_recorded: bool
    members: int  # all members of the committee on the meeting day
    present: int
    motions: tuple[MotionFact, ...] = ()
    decisions_posted_on: date | None = None
    request_id: int | None = None  # the members' request it answers, if any


@dataclass(frozen=True)
class MeetingRequestFact:
    """At least 1/3 of the members asked for a committee meeting (from the meetings feature)."""

    id: int
    requested_on: date
    meeting_due_on: date
    subject: str


@dataclass
class CompoundFacts:
    """Everything the checks may read about one compound. ``None`` for a kind of record
    whose feature is not installed (its checks are skipped, not guessed)."""

    compound_id: int
    code: str
    name: str
    today: date
    settings: dict
    procedures: tuple[ProcedureFact, ...] | None = ()
    committees: tuple[CommitteeFact, ...] | None = ()
    notices: tuple[NoticeFact, ...] | None = ()
    votes: tuple[VoteFact, ...] | None = None
    meetings: tuple[MeetingFact, ...] | None = None
    meeting_requests: tuple[MeetingRequestFact, ...] | None = None

    def has(self, need: str) -> bool:
        if need == "settings":
            return self.settings is not None
        return getattr(self, need, None) is not None


@dataclass(frozen=True)
class Outcome:
    """One check applied to one record: ``ok`` or a finding, with the evidence it used.

    ``message`` names the check's message (e.g. "short"); ``values`` fill its
    placeholders and are listed as evidence (``evidence`` orders the keys shown).
    """

    ok: bool
    message: str
    values: dict = field(default_factory=dict)
    evidence: tuple[str, ...] = ()
    procedure_id: int | None = None
    subject: str = ""  # what record it is about, e.g. "procedure:3", "vote:5", "meeting:7"

    def fingerprint(self, check_key: str) -> str:
        """A digest of what the finding was computed from (the check, the record, the message and
        every value): a handling applies to the finding with the same fingerprint only, so a finding
        whose facts change shows again."""
        values = sorted((key, _plain(value)) for key, value in self.values.items())
        text = json.dumps([check_key, self.subject, self.message, values], ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _plain(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "on") and hasattr(value, "explanation"):  # a rules.CountedDate: the date counts
        return value.on.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
