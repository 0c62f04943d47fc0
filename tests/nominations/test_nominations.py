"""An organiser collects nominations through every channel, vets them, posts the list,
handles objections and finalises it; owners nominate themselves and object."""
from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date, timedelta

import pytest

from committee_app import clock
from committee_app.audit.models import AuditEntry
from committee_app.extensions import db
from committee_app.nominations import operations, util
from committee_app.nominations.models import CandidateList, Cosigner, Nomination, NominationDocument, Objection
from committee_app.notices.models import Notice
from committee_app.registry.models import Compound

from .conftest import NOON, TODAY

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n% test\n"


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def open_list(app, compound_a, users, seats=5):
    with app.app_context():
        operations.open_list(compound_a(), seats=seats, on=TODAY, actor=users("organiser"))
        db.session.commit()


def nominate(compound_a, users, person, name, channel="self", **kwargs):
    kwargs.setdefault("statement", "愿意为业主服务")
    kwargs.setdefault("entered_by", users("organiser"))
    if channel in ("party", "community"):
        kwargs.setdefault("recommended_by", "测试社区党委")
    return operations.nominate(compound_a(), channel=channel, owner_id=person(name), **kwargs)


def vet_all(nomination, users, status="met"):
    compound = db.session.get(Compound, nomination.compound_id)
    marks = {c.key: (status, "" if status == "met" else "核实") for c in util.conditions(compound)}
    operations.record_checks(nomination, marks, reviewer=users("organiser"))


@pytest.fixture
def collecting(app, compound_a, users, frozen_clock):
    frozen_clock(NOON)
    open_list(app, compound_a, users)


@pytest.fixture
def posted(app, compound_a, users, person, collecting):
    """A list of two eligible candidates (张三, 赵喆) posted on TODAY with a 7-day objection period."""
    with app.app_context():
        first = nominate(compound_a, users, person, "张三", channel="party", is_party_member=True)
        second = nominate(compound_a, users, person, "赵喆", channel="community")
        vet_all(first, users)
        vet_all(second, users)
        operations.close_nominations(compound_a(), on=TODAY, actor=users("organiser"))
        operations.record_round(compound_a(), vetted_on=TODAY, reviewers="换届小组、派出所", actor=users("organiser"))
        operations.finish_vetting(compound_a(), on=TODAY, actor=users("organiser"))
        operations.post_list(compound_a(), on=TODAY, actor=users("organiser"))
        db.session.commit()


# --------------------------------------------------------------------------- channels


def test_an_organiser_opens_nominations_and_the_conditions_are_posted(app, client, login_as, compound_a, frozen_clock):
    frozen_clock(NOON)
    login_as("organiser")
    response = client.post("/compounds/A/nominations/open", data={"seats": "7"})
    assert response.status_code == 302
    with app.app_context():
        candidate_list = util.current_list(compound_a())
        assert candidate_list.seats == 7 and candidate_list.state == "collecting"
        notice = db.session.get(Notice, candidate_list.nomination_notice_id)
        assert notice.kind == "nomination_notice" and "无犯罪记录" in notice.body and "不少于 2 名业主联名" in notice.body
        assert util.candidate_list_state(compound_a()) == "collecting"
    assert "已有一轮推荐" in client.post("/compounds/A/nominations/open", data={"seats": "7"},
                                     follow_redirects=True).get_data(as_text=True)


def test_an_even_number_of_seats_is_refused(app, client, login_as, compound_a):
    login_as("organiser")
    page = client.post("/compounds/A/nominations/open", data={"seats": "6"}, follow_redirects=True)
    assert "单数" in page.get_data(as_text=True)
    with app.app_context():
        assert util.candidate_list_state(compound_a()) == "none" and count(CandidateList) == 0


