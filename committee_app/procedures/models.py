"""Formation and re-election procedures (C2): a procedure per compound, one row per step.

Due dates are never stored: they are derived from the procedure's anchor dates, the
step's deadline rule and the compound's effective settings (see :mod:`.util`), so an
anchor change moves every due date at once.

Step life cycle (guarded methods below; operations call them and write the audit log)::

    pending ──start──▶ in_progress ──complete──▶ done
       │                    │                      ▲
       │                    └─complete (sign-off)─▶ submitted ──sign_off──▶ done
       │                    ▲                          │
       │                    └──────────return──────────┘   (order to correct, PMR art 19)
       └──waive (reason)──▶ waived   (also from in_progress)
                               │  approve_waiver ▶ settled (the street office approved it, or the
                               │                   rule data lets the organiser waive it alone)
                               ├─ reject_waiver ─▶ pending/in_progress (with the reason)
                               └─ withdraw_waiver ▶ pending/in_progress (the organiser, before approval)

Undo while nothing relies on the step yet: ``reopen`` takes a submitted step (not yet signed
off) back to in_progress; ``reopen_done`` takes a done step whose later steps have not moved
back to in_progress (the feature that completed it was undone, e.g. nominations reopened).

A step whose rule says ``street_signoff: true`` is *submitted* when the organiser
completes it and counts as done (for prerequisites, the overview and the vote gate)
only once a street officer signs it off. A waived step counts as settled only once its
waiver is approved (``waiver_approved_at``): which steps may be waived, by whom, is rule data
(``waiver`` of each step); a statutory step has none.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from typing import TYPE_CHECKING

from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..extensions import db

if TYPE_CHECKING:
    from ..accounts.models import User
    from ..registry.models import Compound

PROCEDURE_KINDS = ("formation", "reelection")
PROCEDURE_STATUSES = ("active", "completed", "abandoned")
MEETING_FORMS = {"meeting": "集体讨论（现场会议）", "written": "书面征求意见"}
ANCHOR_FIELDS = ("application_on", "group_formed_on", "meeting_on", "election_on", "term_ends_on")

PENDING, IN_PROGRESS, SUBMITTED, DONE, WAIVED = "pending", "in_progress", "submitted", "done", "waived"
STEP_STATES = (PENDING, IN_PROGRESS, SUBMITTED, DONE, WAIVED)
#: states that may satisfy a later step's prerequisites (a waiver only once approved: ``is_settled``)
SETTLED_STATES = (DONE, WAIVED)
#: states in which a step is still the organiser's to do
OPEN_STATES = (PENDING, IN_PROGRESS)


class StepStateError(ValueError):
    """An illegal move of a step's state (e.g. signing off a step nobody completed)."""


