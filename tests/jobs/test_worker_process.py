"""The worker as it runs in production: a separate process whose consumer forks two worker
processes, taking jobs from SQLite or Redis that the web app put there."""
from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from .conftest import wait_for
from .test_jobs import _job_id, _open_vote

ROOT = Path(__file__).resolve().parents[2]


def test_a_worker_process_renders_the_letters_that_the_web_app_queued(queue_app, database_url, world, client,
                                                                       login_as, monkeypatch):
    monkeypatch.setattr("committee_app.jobs.kinds.LETTERS_PER_CHUNK", 2)  # only in the web app: planning is in the worker
    vote_id = _open_vote(queue_app, world)
    login_as("organiser")
    job_id = _job_id(client.post(f"/compounds/A/votes/{vote_id}/letters-job"))
    process = subprocess.Popen([sys.executable, "-m", "tests.jobs.worker_main", database_url,
                                queue_app.config["JOBS_QUEUE"], "2", queue_app.config["AUDIT_KEY_FILE"],
                                queue_app.config["JOBS_QUEUE_NAME"]], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        job = wait_for(queue_app, job_id, timeout=90)
    except AssertionError:
        process.send_signal(signal.SIGINT)
        raise AssertionError(process.communicate(timeout=30)[0].decode(errors="replace")[-3000:]) from None
    finally:
        process.send_signal(signal.SIGINT)
        try:
            output = process.communicate(timeout=30)[0].decode(errors="replace")
        except subprocess.TimeoutExpired:
            process.kill()
            output = process.communicate()[0].decode(errors="replace")
    assert job.state == "done", (job.error, output[-2000:])
    assert job.progress_done == job.progress_total == 5
    assert client.get(f"/jobs/{job_id}/download").data.startswith(b"%PDF")