def test_an_owner_nominates_themselves_online(app, client, login_as, collecting, compound_a, person):
    login_as("owner")
    with app.app_context():
        owner_id = person("赵喆")
    assert client.get("/compounds/A/candidates/nominate").status_code == 200
    response = client.post("/compounds/A/candidates/nominate", data={
        "owner_id": str(owner_id), "statement": "我有时间，愿意服务业主", "biography": "退休教师",
        "is_party_member": "y", "documents": [(io.BytesIO(PNG), "证明.png")]}, content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        nomination = db.session.scalar(db.select(Nomination))
        assert nomination.channel == "self" and not nomination.is_paper_form
        assert nomination.nominee_name == "赵喆" and nomination.is_party_member
        assert nomination.entered_by.username == "owner" and nomination.entered_at == NOON
        assert [d.content_type for d in nomination.documents] == ["image/png"]
        assert [(c.condition_key, c.status) for c in nomination.checks] == [("is_owner", "met")]
    page = client.get("/compounds/A/candidates").get_data(as_text=True)
    assert "赵喆" in page and "审查中" in page


def test_an_owner_cannot_nominate_someone_else(app, client, login_as, collecting, person):
    login_as("owner")
    with app.app_context():
        other = person("张三")
    response = client.post("/compounds/A/candidates/nominate", data={"owner_id": str(other), "statement": "x"})
    assert response.status_code == 400 and "只能推荐您本人" in response.get_data(as_text=True)
    with app.app_context():
        assert count(Nomination) == 0


def test_an_organiser_enters_a_paper_self_nomination(app, client, login_as, collecting, person):
    login_as("organiser")
    with app.app_context():
        owner_id = person("钱堃")
    response = client.post("/compounds/A/nominations/new", data={
        "channel": "self", "owner_id": str(owner_id), "statement": "自荐表：愿意参选"})
    assert response.status_code == 302
    with app.app_context():
        nomination = db.session.scalar(db.select(Nomination))
        assert nomination.channel == "self" and nomination.is_paper_form and nomination.entered_by.username == "organiser"
        assert db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "nomination.create")) is not None
    assert "钱堃" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_joint_nomination_records_its_cosigners_from_the_roll(app, client, login_as, collecting, person):
    login_as("organiser")
    with app.app_context():
        nominee, signers = person("赵喆"), [person("张三"), person("李四")]
    response = client.post("/compounds/A/nominations/new", data={
        "channel": "joint", "owner_id": str(nominee), "cosigner_ids": [str(s) for s in signers],
        "statement": "联名推荐"})
    assert response.status_code == 302
    with app.app_context():
        nomination = db.session.scalar(db.select(Nomination))
        assert nomination.channel == "joint"
        assert sorted(c.name for c in nomination.cosigners) == ["张三", "李四"]


@pytest.mark.parametrize("signers, message", [
    (lambda p: [p("张三"), p("张三", compound="b")], "第 2 位联名业主不在本小区业主名册中"),
    (lambda p: [p("李四"), p("王芳")], "是同一表决权人"),
    (lambda p: [p("张三")], "联名业主 1 人，少于规则要求的 2 人"),
    (lambda p: [p("张三"), p("赵喆")], "不能作为联名业主"),
    (lambda p: [p("张三"), 987654], "不在本小区业主名册中"),
])
def test_cosigners_are_checked_against_the_roll(app, client, login_as, collecting, person, signers, message):
    login_as("organiser")
    with app.app_context():
        nominee, chosen = person("赵喆"), signers(person)
    response = client.post("/compounds/A/nominations/new", data={
        "channel": "joint", "owner_id": str(nominee), "cosigner_ids": [str(s) for s in chosen], "statement": "x"})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert count(Nomination) == 0 and count(Cosigner) == 0


def test_the_rule_sets_default_minimum_of_cosigners_applies(app, world, users, person, frozen_clock):
    frozen_clock(NOON)
    with app.app_context():
        compound = db.session.get(Compound, world.a)
        operations.open_list(compound, seats=5, on=TODAY)
        with pytest.raises(operations.NominationError, match="少于规则要求的 5 人"):
            operations.nominate(compound, channel="joint", owner_id=person("赵喆"), statement="x",
                                cosigner_owner_ids=[person("张三"), person("李四"), person("钱堃")])


@pytest.mark.parametrize("channel, label", [("party", "社区党组织推荐"), ("community", "社区（居委会）推荐")])
def test_organisations_recommend_candidates(app, client, login_as, collecting, person, channel, label):
    login_as("organiser")
    with app.app_context():
        nominee = person("张三")
    missing = client.post("/compounds/A/nominations/new", data={"channel": channel, "owner_id": str(nominee),
                                                                "statement": "推荐"})
    assert missing.status_code == 400 and "请填写推荐组织的名称" in missing.get_data(as_text=True)
    response = client.post("/compounds/A/nominations/new", data={
        "channel": channel, "owner_id": str(nominee), "statement": "推荐", "recommended_by": "测试社区党委",
        "is_party_member": "y"})
    assert response.status_code == 302
    with app.app_context():
        nomination = db.session.scalar(db.select(Nomination))
        assert nomination.channel == channel and nomination.recommended_by == "测试社区党委"
        assert nomination.channel_label == label


