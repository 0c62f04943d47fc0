"""The procedure pages, as the organiser, the street officer and the mentor use them."""
import io
import re
import subprocess
from datetime import date, datetime

import pytest
from sqlalchemy import select

from committee_app.audit.models import AuditEntry
from committee_app.extensions import db
from committee_app.jobs.models import Job
from committee_app.notices.models import Notice
from committee_app.procedures.models import Procedure, ProcedureStep
from committee_app.registry.models import Compound
from tests.jobs.helpers import run_queued
from tests.procedures import factories


@pytest.fixture
def today(frozen_clock):
    frozen_clock(datetime(2026, 12, 1, 2, 0))  # 2026-12-01 in Shanghai
    return date(2026, 12, 1)


def _procedure(app, world):
    with app.app_context():
        procedure = db.session.scalar(select(Procedure).where(Procedure.compound_id == world.a))
        return procedure.id, {step.key: step.id for step in procedure.steps}


def _text(response) -> str:
    return response.get_data(as_text=True)


def _pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def _settle_until(app, world, key, on):
    with app.app_context():
        procedure = db.session.scalar(select(Procedure).where(Procedure.compound_id == world.a))
        factories.settle_before(procedure, key, on=on)
        db.session.commit()


def test_an_organiser_starts_a_reelection_and_sees_its_timeline(app, world, login_as, today):
    client = login_as("organiser")
    page = _text(client.get("/compounds/A/procedures"))
    assert "开始新的程序" in page
    response = client.post("/compounds/A/procedures", data={"kind": "reelection", "term_ends_on": "2027-05-31"})
    assert response.status_code == 302
    page = _text(client.get(response.headers["Location"]))
    assert "业主委员会换届选举" in page and "会议召开15日前发出会议通知" in page
    assert "PMR art 14" in page and "待核实" in page and "2027-02-28" in page  # R2 due: 3 months before term end
    # a second one is refused while the first is active
    client.post("/compounds/A/procedures", data={"kind": "formation"}, follow_redirects=True)
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Procedure.id))) == 1
    # the compound page shows the procedure's current step
    assert "任期届满前启动换届" in _text(client.get("/compounds/A"))


def test_due_dates_move_when_the_organiser_changes_the_meeting_date(app, world, login_as, today):
    client = login_as("organiser")
    client.post("/compounds/A/procedures", data={"kind": "reelection"})
    procedure_id, _steps = _procedure(app, world)
    url = f"/compounds/A/procedures/{procedure_id}"
    client.post(url + "/anchors", data={"meeting_on": "2027-01-20", "term_ends_on": "", "election_on": ""})
    assert "2027-01-05" in _text(client.get(url))
    client.post(url + "/anchors", data={"meeting_on": "2027-02-01", "term_ends_on": "", "election_on": ""})
    page = _text(client.get(url))
    assert "2027-01-17" in page and "2027-01-05" not in page
    response = client.post(url + "/anchors", data={"meeting_on": "not a date"}, follow_redirects=True)
    assert response.status_code == 200
    with app.app_context():
        assert db.session.get(Procedure, procedure_id).meeting_on == date(2027, 2, 1)


def test_an_early_meeting_date_is_refused_with_the_citation_and_15_days_pass(app, world, login_as, today):
    client = login_as("organiser")
    client.post("/compounds/A/procedures", data={"kind": "reelection"})
    procedure_id, _steps = _procedure(app, world)
    _settle_until(app, world, "R7_meeting_notice", date(2026, 11, 20))
    url = f"/compounds/A/procedures/{procedure_id}/meeting-notice"
    assert "会议议题" in _text(client.get(url))
    form = {"posted_on": "2026-12-01", "meeting_on": "2026-12-15", "meeting_time": "上午9:00",
            "place": "小区会所二楼", "form": "meeting", "agenda": "选举第三届业主委员会委员\n表决议事规则修订"}
    refused = client.post(url, data=form)
    assert refused.status_code == 400
    assert "《物业管理条例》第十四条" in _text(refused) and "2026-11-30" in _text(refused)
    with app.app_context():
        assert db.session.scalar(select(Notice).where(Notice.kind == "meeting_notice")) is None
        assert db.session.get(Procedure, procedure_id).meeting_on is None  # nothing written
    form["meeting_on"] = "2026-12-16"
    assert client.post(url, data=form).status_code == 302
    with app.app_context():
        procedure = db.session.get(Procedure, procedure_id)
        assert procedure.meeting_on == date(2026, 12, 16) and procedure.meeting_form == "meeting"
        notice = db.session.scalar(select(Notice).where(Notice.kind == "meeting_notice"))
        assert notice.posted_on == date(2026, 12, 1) and notice.citations == ["PMR art 14"]
        text = _pdf_text(notice.pdf)
    assert "2026-12-16" in text and "小区会所二楼" in text and "选举第三届业主委员会委员" in text
    assert "第十四条" in text and "甲小区业主委员会换届小组" in text
    # how to vote: the one-time code on the letter, the receipt and the ballot box, and paper
    assert "一次性投票码" in text and "回执号" in text and "不公开是谁投的" in text and "纸质表决票" in text
    assert "业主大会会议通知" in _text(client.get("/board/A")) or "的通知" in _text(client.get("/board/A"))


