"""The committee-director workshop (业委会主任工作室): coaching sessions, action items,
salons and micro-classroom trainings (C3)."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..extensions import db


class ItemStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


class EventKind(StrEnum):
    SALON = "salon"  # 业委会主题沙龙
    MICROCLASS = "microclass"  # 微学堂


class ItemTransitionError(ValueError):
    """An action item was asked to make a move its state does not allow."""


class CoachingSession(db.Model):
    """One one-on-one session of the workshop's mentor with a compound."""

    __tablename__ = "coaching_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"), index=True)
    held_on: Mapped[date] = mapped_column(index=True)
    place: Mapped[str | None] = mapped_column(String(200))
    topics: Mapped[list] = mapped_column(JSON, default=list)  # keys of util.TOPICS
    advice: Mapped[str] = mapped_column(Text)
    step_key: Mapped[str | None] = mapped_column(String(60))  # the procedure step it concerns
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.utcnow)

    compound = relationship("Compound")
    mentor = relationship("User", foreign_keys=[mentor_id])
    attendees: Mapped[list["SessionAttendee"]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="SessionAttendee.id")
    items: Mapped[list["ActionItem"]] = relationship(
        back_populates="session", order_by="ActionItem.due_on, ActionItem.id")
    files: Mapped[list["WorkshopFile"]] = relationship(
        back_populates="session", order_by="WorkshopFile.id")


class SessionAttendee(db.Model):
    """Someone at a session: an organiser account of the compound or a named guest."""

    __tablename__ = "session_attendee"
    __table_args__ = (
        CheckConstraint("user_id IS NOT NULL OR guest_name IS NOT NULL", name="person"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("coaching_session.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    guest_name: Mapped[str | None] = mapped_column(String(120))

    session: Mapped[CoachingSession] = relationship(back_populates="attendees")
    user = relationship("User")

    @property
    def name(self) -> str:
        return self.user.display_name if self.user is not None else (self.guest_name or "")


class ActionItem(db.Model):
    """Something the compound agreed to do after a session, with an owner and a due date.

    ``state`` is derived (``overdue`` is an open item past its due date); the guarded
    transitions ``complete`` and ``drop`` refuse a move from a closed item.
    """

    __tablename__ = "action_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("coaching_session.id"), index=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    assignee: Mapped[str] = mapped_column(String(120))  # who at the compound
    due_on: Mapped[date] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(10), default=ItemStatus.OPEN.value, index=True)
    completed_on: Mapped[date | None]
    outcome_note: Mapped[str | None] = mapped_column(Text)  # completion note or the reason for dropping
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.utcnow)

    session: Mapped[CoachingSession] = relationship(back_populates="items")
    compound = relationship("Compound")
    closed_by = relationship("User", foreign_keys=[closed_by_id])

    def is_overdue(self, today: date) -> bool:
        return self.status == ItemStatus.OPEN and self.due_on < today

    def state(self, today: date) -> str:
        """open | overdue | done | dropped"""
        return "overdue" if self.is_overdue(today) else self.status

    def days_overdue(self, today: date) -> int:
        return (today - self.due_on).days if self.is_overdue(today) else 0

    def complete(self, on: date, note: str, by_id: int | None, today: date) -> None:
        if self.status != ItemStatus.OPEN:
            raise ItemTransitionError("closed")
        if on > today:
            raise ItemTransitionError("future")
        self.status = ItemStatus.DONE.value
        self.completed_on = on
        self.outcome_note = note
        self.closed_at = clock.utcnow()
        self.closed_by_id = by_id

    def drop(self, reason: str, by_id: int | None) -> None:
        if self.status != ItemStatus.OPEN:
            raise ItemTransitionError("closed")
        self.status = ItemStatus.DROPPED.value
        self.outcome_note = reason
        self.closed_at = clock.utcnow()
        self.closed_by_id = by_id


class WorkshopEvent(db.Model):
    """A salon (业委会主题沙龙) or micro-classroom training (微学堂) of a community's workshop."""

    __tablename__ = "workshop_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # EventKind
    title: Mapped[str] = mapped_column(String(200))
    speakers: Mapped[str | None] = mapped_column(String(300))
    held_on: Mapped[date] = mapped_column(index=True)
    place: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    is_attendance_taken: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.utcnow)

    community = relationship("Community")
    invitees: Mapped[list["EventInvitee"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="EventInvitee.id")
    files: Mapped[list["WorkshopFile"]] = relationship(back_populates="event", order_by="WorkshopFile.id")


class EventInvitee(db.Model):
    """A person invited to an event (an account or a named guest) and whether they came."""

    __tablename__ = "event_invitee"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id"),
        UniqueConstraint("event_id", "guest_name"),
        CheckConstraint("user_id IS NOT NULL OR guest_name IS NOT NULL", name="person"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("workshop_event.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    guest_name: Mapped[str | None] = mapped_column(String(120), index=True)
    compound_id: Mapped[int | None] = mapped_column(ForeignKey("compound.id"))
    attended: Mapped[bool | None]  # None until attendance is taken

    event: Mapped[WorkshopEvent] = relationship(back_populates="invitees")
    user = relationship("User")
    compound = relationship("Compound")

    @property
    def name(self) -> str:
        return self.user.display_name if self.user is not None else (self.guest_name or "")


class WorkshopFile(db.Model):
    """An uploaded attachment of a session or material of an event (PDF, JPEG or PNG)."""

    __tablename__ = "workshop_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("coaching_session.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("workshop_event.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    stored_file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id"), unique=True)  # the bytes (storage)
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=clock.utcnow)

    session: Mapped[CoachingSession | None] = relationship(back_populates="files")
    event: Mapped[WorkshopEvent | None] = relationship(back_populates="files")