def test_a_nominee_must_be_on_the_roll_and_nominated_once(app, client, login_as, collecting, person):
    login_as("organiser")
    with app.app_context():
        outsider, nominee, co_owner = person("张三", compound="b"), person("李四"), person("王芳")
    page = client.post("/compounds/A/nominations/new", data={"channel": "self", "owner_id": str(outsider),
                                                             "statement": "x"})
    assert page.status_code == 400 and "被推荐人不在本小区业主名册中" in page.get_data(as_text=True)
    assert client.post("/compounds/A/nominations/new", data={"channel": "self", "owner_id": str(nominee),
                                                             "statement": "x"}).status_code == 302
    again = client.post("/compounds/A/nominations/new", data={"channel": "self", "owner_id": str(co_owner),
                                                              "statement": "x"})
    assert again.status_code == 400 and "同一表决权人只能作为一名候选人" in again.get_data(as_text=True)
    with app.app_context():
        assert count(Nomination) == 1


def test_nominations_are_refused_before_the_list_is_opened(app, client, login_as, compound_a, person):
    login_as("organiser")
    with app.app_context():
        nominee = person("李四")
    page = client.post("/compounds/A/nominations/new", data={"channel": "self", "owner_id": str(nominee),
                                                             "statement": "x"})
    assert page.status_code == 400 and "尚未开始收集" in page.get_data(as_text=True)


# --------------------------------------------------------------------------- documents


def test_documents_are_checked_by_content_and_size(app, client, login_as, collecting, person):
    login_as("organiser")
    with app.app_context():
        nominee = person("李四")
    fake = client.post("/compounds/A/nominations/new", data={
        "channel": "self", "owner_id": str(nominee), "statement": "x",
        "documents": [(io.BytesIO(PNG), "ok.png"), (io.BytesIO(b"MZ\x90 not a pdf"), "virus.pdf")]},
        content_type="multipart/form-data")
    assert fake.status_code == 400 and "不是 PDF、JPEG 或 PNG 文件" in fake.get_data(as_text=True)
    with app.app_context():
        assert count(Nomination) == 0 and count(NominationDocument) == 0
    app.config["UPLOAD_MAX_BYTES"] = 100
    big = client.post("/compounds/A/nominations/new", data={
        "channel": "self", "owner_id": str(nominee), "statement": "x",
        "documents": [(io.BytesIO(PDF + b" " * 200), "big.pdf")]}, content_type="multipart/form-data")
    assert big.status_code == 400 and "超过" in big.get_data(as_text=True)
    app.config["UPLOAD_MAX_BYTES"] = 10 * 1024 * 1024
    ok = client.post("/compounds/A/nominations/new", data={
        "channel": "self", "owner_id": str(nominee), "statement": "x",
        "documents": [(io.BytesIO(PDF), "证明.pdf"), (io.BytesIO(b"\xff\xd8\xff\xe0jpeg"), "photo.jpg")]},
        content_type="multipart/form-data")
    assert ok.status_code == 302
    with app.app_context():
        nomination = db.session.scalar(db.select(Nomination))
        documents = {d.filename: d for d in nomination.documents}
        assert {d.content_type for d in documents.values()} == {"application/pdf", "image/jpeg"}
        nomination_id, document_id = nomination.id, documents["证明.pdf"].id
    download = client.get(f"/compounds/A/nominations/{nomination_id}/documents/{document_id}")
    assert download.status_code == 200 and download.data == PDF
    download.close()
    more = client.post(f"/compounds/A/nominations/{nomination_id}/documents",
                       data={"documents": [(io.BytesIO(PNG), "more.png")]}, content_type="multipart/form-data")
    assert more.status_code == 302
    with app.app_context():
        assert count(NominationDocument) == 3


# --------------------------------------------------------------------------- vetting


def test_the_checklist_comes_from_the_rule_set_and_decides_eligibility(app, client, login_as, collecting,
                                                                       compound_a, users, person):
    with app.app_context():
        nomination_id = nominate(compound_a, users, person, "李四").id
        conditions = util.conditions(compound_a())
        db.session.commit()
    assert len(conditions) == 13  # 7 national conditions + 6 Chengdu disqualifications
    login_as("organiser")
    page = client.get(f"/compounds/A/nominations/{nomination_id}").get_data(as_text=True)
    assert "无犯罪记录" in page and "还有 12 项未审查" in page
    data = {f"status_{c.key}": "met" for c in conditions}
    data["status_no_unpaid_fees"] = "not_met"
    refused = client.post(f"/compounds/A/nominations/{nomination_id}/checks", data=data, follow_redirects=True)
    assert "须写明理由" in refused.get_data(as_text=True)
    data["note_no_unpaid_fees"] = "欠缴物业费 2 年"
    client.post(f"/compounds/A/nominations/{nomination_id}/checks", data=data)
    page = client.get(f"/compounds/A/nominations/{nomination_id}").get_data(as_text=True)
    assert "不符合条件" in page and "无欠缴物业费、专项维修资金（不符合）" in page and "欠缴物业费 2 年" in page
    data["status_no_unpaid_fees"] = "met"
    client.post(f"/compounds/A/nominations/{nomination_id}/checks", data=data)
    with app.app_context():
        nomination = db.session.get(Nomination, nomination_id)
        assert util.decision(nomination, conditions).is_eligible
        check = next(c for c in nomination.checks if c.condition_key == "no_unpaid_fees")
        assert check.reviewed_by.username == "organiser" and check.status == "met"
        entries = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "nomination.vet")).all()
        assert len(entries) == 2  # the refused post wrote nothing
    assert "符合条件（全部必备条件均符合）" in client.get(f"/compounds/A/nominations/{nomination_id}").get_data(as_text=True)