def test_the_roll_notice_button_posts_the_roll_to_the_board(app, world, login_as, today):
    client = login_as("organiser")
    client.post("/compounds/A/procedures", data={"kind": "reelection"})
    procedure_id, steps = _procedure(app, world)
    # refused while the working group is not formed: at once, with its message; nothing posted, no job
    refused = client.post(f"/compounds/A/procedures/{procedure_id}/roll-notice", follow_redirects=True)
    assert "须先完成前置步骤：成立换届小组并公示名单" in _text(refused)
    with app.app_context():
        assert db.session.scalar(select(Notice)) is None
        assert db.session.scalar(select(Job)) is None
        assert db.session.get(ProcedureStep, steps["R4_roll_notice"]).state != "done"
    _settle_until(app, world, "R4_roll_notice", date(2026, 11, 20))
    response = client.post(f"/compounds/A/procedures/{procedure_id}/roll-notice")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/procedures/{procedure_id}")
    with app.app_context():
        notice = db.session.scalar(select(Notice).where(Notice.kind == "roll_notice"))
        # posted 12-01: the 15 days run from 12-02 and end at 24:00 on 12-16 (CC art 201)
        assert notice.publicity_ends_on == date(2026, 12, 16) and notice.source_id == steps["R4_roll_notice"]
        assert db.session.get(ProcedureStep, steps["R4_roll_notice"]).state == "done"
        assert notice.pdf is None and "表决权人" in notice.body  # posted at once, its PDF still to come
        notice_id = notice.id
        job = db.session.scalar(select(Job))
        assert (job.kind, job.state, job.target_id) == ("procedures.roll_notice", "queued", notice_id)
        job_id = job.id
        asked = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "job.request"))
        assert asked.actor_name == "organiser"
    timeline = _text(client.get(f"/compounds/A/procedures/{procedure_id}"))
    assert "名册公示已张贴到公示栏" in timeline and "公示文件（PDF）正在后台生成" in timeline
    assert "甲小区业主名册公示" in timeline and "公示文件生成中" in timeline and f"/jobs/{job_id}" in timeline
    # the public board says the document is on its way, and its PDF address says so too
    anonymous = app.test_client()
    assert "公示文件生成中" in _text(anonymous.get("/board/A"))
    assert "公示文件生成中" in _text(anonymous.get(f"/board/A/notices/{notice_id}"))
    pending = anonymous.get(f"/board/A/notices/{notice_id}.pdf")
    assert pending.status_code == 303 and pending.headers["Location"].endswith(f"/board/A/notices/{notice_id}")
    assert "公示文件生成中，请稍后再下载" in _text(anonymous.get(pending.headers["Location"]))
    assert run_queued(app) >= 1
    with app.app_context():
        assert db.session.get(Job, job_id).state == "done"
        text = _pdf_text(db.session.get(Notice, notice_id).pdf)
        attached = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "notice.attach_pdf"))
        assert attached.actor_name == "organiser"
    # the board's copy masks names (PIPL): each owner still finds their unit and area
    assert "2026-12-01 张贴（当日不计入，民法典第201条）至 2026-12-16 24时止" in text
    assert "赵*" in text and "1-202" in text and "赵喆" not in text
    assert "生成中" not in _text(anonymous.get("/board/A")) + _text(client.get(f"/compounds/A/procedures/{procedure_id}"))
    assert anonymous.get(f"/board/A/notices/{notice_id}.pdf").data.startswith(b"%PDF")


