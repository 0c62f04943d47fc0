"""Queries about notices."""
from __future__ import annotations

from sqlalchemy import exists, false, select

from ..extensions import db

# job kinds that render a posted notice's PDF (``job.target_id`` is the notice)
PDF_JOB_KINDS = ("procedures.roll_notice",)


def pdf_jobs(notice_ids) -> dict:
    """{notice id: its PDF job} for the notices whose PDF a job is still to attach (queued,
    running, or failed and waiting for a retry); one query. A done job has attached it."""
    ids = [notice_id for notice_id in notice_ids if notice_id is not None]
    if not ids:
        return {}
    try:
        from ..jobs.models import Job
    except ModuleNotFoundError:  # no job queue installed: every PDF was rendered when posted
        return {}
    jobs = db.session.scalars(select(Job).where(_unattached(Job), Job.target_id.in_(ids)).order_by(Job.id))
    return {job.target_id: job for job in jobs}


def pdf_pending(notice_id_column):
    """A column expression: a job is still to attach this notice's PDF (see :func:`pdf_jobs`), for
    pages that load their notices in one statement (the public board)."""
    try:
        from ..jobs.models import Job
    except ModuleNotFoundError:
        return false()
    return exists(select(Job.id).where(_unattached(Job), Job.target_id == notice_id_column)).correlate_except(Job)


def _unattached(job):
    """The one condition both readers share: a notice-PDF job that has not attached its PDF yet."""
    return job.kind.in_(PDF_JOB_KINDS) & (job.state != "done")