def test_finishing_the_vetting_needs_a_round_and_every_item_decided(app, client, login_as, collecting, compound_a,
                                                                    users, person):
    with app.app_context():
        good = nominate(compound_a, users, person, "李四")
        bad_id = nominate(compound_a, users, person, "张三").id
        vet_all(good, users)
        operations.close_nominations(compound_a(), on=TODAY)
        db.session.commit()
    login_as("organiser")
    assert "至少一轮资格审查" in client.post("/compounds/A/nominations/vetted",
                                        follow_redirects=True).get_data(as_text=True)
    client.post("/compounds/A/nominations/rounds", data={"vetted_on": "2026-11-26", "reviewers": "换届小组、派出所",
                                                         "note": "初审"})
    assert "张三 还有未审查的项目" in client.post("/compounds/A/nominations/vetted",
                                            follow_redirects=True).get_data(as_text=True)
    with app.app_context():
        vet_all(db.session.get(Nomination, bad_id), users, status="not_met")
        db.session.commit()
    client.post("/compounds/A/nominations/vetted")
    with app.app_context():
        candidate_list = util.current_list(compound_a())
        assert candidate_list.vetted_on == TODAY and candidate_list.rounds[0].reviewers == "换届小组、派出所"
        assert [n.nominee_name for n in util.candidates(candidate_list, util.conditions(compound_a()))] == ["李四"]


def test_a_vetting_round_in_the_future_is_refused(app, client, login_as, collecting):
    login_as("organiser")
    page = client.post("/compounds/A/nominations/rounds", data={"vetted_on": "2026-12-30", "reviewers": "x"},
                       follow_redirects=True)
    assert "不能晚于今天" in page.get_data(as_text=True)


# --------------------------------------------------------------------------- the notice, objections, finalising


def test_the_list_is_posted_with_an_objection_period_from_the_day_after_posting(app, client, posted, compound_a):
    with app.app_context():
        candidate_list = util.current_list(compound_a())
        assert candidate_list.state == "posted" and util.candidate_list_state(compound_a()) == "posted"
        assert candidate_list.objection_ends_on == date(2026, 12, 3)  # the posting day 11-26 is not counted
        notice = db.session.get(Notice, candidate_list.notice_id)
        assert notice.kind == "candidate_list" and notice.publicity_ends_on == date(2026, 12, 3)
        assert notice.source_type == "candidate_list" and notice.pdf.startswith(b"%PDF")
        assert "异议期：2026-11-26张贴，当日不计入，至 2026-12-03 24时止" in notice.body
        notice_id = notice.id
    board = client.get("/board/A").get_data(as_text=True)
    assert "候选人名单公示" in board
    assert client.get(f"/board/A/notices/{notice_id}.pdf").status_code == 200


def lodge(client, text="张三欠缴物业费", nomination_id=0):
    return client.post("/compounds/A/candidates/objections", data={"nomination_id": str(nomination_id), "text": text},
                       follow_redirects=True).get_data(as_text=True)


def test_objections_are_received_from_posting_until_the_end_of_the_last_day(app, client, login_as, posted, frozen_clock):
    login_as("owner")
    assert "您的异议已提交" in lodge(client)  # the posting day
    frozen_clock(NOON + timedelta(days=7))  # 2026-12-03, the last day (posted 11-26, not counted: CC art 201)
    assert "您的异议已提交" in lodge(client, "第二条")
    frozen_clock(NOON + timedelta(days=8))  # 2026-12-04
    assert "现在不能提出异议" in lodge(client, "第三条")
    with app.app_context():
        objections = db.session.scalars(db.select(Objection)).all()
        assert [o.text for o in objections] == ["张三欠缴物业费", "第二条"]
        assert {o.voter.display_name for o in objections} == {"赵喆"}