def test_a_failed_roll_notice_render_keeps_the_notice_and_is_retried_from_the_job_page(app, world, login_as,
                                                                                      today):
    from committee_app.jobs.runner import fail

    client = login_as("organiser")
    client.post("/compounds/A/procedures", data={"kind": "reelection"})
    procedure_id, _steps = _procedure(app, world)
    _settle_until(app, world, "R4_roll_notice", date(2026, 11, 20))
    client.post(f"/compounds/A/procedures/{procedure_id}/roll-notice")
    with app.app_context():
        job = db.session.scalar(select(Job))
        job_id, notice_id = job.id, job.target_id
        fail(job_id, job.attempt, RuntimeError("weasyprint exploded at /srv/secret/path"))
    # the organiser sees the failure and its reason; the public board never sees an internal error
    timeline = _text(client.get(f"/compounds/A/procedures/{procedure_id}"))
    assert "公示文件生成失败" in timeline and f"/jobs/{job_id}" in timeline
    assert "weasyprint exploded" in _text(client.get(f"/jobs/{job_id}"))
    anonymous = app.test_client()
    public = _text(anonymous.get("/board/A")) + _text(anonymous.get(f"/board/A/notices/{notice_id}"))
    assert "公示文件生成中" in public and "weasyprint" not in public and "secret" not in public
    assert client.post(f"/jobs/{job_id}/retry").status_code == 303
    run_queued(app)
    with app.app_context():
        assert db.session.get(Job, job_id).state == "done"
        notice = db.session.get(Notice, notice_id)
        assert notice.is_current and notice.pdf.startswith(b"%PDF")
        assert db.session.scalar(select(db.func.count()).select_from(Notice)) == 1


