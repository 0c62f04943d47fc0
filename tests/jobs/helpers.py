"""Running the jobs a request queued, for tests of the features whose documents are jobs.

The test app's queue is Huey's in-memory storage; :func:`run_queued` takes each waiting task
off it and runs it with Huey's own executor in this thread (what a worker thread does: the
job's plan, every chunk, the join). The worker tests in this package run a real consumer
instead, on SQLite and on Redis."""
from __future__ import annotations

import re

from committee_app.extensions import db

JOB_PAGE = re.compile(r"/jobs/(\d+)$")


def run_queued(app) -> int:
    """Run every task waiting on the app's queue (chunks the tasks queue included); how many ran."""
    huey = app.extensions["jobs_queue"].huey
    ran = 0
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        ran += 1
    return ran


def job_id_of(response) -> int:
    """The job a "start" request answered with (303 to the job's page)."""
    assert response.status_code == 303, (response.status_code, response.get_data(as_text=True)[:500])
    match = JOB_PAGE.search(response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def document(app, client, response):
    """Run the job ``response`` started and download its document as ``client``: the download
    response (200 with the document, or the refusal)."""
    job_id = job_id_of(response)
    run_queued(app)
    from committee_app.jobs.models import Job

    with app.app_context():
        job = db.session.get(Job, job_id)
        assert job.state == "done", (job.state, job.error)
    return client.get(f"/jobs/{job_id}/download")
