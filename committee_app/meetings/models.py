from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..extensions import db

VOTE_CHOICES = ("for", "against", "abstain")
VOTE_LABELS = {"for": "同意", "against": "反对", "abstain": "弃权"}


class MeetingRequest(db.Model):
    """Members asking for a committee meeting; at least 1/3 of all members start a
    7-day clock (GR arts 37-39, settings committee_request_share / _meeting_days)."""

    __tablename__ = "meeting_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"), index=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id"), index=True)
    requested_on: Mapped[date]
    subject: Mapped[str] = mapped_column(Text)
    meeting_due_on: Mapped[date]
    member_count: Mapped[int]  # all members on the day of the request
    created_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    signers: Mapped[list["MeetingRequestSigner"]] = relationship(cascade="all, delete-orphan")
    meetings: Mapped[list["CommitteeMeeting"]] = relationship(back_populates="request")


class MeetingRequestSigner(db.Model):
    __tablename__ = "meeting_request_signer"
    __table_args__ = (UniqueConstraint("request_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("meeting_request.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("committee_member.id"))

    member = relationship("CommitteeMember")


class CommitteeMeeting(db.Model):
    """A meeting of the owners' committee (业委会会议).

    The agenda is posted ``agenda_posted_on``; fewer than 7 days before the meeting is
    allowed only as an urgent meeting with ``urgent_reason`` (flagged for oversight).
    """

    __tablename__ = "committee_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"), index=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    meeting_on: Mapped[date]
    location: Mapped[str] = mapped_column(String(200), default="")
    agenda_posted_on: Mapped[date]
    is_urgent: Mapped[bool] = mapped_column(default=False)
    urgent_reason: Mapped[str | None] = mapped_column(Text)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_request.id"), index=True)
    is_attendance_recorded: Mapped[bool] = mapped_column(default=False)
    decisions_notice_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id"))
    decisions_posted_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    committee = relationship("Committee")
    request: Mapped[MeetingRequest | None] = relationship(back_populates="meetings")
    agenda_items: Mapped[list["AgendaItem"]] = relationship(order_by="AgendaItem.position",
                                                           cascade="all, delete-orphan")
    attendance: Mapped[list["MeetingAttendance"]] = relationship(cascade="all, delete-orphan")
    motions: Mapped[list["Motion"]] = relationship(order_by="Motion.position", cascade="all, delete-orphan")
    minutes: Mapped["Minutes | None"] = relationship(back_populates="meeting", uselist=False)

    @property
    def present_member_ids(self) -> set[int]:
        return {row.member_id for row in self.attendance}

    @property
    def is_locked(self) -> bool:
        """Once the minutes are locked the meeting's record (attendance, votes) is final."""
        return self.minutes is not None and self.minutes.is_locked


class AgendaItem(db.Model):
    __tablename__ = "agenda_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("committee_meeting.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    posted_on: Mapped[date]


class MeetingAttendance(db.Model):
    """A member present in person (no proxies, GR arts 37-39)."""

    __tablename__ = "meeting_attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("committee_meeting.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("committee_member.id"))

    member = relationship("CommitteeMember")


class Motion(db.Model):
    __tablename__ = "motion"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("committee_meeting.id", ondelete="CASCADE"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id"))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    is_voted: Mapped[bool] = mapped_column(default=False)

    agenda_item = relationship("AgendaItem")
    votes: Mapped[list["MotionVote"]] = relationship(cascade="all, delete-orphan")


class MotionVote(db.Model):
    """How one present member voted on one motion: one vote each, enforced by the database."""

    __tablename__ = "motion_vote"
    __table_args__ = (UniqueConstraint("motion_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motion.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("committee_member.id"))
    choice: Mapped[str] = mapped_column(String(10))

    member = relationship("CommitteeMember")


class Minutes(db.Model):
    """The minutes of one meeting: a chain of revisions, signed, then locked.

    Nothing is overwritten: every save adds a :class:`MinutesRevision`; after locking a
    correction is a new revision with its reason.
    """

    __tablename__ = "minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("committee_meeting.id"), unique=True)
    locked_at: Mapped[datetime | None]
    locked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    locked_revision_number: Mapped[int | None]

    meeting: Mapped[CommitteeMeeting] = relationship(back_populates="minutes")
    revisions: Mapped[list["MinutesRevision"]] = relationship(order_by="MinutesRevision.number",
                                                             cascade="all, delete-orphan")
    signatures: Mapped[list["MinutesSignature"]] = relationship(cascade="all, delete-orphan")

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    @property
    def state(self) -> str:
        return "locked" if self.is_locked else "draft"

    @property
    def latest(self) -> "MinutesRevision | None":
        return self.revisions[-1] if self.revisions else None

    def revision(self, number: int) -> "MinutesRevision | None":
        return next((r for r in self.revisions if r.number == number), None)


class MinutesRevision(db.Model):
    __tablename__ = "minutes_revision"
    __table_args__ = (UniqueConstraint("minutes_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    content: Mapped[dict] = mapped_column(JSON)
    is_correction: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    author_name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=clock.utcnow)


class MinutesSignature(db.Model):
    """A present member's signature on a revision of the minutes."""

    __tablename__ = "minutes_signature"
    __table_args__ = (UniqueConstraint("minutes_id", "member_id", "revision_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("committee_member.id"))
    revision_number: Mapped[int]
    signed_on: Mapped[date]
    recorded_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    member = relationship("CommitteeMember")


class Proposal(db.Model):
    """An owners' proposal (议题) put to the committee or deliberation council (议事会)."""

    __tablename__ = "proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"), index=True)
    voter_id: Mapped[int] = mapped_column(ForeignKey("voter.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    decision: Mapped[str | None] = mapped_column(Text)
    decided_on: Mapped[date | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id"))

    voter = relationship("Voter")
    supports: Mapped[list["ProposalSupport"]] = relationship(order_by="ProposalSupport.id",
                                                            cascade="all, delete-orphan")
    comments: Mapped[list["ProposalComment"]] = relationship(order_by="ProposalComment.id",
                                                            cascade="all, delete-orphan")

    @property
    def state(self) -> str:
        return "answered" if self.decision else "open"


class ProposalSupport(db.Model):
    """One voter supporting a proposal; the database keeps each voter to one support."""

    __tablename__ = "proposal_support"
    __table_args__ = (UniqueConstraint("proposal_id", "voter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    voter_id: Mapped[int] = mapped_column(ForeignKey("voter.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    supported_at: Mapped[datetime] = mapped_column(default=clock.utcnow)


class ProposalComment(db.Model):
    __tablename__ = "proposal_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    author_name: Mapped[str] = mapped_column(String(120))
    is_committee: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
