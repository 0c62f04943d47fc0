"""Long documents as background jobs: the button answers at once, a real worker renders the
document in chunks, the page follows the progress, and only readers of the record download it."""
from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from committee_app.audit.models import AuditEntry
from committee_app.extensions import db
from committee_app.jobs import kinds
from committee_app.jobs.models import Job, JobChunk
from committee_app.registry.models import Compound

from .conftest import assert_answered_before_any_work, wait_for

CODE = re.compile(r"[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}")


def _open_vote(app, world, title="业委会换届选举"):
    from committee_app.voting import operations

    with app.app_context():
        compound = db.session.get(Compound, world.a)
        vote = operations.create_election(compound, title=title, seats=2, candidates=["甲", "乙", "丙"], is_by_election=True)
        operations.open_vote(vote, compound, enforce_gate=False)
        db.session.commit()
        return vote.id


def _job_id(response) -> int:
    assert response.status_code == 303
    return int(re.search(r"/jobs/(\d+)$", response.headers["Location"]).group(1))


def test_organiser_prints_letters_in_the_background_and_an_owner_votes_with_a_code_from_them(
        queue_app, worker, world, client, login_as, monkeypatch):
    monkeypatch.setattr(kinds, "LETTERS_PER_CHUNK", 2)  # the 5 voters' letters in three chunks
    vote_id = _open_vote(queue_app, world)
    login_as("organiser")

    response = client.post(f"/compounds/A/votes/{vote_id}/letters-job")
    job_id = _job_id(response)
    assert_answered_before_any_work(queue_app, job_id)  # the request only queued it
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "data-job-progress-url" in page and "js/jobs.js" in page and "<script>" not in page

    worker(2)
    job = wait_for(queue_app, job_id)
    assert job.state == "done", job.error
    assert (job.progress_done, job.progress_total, job.chunks_total) == (5, 5, 3)
    assert client.get(f"/jobs/{job_id}/progress").get_json() == {
        "id": job_id, "state": "done", "done": 5, "total": 5, "error": None}
    assert "下载" in client.get(f"/jobs/{job_id}").get_data(as_text=True)

    download = client.get(f"/jobs/{job_id}/download")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(download.data))
    text = "".join(page.extract_text() for page in reader.pages)
    codes = sorted(set(CODE.findall(text)))
    assert len(codes) == 5 and len(reader.pages) >= 5

    with queue_app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(JobChunk)) == 0  # parts dropped once joined
        actions = {entry.action: entry.actor_name for entry in db.session.scalars(select(AuditEntry))}
    assert actions["job.request"] == actions["vote.letters_issue"] == actions["job.done"] == "organiser"

    # the printed code works on the ballot page (issued in the worker, checked by the web app)
    client.post("/logout")
    ballot = client.get(f"/ballot/{vote_id}?code={codes[0]}").get_data(as_text=True)
    assert "投票码不正确" not in ballot
    with queue_app.app_context():
        from committee_app.registry.models import Voter

        names = list(db.session.scalars(select(Voter.display_name).where(Voter.compound_id == world.a)))
    assert any(name in ballot for name in names)  # the page names the letter's voter


def test_the_full_roll_notice_job_is_for_those_who_may_see_the_full_roll_and_each_download_is_audited(
        queue_app, worker, world, client, login_as):
    login_as("organiser")
    job_id = _job_id(client.post("/compounds/A/roll/notice-job"))
    worker(1)
    job = wait_for(queue_app, job_id)
    assert job.state == "done", job.error
    login_as("officer")
    download = client.get(f"/jobs/{job_id}/download")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    # names unmasked: a mentor reads the compound but not the full roll (policy.Ability.PERSONAL_DATA)
    for role in ("mentor", "other_organiser", "owner"):
        login_as(role)
        assert client.post("/compounds/A/roll/notice-job").status_code == 403, role
        for tail in ("", "/progress", "/download"):
            assert client.get(f"/jobs/{job_id}{tail}").status_code == 403, (role, tail)
    with queue_app.app_context():
        accesses = [(entry.actor_name, entry.after) for entry in db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "personal_data.access"))]
    assert [(actor, '"roll.notice_pdf"' in after) for actor, after in accesses] == [("officer", True)]


