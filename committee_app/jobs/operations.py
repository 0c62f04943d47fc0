"""Asking for a job and retrying it. Operations flush and audit, never commit; the caller
commits, then sends the job to the queue (:func:`enqueue`), so a worker never looks for a
job that is not yet visible."""
from __future__ import annotations

from typing import Any

from sqlalchemy import update

from ..audit.operations import record
from ..extensions import db
from ..policy import Ability
from .kinds import KINDS
from .models import Job
from .queue import queue


def start_job(kind: str, *, actor: Any, ability: Ability, compound_id: int | None = None,
              street_id: int | None = None, target_id: int | None = None, params: dict | None = None) -> Job:
    """A queued job of ``kind``, audited with the person who asked."""
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job(kind=kind, state="queued", ability=str(ability), compound_id=compound_id, street_id=street_id,
              target_id=target_id, params=params or {}, requested_by_id=actor.id,
              requested_by_name=(actor.username or "")[:120], attempt=1, progress_done=0, progress_total=0,
              chunks_done=0, chunks_total=0)
    db.session.add(job)
    db.session.flush()
    record("job.request", job, compound_id=compound_id, actor=actor,
           after={"kind": kind, "street": street_id, "target": target_id})
    return job


def retry_job(job: Job, *, actor: Any) -> bool:
    """Start a new attempt of a failed job; False when it is not failed (someone retried first)."""
    attempt = job.attempt + 1
    changed = db.session.execute(
        update(Job).where(Job.id == job.id, Job.state == "failed")
        .values(state="queued", attempt=attempt, error=None, progress_done=0, chunks_done=0,
                started_at=None, finished_at=None)).rowcount
    if not changed:
        return False
    db.session.refresh(job)
    record("job.retry", job, compound_id=job.compound_id, actor=actor, after={"kind": job.kind, "attempt": attempt})
    return True


def enqueue(job: Job) -> None:
    """Send the committed job to the workers."""
    queue().run(job.id, job.attempt)