def test_the_street_officer_returns_a_step_and_the_organiser_sees_why(app, world, client, login_as, today):
    login_as("organiser")
    client.post("/compounds/A/procedures", data={"kind": "reelection"})
    procedure_id, steps = _procedure(app, world)
    timeline = f"/compounds/A/procedures/{procedure_id}"
    response = client.post(f"/compounds/A/steps/{steps['R2_start']}/complete",
                           data={"done_on": "2026-11-30", "note": "已报告",
                                 "documents": [(io.BytesIO(b"%PDF-1.4 report"), "报告.pdf")]},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert "等待街道办事处签核" in _text(client.get(timeline))
    assert "签核通过" not in _text(client.get(timeline))  # the organiser cannot sign off
    login_as("officer")
    page = _text(client.get(timeline))
    assert "签核通过" in page and "报告.pdf" in page
    client.post(f"/compounds/A/steps/{steps['R2_start']}/return", data={"reason": "报告缺少住建部门签收"})
    login_as("organiser")
    page = _text(client.get(timeline))
    assert "责令改正" in page and "报告缺少住建部门签收" in page
    client.post(f"/compounds/A/steps/{steps['R2_start']}/complete", data={"done_on": "2026-12-01"})
    login_as("officer")
    client.post(f"/compounds/A/steps/{steps['R2_start']}/sign-off")
    with app.app_context():
        step = db.session.get(ProcedureStep, steps["R2_start"])
        assert step.state == "done" and step.signed_off_by_id == world.users["officer"]
        assert step.documents[0].filename == "报告.pdf"
    login_as("organiser")
    assert "街道办事处已签核" in _text(client.get(timeline))
    with app.app_context():
        doc_id = db.session.get(ProcedureStep, steps["R2_start"]).documents[0].id
    download = client.get(f"/compounds/A/documents/{doc_id}")
    assert download.data == b"%PDF-1.4 report" and download.mimetype == "application/pdf"


def test_a_bad_upload_is_refused_and_nothing_is_written(app, world, login_as, today):
    client = login_as("organiser")
    client.post("/compounds/A/procedures", data={"kind": "reelection"})
    procedure_id, steps = _procedure(app, world)
    response = client.post(f"/compounds/A/steps/{steps['R2_start']}/complete",
                           data={"done_on": "2026-11-30", "documents": [(io.BytesIO(b"MZ\x90 exe"), "scan.pdf")]},
                           content_type="multipart/form-data", follow_redirects=True)
    assert "不是 PDF、JPEG 或 PNG" in _text(response)
    with app.app_context():
        step = db.session.get(ProcedureStep, steps["R2_start"])
        assert step.state == "pending" and not step.documents


def test_an_action_step_cannot_be_completed_by_hand(app, world, login_as, today):
    client = login_as("organiser")
    client.post("/compounds/A/procedures", data={"kind": "reelection"})
    _procedure_id, steps = _procedure(app, world)
    _settle_until(app, world, "R5_nominations", date(2026, 11, 20))
    page = _text(client.post(f"/compounds/A/steps/{steps['R5_nominations']}/complete",
                             data={"done_on": "2026-11-30"}, follow_redirects=True))
    assert "由相应功能完成" in page
    with app.app_context():
        assert db.session.get(ProcedureStep, steps["R5_nominations"]).state == "pending"


def test_an_organiser_waives_a_step_with_a_reason(app, world, login_as, today):
    client = login_as("organiser")
    client.post("/compounds/A/procedures", data={"kind": "formation"})
    procedure_id, steps = _procedure(app, world)
    client.post(f"/compounds/A/steps/{steps['F1_developer_handover']}/waive", data={"reason": ""})
    with app.app_context():
        assert db.session.get(ProcedureStep, steps["F1_developer_handover"]).state == "pending"
    client.post(f"/compounds/A/steps/{steps['F1_developer_handover']}/waive", data={"reason": "资料已在街道存档"})
    assert "资料已在街道存档" in _text(client.get(f"/compounds/A/procedures/{procedure_id}"))


def test_the_mentor_reads_the_timeline_without_any_action(app, world, client, login_as, today):
    login_as("organiser")
    client.post("/compounds/A/procedures", data={"kind": "reelection"})
    procedure_id, steps = _procedure(app, world)
    login_as("mentor")
    page = _text(client.get(f"/compounds/A/procedures/{procedure_id}"))
    assert "业主委员会换届选举" in page
    assert "记录完成" not in page and "签核通过" not in page and "保存日期" not in page
    assert client.post(f"/compounds/A/steps/{steps['R2_start']}/waive", data={"reason": "x"}).status_code == 403


def test_another_compounds_step_is_not_found(app, world, client, login_as, today):
    with app.app_context():
        procedure = factories.start(db.session.get(Compound, world.b))
        db.session.commit()
        step_id, procedure_id = procedure.steps[0].id, procedure.id
    login_as("organiser")  # organiser of A
    assert client.post(f"/compounds/A/steps/{step_id}/waive", data={"reason": "x"}).status_code == 404
    assert client.get(f"/compounds/A/procedures/{procedure_id}").status_code == 404
    assert client.post(f"/compounds/B/steps/{step_id}/waive", data={"reason": "x"}).status_code == 403


def test_the_settings_page_shows_and_saves_overrides(app, world, client, login_as, today):
    login_as("mentor")
    page = _text(client.get("/compounds/A/settings"))
    assert "业主委员会任期（年）" in page and "待核实" in page and "GR art 32" in page and "保存设置" not in page
    login_as("organiser")
    page = _text(client.get("/compounds/A/settings"))
    assert "保存设置" in page and "法定，不可修改" in page
    response = client.post("/compounds/A/settings", data={"term_years": "6", "candidate_publicity_days": "10"})
    assert response.status_code == 400 and "不超过 5" in _text(response)
    with app.app_context():
        assert not db.session.get(Compound, world.a).setting_overrides
    client.post("/compounds/A/settings", data={"term_years": "4", "candidate_publicity_days": "10",
                                               "present-non_voter_clause": "1"})
    with app.app_context():
        assert db.session.get(Compound, world.a).setting_overrides == {"term_years": 4, "candidate_publicity_days": 10}
        audited = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "compound.setting")).all()
        assert len(audited) == 2 and all(e.actor_name == "organiser" for e in audited)
    assert "本小区已修改" in _text(client.get("/compounds/A/settings"))


