"""Sign-offs waiting and their flows, a compound's findings page, and the two PDFs."""
from __future__ import annotations

import subprocess
from datetime import date

from sqlalchemy import select

from committee_app.committees import operations as committees
from committee_app.extensions import db
from committee_app.procedures.models import DONE, Procedure
from committee_app.registry.models import Compound
from tests.procedures import factories
from tests.jobs.helpers import document


def _text(response) -> str:
    return response.get_data(as_text=True)


def _pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode()


def _reelection(app, world) -> tuple[int, dict]:
    with app.app_context():
        procedure = factories.start(db.session.get(Compound, world.a), "reelection", on=date(2026, 11, 1),
                                    term_ends_on=date(2027, 5, 31))
        db.session.commit()
        return procedure.id, {step.key: step.id for step in procedure.steps}


def test_an_officer_signs_off_one_step_and_returns_another_with_a_reason_the_organiser_sees(
        app, world, login_as, today):
    procedure_id, steps = _reelection(app, world)
    organiser = login_as("organiser")
    organiser.post(f"/compounds/A/steps/{steps['R2_start']}/complete", data={"done_on": "2026-11-02", "note": "已报告"})

    officer = login_as("officer")
    page = _text(officer.get("/oversight/signoffs"))
    link = f"/compounds/A/procedures/{procedure_id}#step-{steps['R2_start']}"
    assert "甲小区" in page and "任期届满前启动换届" in page and link in page
    timeline = _text(officer.get(f"/compounds/A/procedures/{procedure_id}"))
    assert "签核通过" in timeline and "退回，责令改正" in timeline

    # return it with a reason (an order to correct, PMR art 19)
    response = officer.post(f"/compounds/A/steps/{steps['R2_start']}/return", data={"reason": "请附上向住建局报告的回执"})
    assert response.status_code == 302
    assert "甲小区" not in _text(officer.get("/oversight/signoffs"))

    organiser = login_as("organiser")
    timeline = _text(organiser.get(f"/compounds/A/procedures/{procedure_id}"))
    assert "请附上向住建局报告的回执" in timeline and "责令改正" in timeline
    organiser.post(f"/compounds/A/steps/{steps['R2_start']}/complete", data={"done_on": "2026-11-03"})

    officer = login_as("officer")
    page = _text(officer.get("/oversight/signoffs"))
    assert "曾被退回，已重新提交" in page
    officer.post(f"/compounds/A/steps/{steps['R2_start']}/sign-off")
    assert "甲小区" not in _text(officer.get("/oversight/signoffs"))
    with app.app_context():
        procedure = db.session.get(Procedure, procedure_id)
        assert procedure.steps[0].state == DONE and procedure.steps[0].signed_off_by_id == world.users["officer"]

    report = _pdf_text(officer.get(f"/oversight/compounds/A/procedures/{procedure_id}/compliance.pdf").data)
    assert "街道办事处签核：officer" in report and "请附上向住建局报告的回执" in report


def test_an_officer_of_another_street_cannot_sign_off_or_return(app, world, login_as, today):
    _procedure_id, steps = _reelection(app, world)
    login_as("organiser").post(f"/compounds/A/steps/{steps['R2_start']}/complete", data={"done_on": "2026-11-02"})
    outsider = login_as("outside_officer")
    assert outsider.post(f"/compounds/A/steps/{steps['R2_start']}/sign-off").status_code == 403
    assert outsider.post(f"/compounds/A/steps/{steps['R2_start']}/return", data={"reason": "x"}).status_code == 403
    assert "甲小区" not in _text(outsider.get("/oversight/signoffs"))


def test_a_compound_page_shows_each_finding_with_evidence_and_citation(app, world, login_as, today):
    with app.app_context():
        compound = db.session.get(Compound, world.a)
        procedure = factories.procedure_with_meeting_notice(compound, posted_on=date(2026, 11, 1),
                                                            meeting_on=date(2026, 11, 16))
        # the meeting was moved earlier after the notice went out: record it as it happened
        procedure.meeting_on = date(2026, 11, 12)
        db.session.commit()
    page = _text(login_as("officer").get("/oversight/compounds/A"))
    assert "业主大会会议通知提前15日" in page and "仅11日" in page and "PMR art 14" in page
    assert "2026-10-28" in page  # the latest day the notice could have been posted
    # the organiser reads the same findings for their own compound
    assert "业主大会会议通知提前15日" in _text(login_as("organiser").get("/oversight/compounds/A"))
    # and the compound page carries the summary panel
    assert "合规检查" in _text(login_as("organiser").get("/compounds/A"))


def test_objects_from_another_compound_in_the_url_are_not_found(app, world, login_as, today):
    with app.app_context():
        procedure = factories.start(db.session.get(Compound, world.b), "reelection")
        db.session.commit()
        other_id = procedure.id
    client = login_as("officer")
    assert client.get(f"/oversight/compounds/A/procedures/{other_id}/compliance.pdf").status_code == 404
    assert client.post(f"/oversight/compounds/A/procedures/{other_id}/filing-job").status_code == 404
    assert client.get("/oversight/compounds/NOPE").status_code == 404


