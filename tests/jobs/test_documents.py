"""The other long documents as jobs (issue 14 item 2): a vote's count record, a procedure's
filing package, a whole-run reprint of the letters and the board CSV, each through a real
worker (SQLite and Redis queues), each readable only by those who may read its record, and
none of them rendered in a request any more."""
from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

from pypdf import PdfReader
from sqlalchemy import select

from committee_app import clock
from committee_app.audit.models import AuditEntry
from committee_app.extensions import db
from committee_app.jobs.models import Job
from committee_app.registry.models import Compound

from .conftest import assert_answered_before_any_work, wait_for
from .test_jobs import CODE, _job_id, _open_vote

OUTSIDERS = ("other_organiser", "owner", "other_owner", "outside_officer", "outside_mentor")


def _text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _vote_with_ballots(app, world, *, state="closed"):
    """An election of compound A with three online ballots, then closed (or counted)."""
    from committee_app.voting import operations
    from committee_app.voting.models import Vote
    from tests.voting.conftest import cast

    vote_id = _open_vote(app, world, title="计票记录测试选举")
    with app.app_context():
        for name in ("张三", "李四", "赵喆"):
            cast(vote_id, name, candidates=["甲"])
        vote, compound = db.session.get(Vote, vote_id), db.session.get(Compound, world.a)
        operations.close_vote(vote, compound)
        if state == "counted":
            operations.count_vote(vote, compound)
        db.session.commit()
    return vote_id


def _reopen(app, world, vote_id):
    from committee_app.voting import operations
    from committee_app.voting.models import Vote

    with app.app_context():
        operations.reopen_vote(db.session.get(Vote, vote_id), db.session.get(Compound, world.a),
                               reason="计票前发现一批纸质票未录入")
        db.session.commit()


def _close(app, world, vote_id):
    from committee_app.voting import operations
    from committee_app.voting.models import Vote

    with app.app_context():
        operations.close_vote(db.session.get(Vote, vote_id), db.session.get(Compound, world.a))
        db.session.commit()


def _actions(app, prefix="job."):
    with app.app_context():
        return [(entry.action, entry.actor_name) for entry in db.session.scalars(
            select(AuditEntry).order_by(AuditEntry.seq)) if entry.action.startswith(prefix)]


def test_a_reader_asks_for_the_count_record_and_downloads_it_from_the_worker(queue_app, worker, world, client,
                                                                             login_as):
    vote_id = _vote_with_ballots(queue_app, world, state="counted")
    login_as("mentor")  # reads compound A: may read its count record once the vote has closed
    page = client.get(f"/compounds/A/votes/{vote_id}/count").get_data(as_text=True)
    assert f"/compounds/A/votes/{vote_id}/count-record-job" in page and "count-record.pdf" not in page
    job_id = _job_id(client.post(f"/compounds/A/votes/{vote_id}/count-record-job"))
    assert_answered_before_any_work(queue_app, job_id)  # the request only queued it
    assert "甲小区 · 计票记录测试选举" in client.get(f"/jobs/{job_id}").get_data(as_text=True)  # which record
    worker(2)
    job = wait_for(queue_app, job_id)
    assert job.state == "done", job.error
    download = client.get(f"/jobs/{job_id}/download")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert f"count-record-{vote_id}.pdf" in download.headers["Content-Disposition"]
    text = _text(download.data)
    assert "计票记录" in text and "计票记录测试选举" in text and "甲" in text and "当选" in text
    assert _actions(queue_app) == [("job.request", "mentor"), ("job.done", "mentor")]

    # every reader of the compound may download it; another compound's organiser and an owner may not
    for role in ("organiser", "officer", "admin"):
        login_as(role)
        assert client.get(f"/jobs/{job_id}/download").status_code == 200, role
    for role in OUTSIDERS:
        login_as(role)
        assert client.post(f"/compounds/A/votes/{vote_id}/count-record-job").status_code == 403, role
        for tail in ("", "/progress", "/download"):
            assert client.get(f"/jobs/{job_id}{tail}").status_code == 403, (role, tail)
    client.post("/logout")
    assert client.get(f"/jobs/{job_id}/download").status_code == 302
    # the old synchronous route is gone: nothing renders the record in a request
    login_as("mentor")
    assert client.get(f"/compounds/A/votes/{vote_id}/count-record.pdf").status_code == 404