def test_owners_and_anonymous_see_only_the_board(app, world, client, login_as, today):
    with app.app_context():
        procedure = factories.start(db.session.get(Compound, world.a))
        db.session.commit()
        procedure_id = procedure.id
    assert client.get(f"/compounds/A/procedures/{procedure_id}").status_code == 302
    assert client.get("/board/A").status_code == 200
    login_as("owner")
    assert client.get(f"/compounds/A/procedures/{procedure_id}").status_code == 403
    assert "成立与换届程序" not in _text(client.get("/compounds/A"))


def test_the_timeline_is_in_english_when_asked(app, world, client, login_as, today):
    login_as("organiser")
    client.post("/compounds/A/procedures", data={"kind": "reelection"})
    procedure_id, _steps = _procedure(app, world)
    client.post("/language", data={"locale": "en"})
    page = _text(client.get(f"/compounds/A/procedures/{procedure_id}"))
    assert "Meeting notice at least 15 days before the vote" in page


def test_the_timeline_and_refusals_read_in_english(app, world, client, login_as, today):
    login_as("organiser")
    client.post("/compounds/A/procedures", data={"kind": "reelection", "term_ends_on": "2027-05-31"})
    procedure_id, steps = _procedure(app, world)
    client.post("/language", data={"locale": "en"})
    page = _text(client.get(f"/compounds/A/procedures/{procedure_id}"))
    assert "Anchor dates" in page and "at least 3 months before End of term" in page and "Not started" in page
    page = _text(client.post(f"/compounds/A/steps/{steps['R3_working_group']}/complete",
                             data={"done_on": "2026-11-30"}, follow_redirects=True))
    assert "Finish the earlier steps first" in page


def test_a_posted_meeting_notice_is_rescheduled_by_a_superseding_notice(app, world, login_as, today):
    client = login_as("organiser")
    client.post("/compounds/A/procedures", data={"kind": "reelection"})
    procedure_id, _steps = _procedure(app, world)
    _settle_until(app, world, "R7_meeting_notice", date(2026, 11, 1))
    url = f"/compounds/A/procedures/{procedure_id}/meeting-notice"
    form = {"posted_on": "2026-11-10", "meeting_on": "2026-11-25", "meeting_time": "9:00", "place": "会所",
            "form": "written", "agenda": "选举"}
    assert client.post(url, data=form).status_code == 302
    timeline = _text(client.get(f"/compounds/A/procedures/{procedure_id}"))
    assert "更正或改期" in timeline
    # the date alone cannot move any more
    page = _text(client.post(f"/compounds/A/procedures/{procedure_id}/anchors", data={"meeting_on": "2026-12-20"},
                             follow_redirects=True))
    assert "改期须重新发出会议通知" in page
    assert "理由" in _text(client.get(url))
    form.update(posted_on="2026-12-01", meeting_on="2026-12-16", reason="原定日期与社区活动冲突")
    assert client.post(url, data=form).status_code == 302
    board = _text(client.get("/board/A"))
    assert "原定日期与社区活动冲突" in board
    with app.app_context():
        assert db.session.get(Procedure, procedure_id).meeting_on == date(2026, 12, 16)


def test_the_timeline_query_count_does_not_grow_with_documents(app, world, client, login_as, today):
    from sqlalchemy import event

    from committee_app.procedures import operations

    login_as("organiser")
    client.post("/compounds/A/procedures", data={"kind": "reelection"})
    procedure_id, steps = _procedure(app, world)
    url = f"/compounds/A/procedures/{procedure_id}"

    def count() -> int:
        with app.app_context():
            seen = []
            listener = lambda *args, **kwargs: seen.append(1)  # noqa: E731
            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                assert client.get(url).status_code == 200
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
            return len(seen)
    before = count()
    with app.app_context():
        for key in ("R2_start", "R3_working_group", "R11_handover"):
            step = db.session.get(ProcedureStep, steps[key])
            for n in range(3):
                operations.add_document(step, f"{n}.pdf", b"%PDF-1.4 x")
        db.session.commit()
    assert count() == before


