"""Who may see a job, and the jobs a person sees."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..policy import Ability, can, scope_of
from .models import Job


def can_read_job(user: Any, job: Job, *, document: bool = False) -> bool:
    """A job and its document are for those who may read the record it is about
    (``job.ability`` on its compound; a street's report for that street's officers);
    a job about no record (an export of the asker's own board) only for the asker.

    ``document``: the document itself, which a kind may keep back while its record says so
    (a count record while owners vote: a vote reopened since hides its results again); the
    job's page and progress (state, error, no content) stay visible."""
    if not getattr(user, "is_authenticated", False):
        return False
    from .kinds import KINDS

    kind = KINDS.get(job.kind)
    if kind is None or (document and not document_readable(job)):
        return False
    if job.compound_id is not None:
        from ..registry.models import Compound

        compound = db.session.get(Compound, job.compound_id)
        return compound is not None and can(user, Ability(job.ability), compound)
    scope = scope_of(user)
    if scope.is_admin:
        return True
    if job.street_id is not None:
        return job.street_id in scope.officer_street_ids
    return job.requested_by_id == user.id


def recent_jobs_of(user: Any, limit: int = 50) -> list[Job]:
    """The jobs this person asked for, newest first."""
    return list(db.session.scalars(select(Job).where(Job.requested_by_id == user.id)
                                   .order_by(Job.id.desc()).limit(limit)))


def progress_of(job: Job) -> dict:
    return {"id": job.id, "state": job.state, "done": job.progress_done, "total": job.progress_total,
            "error": job.error if job.state == "failed" else None}


def document_readable(job: Job) -> bool:
    """The record lets its document be read now (see :func:`can_read_job`)."""
    from .kinds import KINDS

    kind = KINDS.get(job.kind)
    return kind is not None and (kind.readable is None or kind.readable(job))