class Procedure(db.Model):
    """A formation (首次业主大会) or re-election (换届选举) of one compound."""

    __tablename__ = "procedure"
    __table_args__ = (
        # at most one active procedure per compound, enforced by the database
        Index("uq_procedure_one_active", "compound_id", unique=True,
              sqlite_where=text("status = 'active'"), postgresql_where=text("status = 'active'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # formation | reelection
    rule_set: Mapped[str] = mapped_column(String(60))  # the compound's rule set when it started
    status: Mapped[str] = mapped_column(String(20), default="active")
    started_on: Mapped[date]
    started_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    closed_at: Mapped[datetime | None]
    closed_reason: Mapped[str | None] = mapped_column(Text)

    # anchor dates the deadlines count from; editable by the organiser
    application_on: Mapped[date | None]
    group_formed_on: Mapped[date | None]
    meeting_on: Mapped[date | None]
    election_on: Mapped[date | None]
    term_ends_on: Mapped[date | None]

    # the general meeting as announced by the meeting notice (set when the notice is posted)
    meeting_form: Mapped[str | None] = mapped_column(String(20))  # meeting | written (书面征求意见)
    meeting_time: Mapped[str | None] = mapped_column(String(40))
    meeting_place: Mapped[str | None] = mapped_column(String(255))
    meeting_agenda: Mapped[str | None] = mapped_column(Text)

    compound: Mapped["Compound"] = relationship()
    steps: Mapped[list["ProcedureStep"]] = relationship(
        back_populates="procedure", order_by="ProcedureStep.position", cascade="all, delete-orphan")

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    def anchors(self) -> dict[str, date | None]:
        return {name: getattr(self, name) for name in ANCHOR_FIELDS}


class ProcedureStep(db.Model):
    """One step of a procedure; its rule (title, deadline, citations) comes from the rule set by ``key``."""

    __tablename__ = "procedure_step"
    __table_args__ = (UniqueConstraint("procedure_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedure.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20), default=PENDING, index=True)
    started_on: Mapped[date | None]
    done_on: Mapped[date | None]  # the date the step happened (e.g. the day a notice was posted)
    note: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[datetime | None]
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    waived_reason: Mapped[str | None] = mapped_column(Text)
    waived_at: Mapped[datetime | None]
    waived_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # the waiver's approval: by the street office, or by the organiser where the rule data lets it waive alone
    waiver_approved_at: Mapped[datetime | None]
    waiver_approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    waiver_approved_by_street: Mapped[bool | None]
    signed_off_at: Mapped[datetime | None]
    signed_off_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # the street officer's last order to correct (PMR art 19); kept after the redo as history
    returned_reason: Mapped[str | None] = mapped_column(Text)
    returned_at: Mapped[datetime | None]
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    procedure: Mapped[Procedure] = relationship(back_populates="steps")
    documents: Mapped[list["StepDocument"]] = relationship(
        back_populates="step", order_by="StepDocument.id", cascade="all, delete-orphan")
    signed_off_by: Mapped["User | None"] = relationship(foreign_keys=[signed_off_by_id])
    returned_by: Mapped["User | None"] = relationship(foreign_keys=[returned_by_id])
    waived_by: Mapped["User | None"] = relationship(foreign_keys=[waived_by_id])
    waiver_approved_by: Mapped["User | None"] = relationship(foreign_keys=[waiver_approved_by_id])

    @property
    def is_settled(self) -> bool:
        """Done (signed off where required) or waived with the waiver approved: later steps (and
        the vote gate) may rely on it. A waiver awaiting the street office's approval is not settled."""
        return self.state == DONE or (self.state == WAIVED and self.waiver_approved_at is not None)

    @property
    def is_waiver_pending(self) -> bool:
        """Waived by the organiser and waiting for the street office's approval."""
        return self.state == WAIVED and self.waiver_approved_at is None

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_returned(self) -> bool:
        """Sent back by the street office and not yet redone."""
        return self.returned_reason is not None and self.state in OPEN_STATES

    # ---- guarded transitions: they change state only; operations check gates and audit

    def _require(self, allowed: tuple[str, ...], move: str) -> None:
        if self.state not in allowed:
            raise StepStateError(f"step {self.key}: cannot {move} from state {self.state!r}")

    def start(self, on: date) -> None:
        self._require((PENDING,), "start")
        self.state = IN_PROGRESS
        self.started_on = on

    def complete(self, on: date, *, needs_signoff: bool, by_id: int | None) -> None:
        self._require(OPEN_STATES, "complete")
        if self.started_on is None:
            self.started_on = on
        self.state = SUBMITTED if needs_signoff else DONE
        self.done_on = on
        self.completed_at = clock.utcnow()
        self.completed_by_id = by_id
        self.signed_off_at = None
        self.signed_off_by_id = None

    def reissue(self, on: date, *, by_id: int | None) -> None:
        """A done step whose document is re-issued (a corrected notice): it now dates from ``on``."""
        self._require((DONE,), "reissue")
        self.done_on = on
        self.completed_at = clock.utcnow()
        self.completed_by_id = by_id

    def sign_off(self, by_id: int | None) -> None:
        self._require((SUBMITTED,), "sign off")
        self.state = DONE
        self.signed_off_at = clock.utcnow()
        self.signed_off_by_id = by_id

    def return_for_correction(self, reason: str, by_id: int | None) -> None:
        self._require((SUBMITTED,), "return")
        if not reason or not reason.strip():
            raise StepStateError(f"step {self.key}: a return needs a reason")
        self.state = IN_PROGRESS
        self.returned_reason = reason.strip()
        self.returned_at = clock.utcnow()
        self.returned_by_id = by_id

    def waive(self, reason: str, *, by_id: int | None = None, approved_by_id: int | None = None,
              by_street: bool = False) -> None:
        """Waive the step with ``reason``; approved at once when ``approved_by_id`` or ``by_street``
        is given (the street office waives, or the rule lets the organiser waive alone)."""
        self._require(OPEN_STATES, "waive")
        if not reason or not reason.strip():
            raise StepStateError(f"step {self.key}: a waiver needs a reason")
        self.state = WAIVED
        self.waived_reason = reason.strip()
        self.waived_at = clock.utcnow()
        self.waived_by_id = by_id
        self.waiver_approved_at = None
        self.waiver_approved_by_id = None
        self.waiver_approved_by_street = None
        if approved_by_id is not None or by_street:
            self.approve_waiver(approved_by_id, by_street=by_street)

    def approve_waiver(self, by_id: int | None, *, by_street: bool) -> None:
        if self.state != WAIVED or self.waiver_approved_at is not None:
            raise StepStateError(f"step {self.key}: no waiver waiting for approval")
        self.waiver_approved_at = clock.utcnow()
        self.waiver_approved_by_id = by_id
        self.waiver_approved_by_street = by_street

    def reject_waiver(self, reason: str, by_id: int | None) -> None:
        """The street office refuses the waiver: the step is the organiser's to do again."""
        if not self.is_waiver_pending:
            raise StepStateError(f"step {self.key}: no waiver waiting for approval")
        if not reason or not reason.strip():
            raise StepStateError(f"step {self.key}: a refusal needs a reason")
        self.state = IN_PROGRESS if self.started_on is not None else PENDING
        self.returned_reason = reason.strip()
        self.returned_at = clock.utcnow()
        self.returned_by_id = by_id


    def withdraw_waiver(self) -> None:
        """The organiser withdraws its waiver request before the street office decides: the step is
        the organiser's to do again. A pending waiver settles nothing, so no later step relied on it."""
        if not self.is_waiver_pending:
            raise StepStateError(f"step {self.key}: no waiver waiting for approval")
        self.state = IN_PROGRESS if self.started_on is not None else PENDING
        self.waived_reason = None
        self.waived_at = None
        self.waived_by_id = None

    def reopen(self) -> None:
        """Take back a completion the street office has not yet signed off: a submitted step counts
        for nothing yet (prerequisites, the vote gate), so no later step relied on it."""
        self._require((SUBMITTED,), "reopen")
        self.state = IN_PROGRESS
        self.done_on = None
        self.completed_at = None
        self.completed_by_id = None

    def reopen_done(self) -> None:
        """Take back a done step whose completing action was undone (the caller checks that no
        later step relied on it)."""
        self._require((DONE,), "reopen")
        self.state = IN_PROGRESS
        self.done_on = None
        self.note = None  # the completing action's note ("推荐截止，共 N 人"); the audit log keeps it
        self.completed_at = None
        self.completed_by_id = None
        self.signed_off_at = None
        self.signed_off_by_id = None

    def unstart(self) -> None:
        """Back to pending: the work that put the step in progress was undone (nothing recorded on it)."""
        self._require((IN_PROGRESS,), "unstart")
        if self.returned_reason is not None or self.documents:
            raise StepStateError(f"step {self.key}: has a return or documents; it stays in progress")
        self.state = PENDING
        self.started_on = None


class StepDocument(db.Model):
    """A file attached to a step (scan of a decision, a signed list): PDF, JPEG or PNG."""

    __tablename__ = "step_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("procedure_step.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))  # as uploaded, for display
    stored_file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id"), unique=True)  # the bytes (storage)
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    step: Mapped[ProcedureStep] = relationship(back_populates="documents")