def test_an_organiser_starts_a_step_and_ends_a_procedure_with_a_reason(app, world, login_as, today):
    client = login_as("organiser")
    client.post("/compounds/A/procedures", data={"kind": "reelection"})
    procedure_id, steps = _procedure(app, world)
    client.post(f"/compounds/A/steps/{steps['R2_start']}/start")
    with app.app_context():
        step = db.session.get(ProcedureStep, steps["R2_start"])
        assert step.state == "in_progress" and step.started_on == today
    client.post(f"/compounds/A/procedures/{procedure_id}/abandon", data={"reason": ""})
    with app.app_context():
        assert db.session.get(Procedure, procedure_id).status == "active"
    client.post(f"/compounds/A/procedures/{procedure_id}/abandon", data={"reason": "业主大会决定延期换届"})
    with app.app_context():
        assert db.session.get(Procedure, procedure_id).status == "abandoned"
    page = _text(client.get(f"/compounds/A/procedures/{procedure_id}"))
    assert "业主大会决定延期换届" in page and "记录完成" not in page
    # a new one may start now
    assert client.post("/compounds/A/procedures", data={"kind": "reelection"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Procedure.id)).where(Procedure.status == "active")) == 1


def test_each_due_date_on_the_timeline_says_how_it_was_counted(app, world, login_as, today):
    client = login_as("organiser")
    client.post("/compounds/A/procedures", data={"kind": "reelection", "term_ends_on": "2026-09-20"})
    procedure_id, steps = _procedure(app, world)
    page = _text(client.get(f"/compounds/A/procedures/{procedure_id}"))
    # R11: within 10 days after the term ends on 2026-09-20: day 10 is 09-30, the eve of National Day
    # (a working day), so no extension; the page says how it was counted
    assert "计算方法" in page and "2026-09-20当日不计入，自2026-09-21起算10日，最后一日为2026-09-30" in page
    assert "须在2026-09-20前至少3个月" in page  # R2: a minimum lead time, counted the other way


def test_a_due_date_in_a_year_without_holiday_data_is_marked_on_the_timeline(app, world, login_as, today):
    from committee_app.rules.periods import holiday_years

    uncovered = holiday_years()[1] + 1
    client = login_as("organiser")
    client.post("/compounds/A/procedures", data={"kind": "reelection", "term_ends_on": f"{uncovered}-05-31"})
    procedure_id, _steps = _procedure(app, world)
    page = _text(client.get(f"/compounds/A/procedures/{procedure_id}"))
    assert "节假日数据缺失，未顺延" in page and f"节假日数据未覆盖{uncovered}年" in page


def test_a_roll_loaded_before_versions_is_copied_into_the_job_when_the_notice_is_posted(app, world, login_as,
                                                                                       today):
    """No roll version to point at: the masked rows are copied when posting, so a roll
    confirmed before the worker runs does not change the board's copy."""
    from sqlalchemy import delete

    from committee_app.registry import operations as registry
    from committee_app.registry.models import RollEntry, RollVersion
    from tests.conftest import SMALL_ROLL

    with app.app_context():
        versions = select(RollVersion.id).where(RollVersion.compound_id == world.a)
        db.session.execute(delete(RollEntry).where(RollEntry.roll_version_id.in_(versions)))
        db.session.execute(delete(RollVersion).where(RollVersion.compound_id == world.a))
        db.session.commit()
    client = login_as("organiser")
    client.post("/compounds/A/procedures", data={"kind": "reelection"})
    procedure_id, _steps = _procedure(app, world)
    _settle_until(app, world, "R4_roll_notice", date(2026, 11, 20))
    assert client.post(f"/compounds/A/procedures/{procedure_id}/roll-notice").status_code == 302
    with app.app_context():
        job = db.session.scalar(select(Job))
        assert "roll_version_id" not in job.params and len(job.params["rows"]) == 5
        assert "赵喆" not in str(job.params) and "赵*" in str(job.params)  # copied masked
        registry.import_roll(db.session.get(Compound, world.a), "roll-2.csv",
                             SMALL_ROLL.replace("赵喆".encode(), "欧阳娜娜".encode()), imported_by="test")
        db.session.commit()
        notice_id = job.target_id
    run_queued(app)
    with app.app_context():
        text = _pdf_text(db.session.get(Notice, notice_id).pdf)
    assert "赵*" in text and "欧" not in text and "名册版本" not in text