def test_no_count_record_while_owners_vote_and_a_reopened_vote_hides_the_one_made_before(
        queue_app, worker, world, client, login_as):
    open_id = _open_vote(queue_app, world, title="进行中的表决")
    login_as("organiser")
    refused = client.post(f"/compounds/A/votes/{open_id}/count-record-job")
    assert refused.status_code == 303 and refused.headers["Location"].endswith(f"/votes/{open_id}/count")
    assert "投票截止后才能打印" in client.get(refused.headers["Location"]).get_data(as_text=True)
    with queue_app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Job)) == 0

    vote_id = _vote_with_ballots(queue_app, world)
    job_id = _job_id(client.post(f"/compounds/A/votes/{vote_id}/count-record-job"))
    worker(1)
    assert wait_for(queue_app, job_id).state == "done"
    assert client.get(f"/jobs/{job_id}/download").status_code == 200
    _reopen(queue_app, world, vote_id)  # owners vote again: no role sees results, printed or not
    for role in ("organiser", "officer", "admin"):
        login_as(role)
        assert client.get(f"/jobs/{job_id}/download").status_code == 403, role
        page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
        assert "暂不能下载" in page and f"/jobs/{job_id}/download" not in page
    assert f"/jobs/{job_id}/download" not in client.get("/jobs/").get_data(as_text=True)  # admin: not the asker
    login_as("organiser")
    listing = client.get("/jobs/").get_data(as_text=True)
    assert f"/jobs/{job_id}\"" in listing and f"/jobs/{job_id}/download" not in listing
    _close(queue_app, world, vote_id)
    assert f"/jobs/{job_id}/download" in client.get("/jobs/").get_data(as_text=True)
    assert client.get(f"/jobs/{job_id}/download").status_code == 200


def test_a_count_record_job_whose_vote_reopened_before_the_worker_fails_with_the_reason_and_retries(
        queue_app, worker, world, client, login_as):
    vote_id = _vote_with_ballots(queue_app, world)
    login_as("officer")
    job_id = _job_id(client.post(f"/compounds/A/votes/{vote_id}/count-record-job"))
    _reopen(queue_app, world, vote_id)  # before a worker picks the job up
    worker(1)
    job = wait_for(queue_app, job_id)
    assert job.state == "failed" and "投票截止后才能打印" in job.error
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "投票截止后才能打印" in page and "重试" in page
    assert client.get(f"/jobs/{job_id}/download").status_code == 403
    _close(queue_app, world, vote_id)
    assert client.post(f"/jobs/{job_id}/retry").status_code == 303
    job = wait_for(queue_app, job_id)
    assert job.state == "done" and job.attempt == 2, job.error
    assert _text(client.get(f"/jobs/{job_id}/download").data).count("计票记录") >= 1
    assert _actions(queue_app) == [("job.request", "officer"), ("job.fail", "officer"), ("job.retry", "officer"),
                                   ("job.done", "officer")]


def _procedure(app, world, compound_id=None):
    from committee_app.committees import operations as committees
    from tests.procedures import factories

    with app.app_context():
        compound = db.session.get(Compound, compound_id or world.a)
        procedure = factories.start(compound, "reelection", on=date(2026, 9, 1), election_on=date(2026, 11, 10))
        if compound_id is None:
            committees.record_committee(compound, members=[("王建华", None, "chair"), ("李梅", None, "vice_chair"),
                                                           ("赵喆", None, "member")], elected_on=date(2026, 11, 10))
        db.session.commit()
        return procedure.id


def test_the_filing_package_is_made_by_a_worker_for_the_readers_of_the_compound(queue_app, worker, world, client,
                                                                                login_as):
    procedure_id = _procedure(queue_app, world)
    login_as("officer")
    page = client.get("/oversight/compounds/A").get_data(as_text=True)
    assert f"/procedures/{procedure_id}/filing-job" in page and "filing.pdf" not in page
    job_id = _job_id(client.post(f"/oversight/compounds/A/procedures/{procedure_id}/filing-job"))
    worker(1)
    job = wait_for(queue_app, job_id)
    assert job.state == "done", job.error
    login_as("organiser")
    download = client.get(f"/jobs/{job_id}/download")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    text = _text(download.data)
    assert "备案材料" in text and "王建华" in text and "副主任" in text
    for role in OUTSIDERS:
        login_as(role)
        assert client.post(f"/oversight/compounds/A/procedures/{procedure_id}/filing-job").status_code == 403, role
        assert client.get(f"/jobs/{job_id}/download").status_code == 403, role
    # a procedure of another compound named under A's address is not found; the old route is gone
    other_id = _procedure(queue_app, world, world.b)
    login_as("officer")
    assert client.post(f"/oversight/compounds/A/procedures/{other_id}/filing-job").status_code == 404
    assert client.get(f"/oversight/compounds/A/procedures/{procedure_id}/filing.pdf").status_code == 404
    assert _actions(queue_app) == [("job.request", "officer"), ("job.done", "officer")]


