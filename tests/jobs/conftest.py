"""A real worker for job tests: the Huey consumer of the app's queue, on SQLite (a file) or on
Redis (JOBS_TEST_REDIS_URL, else REDIS_URL, else database 5 on 127.0.0.1), running in threads of the test process; the
subprocess worker test runs ``flask jobs worker``'s consumer with process workers."""
from __future__ import annotations

import os
import time
import uuid

import pytest

from committee_app.extensions import db
from committee_app.jobs.queue import make_queue

REDIS_URL = os.environ.get("JOBS_TEST_REDIS_URL") or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/5"


def redis_available() -> bool:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
        return True
    except Exception:  # noqa: BLE001
        return False


def queue_address(storage: str, tmp_path) -> str:
    if storage == "redis":
        if not redis_available():
            pytest.skip(f"Redis not reachable at {REDIS_URL}")
        return REDIS_URL
    return "sqlite:///" + str(tmp_path / "queue.sqlite3")


@pytest.fixture(params=["sqlite", "redis"])
def queue_app(app, request, tmp_path):
    """The test app with its queue on SQLite or Redis (emptied first)."""
    app.config["JOBS_QUEUE"] = queue_address(request.param, tmp_path)
    # a queue of its own on the shared Redis: a parallel test process (or another run on this
    # machine) neither takes this test's tasks nor loses its own to this test's flush
    app.config["JOBS_QUEUE_NAME"] = f"committee-jobs-test-{uuid.uuid4().hex}"
    app.extensions["jobs_queue"] = make_queue(app)
    app.extensions["jobs_queue"].huey.flush()
    yield app
    app.extensions["jobs_queue"].huey.flush()


@pytest.fixture
def worker(queue_app):
    """Start the app's Huey consumer (two worker threads); stopped at the end of the test."""
    consumers = []

    def start(workers: int = 2):
        consumer = queue_app.extensions["jobs_queue"].huey.create_consumer(
            workers=workers, worker_type="thread", periodic=False, initial_delay=0.05, max_delay=0.2, backoff=1.1)
        consumer.start()
        consumers.append(consumer)
        return consumer

    yield start
    for consumer in consumers:
        consumer.stop(graceful=True)


def wait_for(app, job_id: int, states=("done", "failed"), timeout: float = 60.0):
    from committee_app.jobs.models import Job

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with app.app_context():
            job = db.session.get(Job, job_id)
            if job.state in states:
                db.session.expunge(job)
                return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not reach {states} in {timeout}s")


def assert_answered_before_any_work(app, job_id: int) -> None:
    """The button answered with the job only queued: no worker has started, nothing was rendered
    in the request (how fast that answer is belongs to bench/bench_letters_jobs.py, not a test)."""
    from committee_app.jobs.models import Job, JobChunk

    with app.app_context():
        job = db.session.get(Job, job_id)
        assert job.state == "queued" and not job.progress_done, (job.state, job.progress_done)
        assert not db.session.scalar(db.select(db.func.count(JobChunk.id)).where(JobChunk.job_id == job_id))