def test_an_objection_names_a_candidate_on_the_list(app, client, login_as, posted):
    with app.app_context():
        nomination_id = db.session.scalar(db.select(Nomination.id).where(Nomination.nominee_name == "张三"))
    login_as("owner")
    page = client.get("/compounds/A/candidates").get_data(as_text=True)
    assert "张三" in page and "提出异议" in page and "1/2" not in page
    lodge(client, "针对张三", nomination_id)
    assert "请选择名单上的候选人" in lodge(client, "乱写", 987654)
    with app.app_context():
        assert db.session.scalar(db.select(Objection)).nomination_id == nomination_id


def test_the_list_cannot_be_finalised_early_or_with_an_unanswered_objection(app, client, login_as, posted,
                                                                         frozen_clock, compound_a):
    login_as("owner")
    lodge(client)
    login_as("organiser")
    frozen_clock(NOON + timedelta(days=7))
    assert "尚未届满" in client.post("/compounds/A/nominations/finalise", follow_redirects=True).get_data(as_text=True)
    frozen_clock(NOON + timedelta(days=8))
    assert "1 条异议未答复" in client.post("/compounds/A/nominations/finalise",
                                       follow_redirects=True).get_data(as_text=True)
    with app.app_context():
        assert util.finalised_candidates(compound_a()) == []
        objection_id = db.session.scalar(db.select(Objection.id))
    client.post(f"/compounds/A/nominations/objections/{objection_id}/answer",
                data={"outcome": "dismissed", "answer": "经核实已缴清"})
    assert "候选人名单已确定" in client.post("/compounds/A/nominations/finalise",
                                       follow_redirects=True).get_data(as_text=True)
    with app.app_context():
        assert util.candidate_list_state(compound_a()) == "final"
        finals = util.finalised_candidates(compound_a())
        assert [(c.name, c.channel, c.is_party_member) for c in finals] == [("张三", "party", True),
                                                                             ("赵喆", "community", False)]
        objection = db.session.get(Objection, objection_id)
        assert objection.answered_by.username == "organiser" and objection.is_upheld is False
        final = db.session.scalar(db.select(Notice).where(Notice.title == "甲小区业主委员会候选人正式名单"))
        # the board is public: names masked (PIPL)
        assert final.posted_on == date(2026, 12, 4) and "1. 张*（" in final.body and final.pdf.startswith(b"%PDF")
        assert "张三" not in final.body
    login_as("owner")
    assert "经核实已缴清" in client.get("/compounds/A/candidates").get_data(as_text=True)


def test_a_withdrawal_needs_a_reason_and_reposts_the_list(app, client, login_as, posted, compound_a):
    with app.app_context():
        nomination_id = db.session.scalar(db.select(Nomination.id).where(Nomination.nominee_name == "赵喆"))
        old_notice = util.current_list(compound_a()).notice_id
    login_as("organiser")
    page = client.post(f"/compounds/A/nominations/{nomination_id}/withdraw", data={"reason": " "},
                       follow_redirects=True).get_data(as_text=True)
    assert "请写明撤回的理由" in page
    client.post(f"/compounds/A/nominations/{nomination_id}/withdraw", data={"reason": "工作调动，本人申请退出"})
    with app.app_context():
        nomination = db.session.get(Nomination, nomination_id)
        assert nomination.withdrawn_on == TODAY and nomination.withdrawn_reason == "工作调动，本人申请退出"
        assert db.session.get(Notice, old_notice).superseded_reason == "候选人赵*退出：工作调动，本人申请退出"
        candidate_list = util.current_list(compound_a())
        assert candidate_list.notice_id != old_notice
        assert [n.nominee_name for n in util.candidates(candidate_list, util.conditions(compound_a()))] == ["张三"]


def test_the_candidate_list_pdf_lists_candidates_composition_and_period(app, client, login_as, posted, compound_a):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not installed")
    login_as("mentor")
    response = client.get("/compounds/A/nominations/list.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.data, capture_output=True,
                          check=True).stdout.decode("utf-8")
    flat = "".join(text.split())
    for expected in ("甲小区", "业主委员会候选人名单公示", "张三（中共党员）", "赵喆", "社区党组织推荐（测试社区党委）",
                     "委员名额：5名", "候选人：2人", "候选人与名额之比：0.40", "其中中共党员：1人",
                     "异议期：2026-11-26张贴（当日不计入，民法典第201条）至2026-12-0324时止", "第1轮2026-11-26（换届小组、派出所）",
                     "《业主大会和业主委员会指导规则》第三十一条", "无犯罪记录"):
        assert expected in flat, expected


# --------------------------------------------------------------------------- procedure, permissions, interface


