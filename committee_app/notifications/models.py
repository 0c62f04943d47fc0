"""Notifications (in-app), their outbox of e-mails and text messages, each person's channels
and calendar token, and the lock that keeps two runs of ``flask notify run`` apart.

A notification is created once: ``dedupe_key`` (rule, record, recipient, due date) is unique
in the database, so a second run, or two runs at once, cannot tell the same thing twice.
An outbox message belongs to one notification and one channel (also unique): it is written
in the same transaction and sent only after that transaction has committed.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..extensions import db

CHANNELS = ("email", "sms")
PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"


class Notification(db.Model):
    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    rule_key: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(40))  # the preference group (rules.yaml ``kinds``)
    compound_id: Mapped[int | None] = mapped_column(ForeignKey("compound.id"), index=True)
    source_type: Mapped[str] = mapped_column(String(80))  # e.g. procedure_step, vote, finding:<check>
    source_id: Mapped[int]
    due_on: Mapped[date | None]  # the day the reminder fell due (threshold date)
    dedupe_key: Mapped[str] = mapped_column(String(255), unique=True)
    title: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    citations: Mapped[str] = mapped_column(String(255), default="")
    values: Mapped[dict] = mapped_column(JSON, default=dict)  # the words of the title, for the English UI
    is_statutory: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=clock.utcnow, index=True)
    read_at: Mapped[datetime | None]

    messages: Mapped[list["OutboxMessage"]] = relationship(back_populates="notification", order_by="OutboxMessage.id")

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class OutboxMessage(db.Model):
    """An e-mail or text message waiting to be sent, sent, or given up on after its retries."""

    __tablename__ = "notification_outbox"
    __table_args__ = (UniqueConstraint("notification_id", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notification.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(10))  # email | sms
    address: Mapped[str] = mapped_column(String(255))
    state: Mapped[str] = mapped_column(String(10), default=PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=clock.utcnow)

    notification: Mapped[Notification] = relationship(back_populates="messages")


class NotificationProfile(db.Model):
    """A person's contact details for notifications and their private calendar token."""

    __tablename__ = "notification_profile"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    email: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(40))
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    stops_optional: Mapped[bool] = mapped_column(default=False)  # owners: only statutory notices


class NotificationPreference(db.Model):
    """Whether a person wants one kind of notification on one channel (in-app is always on)."""

    __tablename__ = "notification_preference"
    __table_args__ = (UniqueConstraint("user_id", "kind", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(10))
    is_enabled: Mapped[bool]


class NotifyLock(db.Model):
    """A lease on a named job, for databases without advisory locks (SQLite)."""

    __tablename__ = "notify_lock"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(80))
    lease_until: Mapped[datetime]