def test_the_compliance_report_lists_steps_dates_findings_with_citations_in_real_chinese(app, world, login_as, today):
    with app.app_context():
        compound = db.session.get(Compound, world.a)
        compound.setting_overrides = {"non_voter_clause": True}
        procedure = factories.procedure_with_meeting_notice(compound, posted_on=date(2026, 11, 1),
                                                            meeting_on=date(2026, 11, 16))
        db.session.commit()
        procedure_id = procedure.id
    response = login_as("officer").get(f"/oversight/compounds/A/procedures/{procedure_id}/compliance.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _pdf_text(response.data)
    assert "合规报告" in text and "甲小区" in text
    assert "未参与表决视为同意" in text and "第二十六条" in text and "第二百七十八条" in text
    assert "GR art" not in text and "CC art" not in text
    assert "会议召开15日前发出会议通知" in text and "2026-11-01" in text
    assert "业主大会会议通知提前15日" in text  # met: listed among the checks passed
    assert "□" not in text
    fonts = subprocess.run(["pdffonts", "-"], input=response.data, capture_output=True).stdout.decode()
    assert "NotoSansCJK" in fonts.replace("-", "") or "NotoSansSC" in fonts.replace("-", "")


def test_the_filing_package_uses_what_is_recorded_and_says_so_where_a_part_is_missing(app, world, login_as, today):
    with app.app_context():
        compound = db.session.get(Compound, world.a)
        procedure = factories.start(compound, "reelection", on=date(2026, 9, 1), election_on=date(2026, 11, 10))
        committees.record_committee(compound, members=[("王建华", None, "chair"), ("李梅", None, "vice_chair"),
                                                       ("赵喆", None, "member")], elected_on=date(2026, 11, 10))
        db.session.commit()
        procedure_id = procedure.id
    client = login_as("organiser")
    response = document(app, client, client.post(f"/oversight/compounds/A/procedures/{procedure_id}/filing-job"))
    assert response.status_code == 200
    text = _pdf_text(response.data)
    assert "备案材料" in text and "王建华" in text and "副主任" in text and "2026-11-10" in text
    assert "未记录" in text  # no count record, no covenant vote recorded
    assert "《物业管理条例》第十六条" in text and "PMR art" not in text


def test_a_filing_package_without_a_committee_says_the_members_are_not_recorded(app, world, login_as, today):
    procedure_id, _steps = _reelection(app, world)
    client = login_as("officer")
    text = _pdf_text(document(app, client, client.post(f"/oversight/compounds/A/procedures/{procedure_id}/filing-job")).data)
    assert "未记录（系统中没有本次选举产生的业主委员会记录）" in text.replace("\n", "").replace(" ", "")


def test_the_demo_street_shows_a_clean_an_overdue_and_a_broken_compound(app, runner, client):
    from tests.conftest import login

    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert login(client, "street", "demo1234").status_code == 302
    page = _text(client.get("/oversight/"))
    for name in ("犀浦和园", "柏林花语", "望丛春晓"):
        assert name in page
    with app.app_context():
        from committee_app.accounts.models import User
        from committee_app.oversight.util import board_rows

        with app.test_request_context():
            user = db.session.scalar(select(User).where(User.username == "street"))
            rows = {row.name: row for row in board_rows(user)}
    assert rows["犀浦和园"].finding_count == 0
    assert "reelection_started_on_time" in dict(rows["柏林花语"].finding_titles)
    assert rows["柏林花语"].term_status == "overdue"
    assert "meeting_notice_period" in dict(rows["望丛春晓"].finding_titles)
    with app.app_context():
        broken = db.session.scalar(select(Procedure).join(Compound, Compound.id == Procedure.compound_id)
                                   .where(Compound.code == "WKCS"))
        assert broken.status == "completed"
    report = _pdf_text(client.get(f"/oversight/compounds/WKCS/procedures/{broken.id}/compliance.pdf").data)
    assert "仅10日，少于法定15日" in report.replace("\n", "").replace(" ", "")
    waiting = _text(client.get("/oversight/signoffs"))
    assert "锦华丽景" in waiting and "绿地三期" in waiting  # one to sign off, one to return


def test_a_sign_off_late_in_the_evening_prints_the_shanghai_date_in_the_compliance_report(
        app, world, login_as, frozen_clock):
    from datetime import datetime

    frozen_clock(datetime(2026, 12, 1, 2, 0))
    procedure_id, steps = _reelection(app, world)
    login_as("organiser").post(f"/compounds/A/steps/{steps['R2_start']}/complete", data={"done_on": "2026-11-02"})
    officer = login_as("officer")
    frozen_clock(datetime(2026, 12, 1, 17, 30))  # 01:30 on 2 December in Shanghai
    officer.post(f"/compounds/A/steps/{steps['R2_start']}/sign-off")
    with app.app_context():
        from committee_app.oversight.reports import compliance_report_context

        procedure = db.session.get(Procedure, procedure_id)
        context = compliance_report_context(procedure.compound, procedure)
        assert context["steps"][0]["signed_off"]["on"] == "2026-12-02"
    report = _pdf_text(officer.get(f"/oversight/compounds/A/procedures/{procedure_id}/compliance.pdf").data)
    assert "officer 2026-12-02" in report and "2026-12-01" not in report.split("officer", 1)[1][:20]
    timeline = _text(officer.get(f"/compounds/A/procedures/{procedure_id}"))
    assert "2026-12-02" in timeline