def test_a_whole_run_reprint_is_a_job_refused_at_once_when_it_cannot_be_done(queue_app, worker, world, client,
                                                                             login_as):
    from committee_app.voting import operations
    from committee_app.voting.models import Vote

    with queue_app.app_context():
        vote = operations.create_election(db.session.get(Compound, world.a), title="草稿选举", seats=2,
                                          candidates=["甲", "乙", "丙"], is_by_election=True)
        db.session.commit()
        vote_id = vote.id
    login_as("organiser")
    first = _job_id(client.post(f"/compounds/A/votes/{vote_id}/letters-job"))
    worker(2)
    assert wait_for(queue_app, first).state == "done"
    first_codes = set(CODE.findall(_text(client.get(f"/jobs/{first}/download").data)))
    assert "第 1 批" in _text(client.get(f"/jobs/{first}/download").data)

    # no reason: refused in the request, no job
    refused = client.post(f"/compounds/A/votes/{vote_id}/letters/reprint-all-job", data={"reason": " "},
                          follow_redirects=True)
    assert "须写明理由" in refused.get_data(as_text=True)
    job_id = _job_id(client.post(f"/compounds/A/votes/{vote_id}/letters/reprint-all-job",
                                 data={"reason": "打印件被雨淋湿"}))
    job = wait_for(queue_app, job_id)
    assert job.state == "done", job.error
    text = _text(client.get(f"/jobs/{job_id}/download").data)
    codes = set(CODE.findall(text))
    assert len(codes) == 5 and not codes & first_codes and "第 2 批（补打" in text
    with queue_app.app_context():
        [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "vote.letters_reprint_all"))
        assert entry.actor_name == "organiser" and "打印件被雨淋湿" in entry.after

    with queue_app.app_context():  # once the vote is open a whole-run reprint is refused at once
        operations.open_vote(db.session.get(Vote, vote_id), db.session.get(Compound, world.a), enforce_gate=False)
        db.session.commit()
        jobs_before = db.session.scalar(select(db.func.count()).select_from(Job))
    refused = client.post(f"/compounds/A/votes/{vote_id}/letters/reprint-all-job", data={"reason": "再印一次"},
                          follow_redirects=True)
    assert "不能整批重印" in refused.get_data(as_text=True)
    with queue_app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Job)) == jobs_before
    for role in ("mentor", "officer") + OUTSIDERS:
        login_as(role)
        assert client.get(f"/jobs/{job_id}/download").status_code == 403, role
    login_as("organiser")
    assert client.post(f"/compounds/A/votes/{vote_id}/letters.pdf").status_code in (404, 405)
    assert client.post(f"/compounds/A/votes/{vote_id}/letters/reprint-all",
                       data={"reason": "x"}).status_code in (404, 405)


def test_the_board_csv_is_only_a_job_and_only_for_the_officer_who_asked(queue_app, worker, world, client,
                                                                       login_as):
    login_as("officer")
    assert client.get("/oversight/board.csv").status_code == 404  # the synchronous export is gone
    job_id = _job_id(client.post("/oversight/board-csv-job", data={"sort": "name"}))
    worker(1)
    assert wait_for(queue_app, job_id).state == "done"
    download = client.get(f"/jobs/{job_id}/download")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(download.data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["小区编号", "小区"] and {row[1] for row in rows[1:]} >= {"甲小区"}
    # the board is the officer's own (their scope): another officer does not see it
    for role in ("community_officer", "outside_officer", "organiser", "owner"):
        login_as(role)
        assert client.get(f"/jobs/{job_id}/download").status_code == 403, role


def test_the_letters_job_answers_at_once_and_names_its_batch(queue_app, worker, world, client, login_as):
    vote_id = _open_vote(queue_app, world)
    login_as("organiser")
    job_id = _job_id(client.post(f"/compounds/A/votes/{vote_id}/letters-job"))
    assert_answered_before_any_work(queue_app, job_id)  # the request only queued it
    worker(1)
    assert wait_for(queue_app, job_id).state == "done"
    text = _text(client.get(f"/jobs/{job_id}/download").data)
    assert re.search(r"第\s*1\s*批", text)
    # a second print issues nothing: said at once, no job
    again = client.post(f"/compounds/A/votes/{vote_id}/letters-job", follow_redirects=True)
    assert "通知书只发一次" in again.get_data(as_text=True)
    with queue_app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Job)) == 1


