"""Letters for a 2,000-voter compound as a background job: request latency, total time, and
the speed-up of two worker processes over one (SPEC §5: the request answers < 1 s, ≥ 1.8x).

    .venv/bin/python bench/bench_letters_jobs.py [--voters 2000] [--compounds 1] [--workers 1 2] [--chunk 100]

The compound comes from the street fixture (``_street_fixture.build_street``: buildings,
units, owners, a procedure and a counted election); ``--compounds 50`` builds the whole street.

The organiser's button is posted through the Flask test client; real workers (N
``flask jobs worker --workers 1`` services, or one ``--workers N`` with BENCH_ONE_CONSUMER=1)
render the letters in chunks and join them with pypdf. Queue: JOBS_QUEUE / REDIS_URL if set, else a SQLite file.
BENCH_DATABASE_URL=postgresql://… benchmarks on PostgreSQL (its schema is recreated).
"""
from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _street_fixture import build_street
from _voting_fixture import ROOT, make_app

from committee_app.extensions import db

LATENCY_BAR = 1.0
SPEEDUP_BAR = 1.8


def _log():
    """Where the workers' logs go: BENCH_WORKER_LOG (a file; each chunk's and the join's time), else nowhere."""
    return open(os.environ.get("BENCH_WORKER_LOG") or os.devnull, "ab")


def run_once(app, client, vote_id: int, workers: int, env: dict) -> tuple[float, float, int]:
    from committee_app.jobs.models import Job

    # N worker services of one worker process each, every one in its own session: on a shared
    # machine with autogroup scheduling, processes of one session share one CPU share, so
    # `--workers 2` in one session would measure the other users' load, not the second core
    command = [sys.executable, "-m", "flask", "--app", "committee_app", "jobs", "worker", "--workers", "1",
               "--no-periodic"]
    if os.environ.get("BENCH_ONE_CONSUMER"):
        command[command.index("1")] = str(workers)
        workers_started = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=_log(),
                                            stderr=subprocess.STDOUT, start_new_session=True)]
    else:
        workers_started = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=_log(),
                                            stderr=subprocess.STDOUT, start_new_session=True)
                           for _ in range(workers)]
    try:
        time.sleep(3)  # the worker is up and idle before the clock starts
        start = time.perf_counter()
        response = client.post(f"/compounds/S000/votes/{vote_id}/letters-job")
        latency = time.perf_counter() - start
        assert response.status_code == 303, response.status_code
        job_id = int(re.search(r"/jobs/(\d+)$", response.headers["Location"]).group(1))
        while True:
            with app.app_context():
                job = db.session.get(Job, job_id)
                state, error, pages = job.state, job.error, job.progress_total
            if state in ("done", "failed"):
                break
            time.sleep(0.1)
        total = time.perf_counter() - start
        assert state == "done", error
        return latency, total, pages
    finally:
        for worker in workers_started:
            os.killpg(worker.pid, signal.SIGINT)
        for worker in workers_started:
            worker.wait(timeout=120)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--voters", type=int, default=2000)
    parser.add_argument("--compounds", type=int, default=1, help="compounds in the street fixture")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--chunk", type=int, default=None, help="letters per chunk (default: the job's)")
    args = parser.parse_args()
    from committee_app.accounts import operations as accounts
    from committee_app.accounts.models import Role
    from committee_app.jobs import kinds
    from committee_app.voting import operations

    app, url = make_app()
    queue = os.environ.get("JOBS_QUEUE") or os.environ.get("REDIS_URL") or \
        "sqlite:///" + str(Path(tempfile.mkdtemp()) / "queue.sqlite3")
    app.config.update(JOBS_QUEUE=queue, WTF_CSRF_ENABLED=False, PASSWORD_HASH_METHOD="pbkdf2:sha256:1000")
    from committee_app.jobs.queue import make_queue

    app.extensions["jobs_queue"] = make_queue(app)
    app.extensions["jobs_queue"].huey.flush()
    with app.app_context():
        from committee_app.registry.models import Compound

        street = build_street(args.compounds, args.voters)
        compound = db.session.get(Compound, street["compounds"][0])
        user = accounts.create_user("bench_organiser", "基准筹备组", "bench-pass-123")
        accounts.grant_role(user, Role.ORGANISER, compound_id=compound.id)
        db.session.commit()
        compound_id = compound.id

    def new_vote() -> int:
        """A fresh motion per run, so every run prints all the letters. A motion, because the
        compound's procedure lets an election take candidates only from the finalised list; the
        letters are the same for either kind of vote, printed before the vote opens."""
        with app.app_context():
            vote = operations.create_motion(db.session.get(Compound, compound_id), title="关于续聘物业服务企业的表决",
                                            subject="other", actor="bench")
            db.session.commit()
            return vote.id

    client = app.test_client()
    client.post("/login", data={"username": "bench_organiser", "password": "bench-pass-123"})
    env = dict(os.environ, DATABASE_URL=url, JOBS_QUEUE=queue)
    if args.chunk:
        env["COMMITTEE_LETTERS_PER_CHUNK"] = str(args.chunk)
    chunk = args.chunk or kinds.LETTERS_PER_CHUNK
    print(f"{args.voters} voters, {chunk} letters per chunk, database {url.split(':')[0]}, queue {queue.split(':')[0]}, "
          f"{os.cpu_count()} cores")
    totals = {}
    ok = True
    for workers in args.workers:
        latency, total, pages = run_once(app, client, new_vote(), workers, env)
        totals[workers] = total
        ok = ok and latency < LATENCY_BAR
        print(f"  {workers} worker(s): request {latency * 1000:.0f} ms, {pages} letters done in {total:.1f} s "
              f"({pages / total:.1f} letters/s)")
    if 1 in totals and 2 in totals:
        speedup = totals[1] / totals[2]
        print(f"  speed-up with 2 workers: {speedup:.2f}x (bar ≥ {SPEEDUP_BAR}x)")
        ok = ok and speedup >= SPEEDUP_BAR
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