def _start_procedure(app, world):
    from committee_app.procedures import operations

    with app.app_context():
        operations.start_procedure(db.session.get(Compound, world.a), "reelection", on=date(2026, 11, 1))
        db.session.commit()


def test_street_report_fails_with_the_reason_then_a_retry_succeeds(queue_app, worker, world, client, login_as):
    login_as("officer")
    job_id = _job_id(client.post(f"/oversight/streets/{world.street}/compliance-job"))
    worker(2)
    job = wait_for(queue_app, job_id)
    assert job.state == "failed"
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "没有小区正在进行程序" in page and "重试" in page
    assert client.get(f"/jobs/{job_id}/progress").get_json()["error"] == job.error

    _start_procedure(queue_app, world)  # compound A starts its re-election
    assert client.post(f"/jobs/{job_id}/retry").status_code == 303
    job = wait_for(queue_app, job_id)
    assert job.state == "done", job.error
    assert job.attempt == 2 and job.error is None
    assert client.get(f"/jobs/{job_id}/download").data.startswith(b"%PDF")
    with queue_app.app_context():
        actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq))]
    assert [a for a in actions if a.startswith("job.")] == ["job.request", "job.fail", "job.retry", "job.done"]


def test_letters_for_a_vote_closed_meanwhile_fail_and_tell_the_organiser_why(queue_app, worker, world, client,
                                                                            login_as):
    from committee_app.voting import operations
    from committee_app.voting.models import Vote

    vote_id = _open_vote(queue_app, world)
    login_as("organiser")
    job_id = _job_id(client.post(f"/compounds/A/votes/{vote_id}/letters-job"))
    with queue_app.app_context():  # the vote closes before a worker picks the job up
        operations.close_vote(db.session.get(Vote, vote_id), db.session.get(Compound, world.a))
        db.session.commit()
    worker(1)
    job = wait_for(queue_app, job_id)
    assert job.state == "failed"
    assert "投票已截止" in client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert client.get(f"/jobs/{job_id}/download").status_code == 404


def test_only_those_who_manage_the_compound_see_or_download_its_letters(queue_app, worker, world, client,
                                                                        login_as):
    vote_id = _open_vote(queue_app, world)
    login_as("organiser")
    job_id = _job_id(client.post(f"/compounds/A/votes/{vote_id}/letters-job"))
    worker(1)
    assert wait_for(queue_app, job_id).state == "done"
    for role in ("officer", "mentor", "other_organiser", "owner", "outside_officer"):
        login_as(role)
        for tail in ("", "/progress", "/download"):
            assert client.get(f"/jobs/{job_id}{tail}").status_code == 403, (role, tail)
    login_as("admin")
    assert client.get(f"/jobs/{job_id}/download").status_code == 200
    client.post("/logout")
    assert client.get(f"/jobs/{job_id}/download").status_code == 302


def test_progress_answers_while_the_job_waits_for_a_worker(app, world, client, login_as):
    login_as("organiser")
    job_id = _job_id(client.post("/compounds/A/roll/notice-job"))
    assert client.get(f"/jobs/{job_id}/progress").get_json() == {
        "id": job_id, "state": "queued", "done": 0, "total": 0, "error": None}
    assert "排队中" in client.get("/jobs/").get_data(as_text=True)


def test_the_periodic_hook_is_skipped_while_the_notifications_package_is_absent(app, monkeypatch):
    import sys

    from committee_app.jobs.runner import run_periodic

    monkeypatch.setitem(sys.modules, "committee_app.notifications", None)  # import fails as if absent
    with app.app_context():
        assert run_periodic() is None


def test_the_periodic_hook_runs_the_notifications_runner_when_the_feature_is_installed(app):
    from committee_app.features import feature_modules
    from committee_app.jobs.runner import run_periodic

    if "committee_app.notifications" not in {module.__name__ for module in feature_modules()}:
        pytest.skip("the notifications feature is not installed in this tree")
    with app.app_context():
        run_periodic()
        run_periodic()  # a second pass finds nothing new and does not fail
