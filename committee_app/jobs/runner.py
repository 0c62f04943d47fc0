"""What the workers do with a job. Each task commits, like a request.

``run_job`` plans the work and sends one message per chunk; ``run_chunk`` renders one part,
stores it and counts it done (an atomic ``UPDATE … RETURNING``, so exactly one worker sees
the last chunk arrive); that worker joins the parts, stores the document and marks the job
done. Any error marks the job failed with a message for the person who asked; a retry
starts a new attempt and stale messages of an old attempt are dropped.
"""
from __future__ import annotations

import logging
import time

from flask_babel import gettext as _
from sqlalchemy import delete, select, update

from .. import clock
from ..audit.operations import record
from ..extensions import db
from ..storage import operations as storage
from .kinds import KINDS, JobError, join_pdfs
from .models import Job, JobChunk
from .queue import queue

log = logging.getLogger(__name__)

ERROR_LIMIT = 2000


def _current(job_id: int, attempt: int, state: str) -> Job | None:
    job = db.session.get(Job, job_id, populate_existing=True)
    if job is None or job.attempt != attempt or job.state != state:
        return None  # deleted, retried since, or already finished: this message is stale
    return job


def _requester(job: Job):
    from ..accounts.models import User

    return (db.session.get(User, job.requested_by_id) if job.requested_by_id else None) or job.requested_by_name


def _message(error: Exception) -> str:
    if isinstance(error, JobError):
        return str(error)[:ERROR_LIMIT]
    detail = f"{type(error).__name__}: {error}"
    return _("生成失败：%(error)s", error=detail)[:ERROR_LIMIT]


def fail(job_id: int, attempt: int, error: Exception) -> None:
    """Mark the attempt failed with the error's message (the asker sees it and may retry)."""
    db.session.rollback()
    if not isinstance(error, JobError):
        log.exception("job %s attempt %s failed", job_id, attempt, exc_info=error)
    job = db.session.get(Job, job_id, populate_existing=True)
    if job is None or job.attempt != attempt or job.state not in ("queued", "running"):
        return
    job.state = "failed"
    job.error = _message(error)
    job.finished_at = clock.utcnow()
    _drop_chunks(job_id)
    record("job.fail", job, compound_id=job.compound_id, actor=_requester(job),
           after={"kind": job.kind, "attempt": attempt, "error": job.error})
    db.session.commit()


def _drop_chunks(job_id: int) -> None:
    from ..storage.models import StoredFile

    file_ids = list(db.session.scalars(select(JobChunk.stored_file_id).where(JobChunk.job_id == job_id)))
    db.session.execute(delete(JobChunk).where(JobChunk.job_id == job_id))
    if file_ids:
        db.session.execute(delete(StoredFile).where(StoredFile.id.in_(file_ids)))


def run_job(job_id: int, attempt: int) -> None:
    job = _current(job_id, attempt, "queued")
    if job is None:
        return
    job.state = "running"
    job.started_at = clock.utcnow()
    db.session.commit()
    try:
        total, payloads = KINDS[job.kind].plan(job)
        job.progress_total = total
        job.progress_done = 0
        job.chunks_total = len(payloads)
        job.chunks_done = 0
        db.session.commit()
    except Exception as error:  # noqa: BLE001 - every failure is shown to the asker
        fail(job_id, attempt, error)
        return
    if len(payloads) == 1:
        run_chunk(job_id, attempt, 0, payloads[0])
        return
    try:
        for position, payload in enumerate(payloads):
            queue().chunk(job_id, attempt, position, payload)
    except Exception as error:  # noqa: BLE001 - the queue is down: say so
        fail(job_id, attempt, error)


def run_chunk(job_id: int, attempt: int, position: int, payload) -> None:
    job = _current(job_id, attempt, "running")
    if job is None:
        return
    kind = KINDS[job.kind]
    started = time.perf_counter()
    try:
        data, done = kind.render(job, payload)
        log.info("job %s attempt %s: chunk %s (%s) rendered in %.1f s", job_id, attempt, position, done,
                 time.perf_counter() - started)
        stored = storage.store(data, filename=f"job-{job_id}-{attempt}-{position}", content_type=kind.content_type,
                               purpose="jobs.chunk", created_by=job.requested_by_name)
        db.session.add(JobChunk(job_id=job_id, attempt=attempt, position=position, stored_file_id=stored.id))
        counted = db.session.execute(
            update(Job).where(Job.id == job_id, Job.attempt == attempt, Job.state == "running")
            .values(chunks_done=Job.chunks_done + 1, progress_done=Job.progress_done + done)
            .returning(Job.chunks_done, Job.chunks_total)).first()
        if counted is None:
            db.session.rollback()
            return
        db.session.commit()
    except Exception as error:  # noqa: BLE001
        fail(job_id, attempt, error)
        return
    if counted.chunks_done == counted.chunks_total:
        try:
            _join(job_id, attempt)
        except Exception as error:  # noqa: BLE001
            fail(job_id, attempt, error)


def _join(job_id: int, attempt: int) -> None:
    job = _current(job_id, attempt, "running")
    if job is None:
        return
    kind = KINDS[job.kind]
    chunks = db.session.scalars(select(JobChunk).where(JobChunk.job_id == job_id, JobChunk.attempt == attempt)
                                .order_by(JobChunk.position)).all()
    started = time.perf_counter()
    parts = [storage.read(storage.get(chunk.stored_file_id)) for chunk in chunks]
    data = join_pdfs(parts) if kind.content_type == "application/pdf" else b"".join(parts)
    log.info("job %s attempt %s: %s parts joined in %.1f s", job_id, attempt, len(parts), time.perf_counter() - started)
    document = storage.store(data, filename=kind.filename(job), content_type=kind.content_type,
                             purpose=f"jobs.{job.kind}", created_by=job.requested_by_name)
    if kind.on_done is not None:
        kind.on_done(job, data)
    _drop_chunks(job_id)
    job.stored_file_id = document.id
    job.state = "done"
    job.progress_done = job.progress_total
    job.finished_at = clock.utcnow()
    record("job.done", job, compound_id=job.compound_id, actor=_requester(job),
           after={"kind": job.kind, "attempt": attempt, "file": document.id, "sha256": document.sha256,
                  "size": document.size})
    db.session.commit()


def run_periodic() -> None:
    """The periodic hooks: the notifications runner, when that package is installed."""
    try:
        from ..notifications import runner as notifications_runner
    except ModuleNotFoundError as error:
        if error.name and error.name.startswith("committee_app.notifications"):
            return
        raise
    try:
        notifications_runner.run_once()
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("periodic notifications run failed")
        raise