def test_letters_whose_printing_failed_are_printed_with_new_codes_on_retry(queue_app, worker, world, client,
                                                                           login_as, monkeypatch):
    """The codes are issued when the job is planned; when rendering then fails, the plain codes
    are lost with the failed run. The retry gives the same batch's voters new codes (their
    letters were never made) instead of finding "every letter already out"."""
    from committee_app.jobs import kinds
    from committee_app.voting.models import LetterBatch, VotingCode

    real = kinds.render_letters
    calls = []

    def fails_first(*args, **kwargs):  # the first rendering breaks (a worker crash, a full disk)
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("renderer crashed")
        return real(*args, **kwargs)

    monkeypatch.setattr(kinds, "render_letters", fails_first)
    vote_id = _open_vote(queue_app, world)
    login_as("organiser")
    job_id = _job_id(client.post(f"/compounds/A/votes/{vote_id}/letters-job"))
    worker(1)
    job = wait_for(queue_app, job_id)
    assert job.state == "failed" and "renderer crashed" in job.error
    with queue_app.app_context():
        lost = set(db.session.scalars(select(VotingCode.code_hash).where(VotingCode.vote_id == vote_id)))
    assert len(lost) == 5  # issued by the failed run, printed nowhere

    assert client.post(f"/jobs/{job_id}/retry").status_code == 303
    job = wait_for(queue_app, job_id)
    assert job.state == "done", job.error
    codes = set(CODE.findall(_text(client.get(f"/jobs/{job_id}/download").data)))
    assert len(codes) == 5
    with queue_app.app_context():
        hashes = set(db.session.scalars(select(VotingCode.code_hash).where(VotingCode.vote_id == vote_id)))
        assert len(hashes) == 5 and not hashes & lost
        assert db.session.scalar(select(db.func.count()).select_from(LetterBatch)) == 1  # still batch 1
        [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "vote.letters_reissue"))
        assert entry.actor_name == "organiser"
    client.post("/logout")
    for code in codes:  # every printed code works on the ballot page
        assert "投票码不正确" not in client.get(f"/ballot/{vote_id}?code={code}").get_data(as_text=True)


def test_the_roll_notice_is_posted_at_once_and_its_pdf_attached_by_a_worker(queue_app, worker, world, client,
                                                                           login_as):
    """The procedure step 公示业主名册: the step and the notice in the request, the board's copy by a worker."""
    from committee_app.notices.models import Notice
    from committee_app.procedures import operations
    from committee_app.procedures.models import Procedure
    from tests.procedures import factories

    login_as("organiser")
    client.post("/compounds/A/procedures", data={"kind": "reelection"})
    with queue_app.app_context():
        procedure = db.session.scalar(select(Procedure).where(Procedure.compound_id == world.a))
        factories.settle_before(procedure, "R4_roll_notice", on=clock.today() - timedelta(days=1))
        db.session.commit()
        procedure_id = procedure.id
    response = client.post(f"/compounds/A/procedures/{procedure_id}/roll-notice")
    assert response.status_code == 302
    with queue_app.app_context():
        job = db.session.scalar(select(Job).where(Job.kind == operations.ROLL_NOTICE_JOB))
        job_id, notice_id = job.id, job.target_id
        assert db.session.get(Notice, notice_id).pdf is None  # posted in the request, rendered by the worker
    assert_answered_before_any_work(queue_app, job_id)
    worker(1)
    job = wait_for(queue_app, job_id)
    assert job.state == "done", job.error
    with queue_app.app_context():
        pdf = db.session.get(Notice, notice_id).pdf
    text = _text(pdf)
    assert "业主名册公示" in text and "赵喆" not in text  # the board's copy: names masked
    public = queue_app.test_client().get(f"/board/A/notices/{notice_id}.pdf")
    assert public.status_code == 200 and public.data == pdf
    assert _actions(queue_app) == [("job.request", "organiser"), ("job.done", "organiser")]