def test_closing_vetting_and_finalising_complete_the_procedures_steps(app, posted, compound_a, users, frozen_clock,
                                                                      monkeypatch):
    calls = []
    monkeypatch.setattr(operations, "complete_procedure_action",
                        lambda compound, action, **kw: calls.append((compound.code, action, kw["on"])))
    frozen_clock(NOON + timedelta(days=8))
    with app.app_context():
        operations.finalise(compound_a(), on=clock.today(), actor=users("organiser"))
    assert calls == [("A", "candidate_list", date(2026, 12, 4))]


def test_each_step_action_is_reported_to_the_procedure(app, collecting, compound_a, users, person, monkeypatch):
    calls = []
    monkeypatch.setattr(operations, "complete_procedure_action",
                        lambda compound, action, **kw: calls.append(action))
    with app.app_context():
        vet_all(nominate(compound_a, users, person, "李四"), users)
        operations.close_nominations(compound_a(), on=TODAY)
        operations.record_round(compound_a(), vetted_on=TODAY, reviewers="换届小组")
        operations.finish_vetting(compound_a(), on=TODAY)
    assert calls == ["nominations", "vetting"]


def test_a_refused_procedure_step_refuses_the_action(app, collecting, compound_a, users, person, monkeypatch):
    def refuse(compound, action, **kw):
        raise operations.NominationError("程序步骤未能完成：R4_roll_notice 尚未完成")
    monkeypatch.setattr(operations, "complete_procedure_action", refuse)
    with app.app_context():
        nominate(compound_a, users, person, "李四")
        with pytest.raises(operations.NominationError, match="R4_roll_notice"):
            operations.close_nominations(compound_a(), on=TODAY)
        assert util.current_list(compound_a()).closed_on is None


def test_roles_see_and_do_what_their_scope_allows(app, client, login_as, collecting, compound_a, users, person):
    with app.app_context():
        nomination_id = nominate(compound_a, users, person, "李四").id
        db.session.commit()
    for role in ("mentor", "officer", "community_officer", "admin"):
        login_as(role)
        assert client.get("/compounds/A/nominations").status_code == 200
        assert client.get(f"/compounds/A/nominations/{nomination_id}").status_code == 200
    login_as("mentor")
    page = client.get("/compounds/A/nominations").get_data(as_text=True)
    assert "截止推荐" not in page and "登记推荐" not in page
    assert client.post("/compounds/A/nominations/close").status_code == 403
    assert client.post(f"/compounds/A/nominations/{nomination_id}/withdraw", data={"reason": "x"}).status_code == 403
    login_as("owner")
    assert client.get("/compounds/A/nominations").status_code == 403
    assert client.get("/compounds/A/candidates").status_code == 200
    login_as("other_owner")
    assert client.get("/compounds/A/candidates/nominate").status_code == 403
    login_as("other_organiser")
    assert client.post("/compounds/A/nominations/close").status_code == 403
    login_as("organiser")
    assert "截止推荐" in client.get("/compounds/A/nominations").get_data(as_text=True)
    with app.app_context():
        assert util.current_list(compound_a()).state == "collecting"


def test_another_compounds_nomination_is_not_found(app, client, login_as, world, users, person, frozen_clock):
    frozen_clock(NOON)
    with app.app_context():
        compound_b = db.session.get(Compound, world.b)
        operations.open_list(compound_b, seats=5, on=TODAY)
        nomination = operations.nominate(compound_b, channel="self", owner_id=person("李四", compound="b"),
                                         statement="x")
        db.session.commit()
        nomination_id = nomination.id
    login_as("organiser")
    assert client.get(f"/compounds/A/nominations/{nomination_id}").status_code == 404
    assert client.post(f"/compounds/A/nominations/{nomination_id}/withdraw", data={"reason": "x"}).status_code == 404
    login_as("other_organiser")
    assert client.get(f"/compounds/B/nominations/{nomination_id}").status_code == 200


def test_pages_render_at_every_stage(app, client, login_as, posted, compound_a):
    login_as("organiser")
    page = client.get("/compounds/A/nominations").get_data(as_text=True)
    assert "名单公示中" in page and "确定候选人名单" in page and "候选人与名额之比" in page
    assert "1/2" in page  # the Chengdu Party-member guideline, as information
    compound_page = client.get("/compounds/A").get_data(as_text=True)
    assert "候选人推荐与资格审查" in compound_page and "异议期至 2026-12-03" in compound_page
    login_as("owner")
    assert "候选人与自荐" in client.get("/compounds/A").get_data(as_text=True)


