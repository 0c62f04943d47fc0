"""A job: one long piece of work (a document, an export) asked for by a person.

Its state lives in the database, so every app server and every worker sees the same job;
the queue (Huey) only carries "run job N" messages.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .. import clock
from ..extensions import db

STATES = ("queued", "running", "done", "failed")


class Job(db.Model):
    """``kind`` names the work (``voting.letters``); ``compound_id`` / ``street_id`` /
    ``target_id`` the record it is about; ``ability`` what a reader needs on that record
    (``committee_app.policy.Ability``) to see the job and download its document.

    ``attempt`` counts runs: a retry starts attempt n+1 and the chunks of an earlier
    attempt still in the queue are dropped when they arrive.
    """

    __tablename__ = "job"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))
    state: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    compound_id: Mapped[int | None] = mapped_column(ForeignKey("compound.id", ondelete="CASCADE"), index=True)
    street_id: Mapped[int | None] = mapped_column(ForeignKey("street.id", ondelete="CASCADE"))
    target_id: Mapped[int | None] = mapped_column(Integer)
    ability: Mapped[str] = mapped_column(String(20))  # the longest Ability value: personal_data (13)
    params: Mapped[dict] = mapped_column(db.JSON, default=dict)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    requested_by_name: Mapped[str] = mapped_column(String(120))
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    chunks_done: Mapped[int] = mapped_column(Integer, default=0)
    chunks_total: Mapped[int] = mapped_column(Integer, default=0)
    attempt: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    stored_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    started_at: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()

    @property
    def is_finished(self) -> bool:
        return self.state in ("done", "failed")


class JobChunk(db.Model):
    """One rendered part of a job's document, kept until the parts are joined."""

    __tablename__ = "job_chunk"
    __table_args__ = (UniqueConstraint("job_id", "attempt", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("job.id", ondelete="CASCADE"), index=True)
    attempt: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
    stored_file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id", ondelete="CASCADE"))
