"""The queue: Huey, on SQLite in ``instance/`` by default and on Redis when configured.

``JOBS_QUEUE`` (setting, or environment variable) or ``REDIS_URL`` (environment) chooses the storage:

- ``redis://host:port/db`` — Redis (several app servers and workers on several machines);
- ``sqlite:///path`` — a SQLite file (one machine; the default is ``instance/jobs-queue.sqlite3``);
- ``memory`` — in this process only (tests that start their own worker in a thread).

The queue carries only "run job N, attempt A" messages (and each chunk's payload); the job's
state is in the database (:class:`~committee_app.jobs.models.Job`), so every app server
answers the progress of every job. Tasks run inside an app context of the app that made the
queue, and commit like a request does.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Queue:
    huey: Huey
    run: Any  # huey task: run(job_id, attempt)
    chunk: Any  # huey task: chunk(job_id, attempt, position, payload)
    periodic: Any  # huey periodic task: the periodic hooks (notifications)
    url: str


def queue_url(app: Flask) -> str:
    url = app.config.get("JOBS_QUEUE") or os.environ.get("JOBS_QUEUE") or os.environ.get("REDIS_URL")
    if url:
        return url
    if app.config.get("TESTING"):
        return "memory"
    return "sqlite:///" + str(Path(app.instance_path) / "jobs-queue.sqlite3")


def _make_huey(url: str, name: str = "committee-jobs") -> Huey:
    # results=False: outcomes are in the job table, the queue keeps nothing after a task runs;
    # ``name`` (JOBS_QUEUE_NAME) keeps two installs, or two test runs, on one Redis apart
    if url == "memory":
        return MemoryHuey(name, results=False)
    if url.startswith("sqlite:///"):
        return SqliteHuey(name, filename=url[len("sqlite:///"):], results=False)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=url, results=False)
    raise ValueError(f"JOBS_QUEUE: unknown queue address {url!r} (redis://…, sqlite:///…, memory)")


_PIDS: dict[int, int] = {}


def _in_app(app: Flask):
    """The app context a task runs in; a forked worker process first drops the parent's connections."""
    if _PIDS.get(id(app)) != os.getpid():
        if id(app) in _PIDS:
            from ..extensions import db

            with app.app_context():
                db.engine.dispose(close=False)
        _PIDS[id(app)] = os.getpid()
    return app.app_context()


def make_queue(app: Flask) -> Queue:
    from . import runner

    url = queue_url(app)
    huey = _make_huey(url, app.config.get("JOBS_QUEUE_NAME") or "committee-jobs")
    _PIDS[id(app)] = os.getpid()

    @huey.task(name="jobs.run")
    def run(job_id: int, attempt: int) -> None:
        with _in_app(app):
            runner.run_job(job_id, attempt)

    @huey.task(name="jobs.chunk")
    def chunk(job_id: int, attempt: int, position: int, payload) -> None:
        with _in_app(app):
            runner.run_chunk(job_id, attempt, position, payload)

    @huey.periodic_task(crontab(minute="*"), name="jobs.periodic")
    def periodic() -> None:
        with _in_app(app):
            runner.run_periodic()

    return Queue(huey, run, chunk, periodic, url)


def queue(app: Flask | None = None) -> Queue:
    return (app or current_app).extensions["jobs_queue"]