def test_the_demo_seeder_collects_nominations_for_zhongtie(app, runner):
    with app.app_context():  # `flask` pushes one for every command; the test runner does not
        result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        compound = db.session.scalar(db.select(Compound).where(Compound.name == "中铁一期"))
        candidate_list = util.current_list(compound)
        assert candidate_list.state == "collecting" and len(candidate_list.nominations) == 4
        assert {n.channel for n in candidate_list.nominations} == {"self", "joint", "party", "community"}
        conditions = util.conditions(compound)
        assert sum(util.decision(n, conditions).is_eligible for n in candidate_list.nominations) == 1


def test_the_organisers_page_needs_the_same_queries_however_many_nominations(app, client, login_as, posted,
                                                                            compound_a, users, person):
    from sqlalchemy import event

    def queries_for(url):
        with app.app_context():
            statements = []
            listener = lambda *args: statements.append(args[2])  # noqa: E731
            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                assert client.get(url).status_code == 200
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    login_as("owner")
    lodge(client, "第一条")
    login_as("organiser")
    before = queries_for("/compounds/A/nominations")
    with app.app_context():
        candidate_list = util.current_list(compound_a())
        candidate_list.posted_on = candidate_list.objection_ends_on = candidate_list.notice_id = None
        candidate_list.closed_on = candidate_list.vetted_on = None
        db.session.commit()
        vet_all(nominate(compound_a, users, person, "李四", channel="joint",
                         cosigner_owner_ids=[person("钱堃"), person("赵喆")]), users)
        candidate_list = util.current_list(compound_a())
        candidate_list.closed_on = candidate_list.vetted_on = candidate_list.posted_on = TODAY
        candidate_list.objection_ends_on = TODAY
        db.session.commit()
    login_as("owner")
    lodge(client, "第二条")
    login_as("organiser")
    assert queries_for("/compounds/A/nominations") == before


def test_an_owner_lands_on_their_compounds_candidates(app, client, login_as, collecting):
    login_as("owner")
    assert client.get("/candidates").headers["Location"].endswith("/compounds/A/candidates")
    assert "候选人与自荐" in client.get("/compounds/A").get_data(as_text=True)  # owners land on their compound
    assert "我要自荐" in client.get("/compounds/A/candidates").get_data(as_text=True)


def test_the_whole_story_through_the_ui(app, client, login_as, compound_a, person, frozen_clock):
    """Open nominations, nominate through every channel, vet, post, answer an objection, finalise."""
    frozen_clock(NOON)
    with app.app_context():
        ids = {name: person(name) for name in ("张三", "李四", "赵喆", "钱堃")}
        conditions = util.conditions(compound_a())
    login_as("organiser")
    client.post("/compounds/A/nominations/open", data={"seats": "5"})
    login_as("owner")
    assert client.post("/compounds/A/candidates/nominate", data={
        "owner_id": str(ids["赵喆"]), "statement": "自荐"}).status_code == 302
    login_as("organiser")
    for data in ({"channel": "joint", "owner_id": ids["李四"], "cosigner_ids": [ids["张三"], ids["钱堃"]]},
                 {"channel": "party", "owner_id": ids["张三"], "recommended_by": "社区党委", "is_party_member": "y"},
                 {"channel": "community", "owner_id": ids["钱堃"], "recommended_by": "居委会"}):
        assert client.post("/compounds/A/nominations/new", data={**data, "statement": "推荐"}).status_code == 302
    with app.app_context():
        nominations = {n.nominee_name: n.id for n in db.session.scalars(db.select(Nomination))}
    assert len(nominations) == 4
    client.post("/compounds/A/nominations/close")
    client.post("/compounds/A/nominations/rounds", data={"vetted_on": "2026-11-26", "reviewers": "换届小组"})
    client.post("/compounds/A/nominations/rounds", data={"vetted_on": "2026-11-26", "reviewers": "社区、派出所"})
    for name, nomination_id in nominations.items():
        data = {f"status_{c.key}": "met" for c in conditions}
        if name == "钱堃":
            data.update(status_no_criminal_record="not_met", note_no_criminal_record="派出所回函")
        client.post(f"/compounds/A/nominations/{nomination_id}/checks", data=data)
    client.post("/compounds/A/nominations/vetted")
    client.post("/compounds/A/nominations/post")
    assert "名单公示中" in client.get("/compounds/A/nominations").get_data(as_text=True)
    login_as("owner")
    lodge(client, "李四长期不在小区居住", nominations["李四"])
    login_as("organiser")
    with app.app_context():
        objection_id = db.session.scalar(db.select(Objection.id))
    client.post(f"/compounds/A/nominations/objections/{objection_id}/answer",
                data={"outcome": "dismissed", "answer": "经核实李四常住本小区"})
    frozen_clock(NOON + timedelta(days=8))
    client.post("/compounds/A/nominations/finalise")
    with app.app_context():
        assert util.candidate_list_state(compound_a()) == "final"
        assert sorted(c.name for c in util.finalised_candidates(compound_a())) == ["张三", "李四", "赵喆"]
        actions = [e.action for e in db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.seq))]
        for action in ("candidate_list.open", "nomination.create", "candidate_list.close", "nomination.vet",
                       "candidate_list.vetting_round", "candidate_list.vetted", "candidate_list.post",
                       "candidate_list.objection", "candidate_list.objection_answer", "candidate_list.finalise"):
            assert action in actions, action


def test_the_database_keeps_one_standing_nomination_per_voter(app, collecting, compound_a, users, person):
    from sqlalchemy.exc import IntegrityError
    with app.app_context():
        first = nominate(compound_a, users, person, "李四")
        db.session.commit()
        twin = Nomination(candidate_list_id=first.candidate_list_id, compound_id=first.compound_id,
                          voter_id=first.voter_id, nominee_name="王芳", channel="self")
        db.session.add(twin)
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
        operations.withdraw(db.session.get(Nomination, first.id), reason="本人放弃", on=TODAY)
        again = nominate(compound_a, users, person, "王芳")
        db.session.commit()
        assert again.voter_id == first.voter_id


def test_a_list_without_candidates_is_not_posted(app, collecting, compound_a, users, person):
    with app.app_context():
        nomination = nominate(compound_a, users, person, "李四")
        vet_all(nomination, users)
        operations.close_nominations(compound_a(), on=TODAY)
        operations.record_round(compound_a(), vetted_on=TODAY, reviewers="换届小组")
        operations.finish_vetting(compound_a(), on=TODAY)
        operations.withdraw(nomination, reason="本人放弃", on=TODAY)
        with pytest.raises(operations.NominationError, match="没有候选人"):
            operations.post_list(compound_a(), on=TODAY)
        assert db.session.scalar(db.select(db.func.count(Notice.id)).where(Notice.kind == "candidate_list")) == 0


@pytest.mark.parametrize("url, data", [
    ("/compounds/A/nominations/new", {"channel": "self", "owner_id": "abc", "statement": "x"}),
    ("/compounds/A/nominations/new", {"channel": "joint", "owner_id": "1", "cosigner_ids": ["x", "1"], "statement": "x"}),
    ("/compounds/A/nominations/new", {"channel": "bogus", "owner_id": "1", "statement": "x"}),
    ("/compounds/A/nominations/new", {"channel": "self", "owner_id": "1", "statement": "x" * 3000}),
    ("/compounds/A/nominations/open", {"seats": "abc"}),
    ("/compounds/A/nominations/rounds", {"vetted_on": "2026-13-45", "reviewers": "x"}),
    ("/compounds/A/nominations/objections/abc/answer", {"answer": "x"}),
])
def test_bad_input_is_refused_without_a_500(app, client, login_as, collecting, url, data):
    login_as("organiser")
    response = client.post(url, data=data)
    assert response.status_code in (302, 400, 404)
    with app.app_context():
        assert count(Nomination) == 0


def test_an_owners_bad_input_is_refused_without_a_500(app, client, login_as, posted):
    login_as("owner")
    assert client.post("/compounds/A/candidates/objections", data={"nomination_id": "abc", "text": "x"}).status_code == 302
    assert client.post("/compounds/A/candidates/nominate", data={"owner_id": "abc", "statement": "x"}).status_code == 400
    with app.app_context():
        assert count(Objection) == 0


def test_a_withdrawal_after_finalising_replaces_the_final_notice(app, posted, compound_a, users, frozen_clock):
    frozen_clock(NOON + timedelta(days=8))
    with app.app_context():
        candidate_list = operations.finalise(compound_a(), on=clock.today(), actor=users("organiser"))
        final_id, posted_id = candidate_list.final_notice_id, candidate_list.notice_id
        nomination = next(n for n in candidate_list.nominations if n.nominee_name == "赵喆")
        operations.withdraw(nomination, reason="搬离小区", on=clock.today(), actor=users("organiser"))
        db.session.commit()
        assert db.session.get(Notice, final_id).superseded_reason == "候选人赵*退出：搬离小区"
        assert db.session.get(Notice, posted_id).is_current  # the posted list stays as the record of the period
        replacement = db.session.get(Notice, util.current_list(compound_a()).final_notice_id)
        assert "赵*" not in replacement.body and "1. 张*（" in replacement.body
        assert [c.name for c in util.finalised_candidates(compound_a())] == ["张三"]
