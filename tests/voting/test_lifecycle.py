"""A vote's life: guarded transitions, the procedure gate, the roll lock, letters with
codes and QR, the count record and result notice PDFs, the public ballot box, and who
may do what."""
from datetime import datetime
import re
import shutil
import subprocess

import pytest

from committee_app.extensions import db
from committee_app.notices.models import Notice
from committee_app.registry import operations as registry
from committee_app.registry.models import Compound
from committee_app.voting import integration, operations
from committee_app.voting.models import Ballot, Vote

from tests.conftest import SMALL_ROLL, login
from tests.jobs.helpers import document

from .conftest import cast, voter_id

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_pages(data: bytes, tmp_path) -> int:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def test_transitions_refuse_illegal_moves(app, world, election):
    vote_id = election(open=False)
    with app.app_context():
        vote = db.session.get(Vote, vote_id)
        compound = db.session.get(Compound, world.a)
        for move in (operations.close_vote, operations.count_vote):
            with pytest.raises(operations.VotingError):
                move(vote, compound)
        operations.open_vote(vote, compound, enforce_gate=False)
        with pytest.raises(operations.VotingError):
            operations.open_vote(vote, compound, enforce_gate=False)
        with pytest.raises(operations.VotingError):
            operations.add_candidate(vote, name="丁")
        operations.close_vote(vote, compound)
        operations.count_vote(vote, compound)
        assert vote.state == "counted" and vote.result["status"] == "quorum_not_met"
        with pytest.raises(operations.VotingError):
            operations.close_vote(vote, compound)


def test_an_election_without_candidates_cannot_open(app, world, election):
    vote_id = election(candidates=(), open=False)
    with app.app_context():
        with pytest.raises(operations.VotingError, match="没有候选人"):
            operations.open_vote(db.session.get(Vote, vote_id), db.session.get(Compound, world.a))


def test_the_vote_cannot_open_before_the_meeting_notice_has_stood(app, client, world, election, monkeypatch):
    vote_id = election(open=False)
    monkeypatch.setattr(integration, "vote_gate", lambda compound, opens_on: "会议通知公告未满15日（PMR art 14）")
    login(client, "organiser")
    page = client.post(f"/compounds/A/votes/{vote_id}/open", follow_redirects=True).get_data(as_text=True)
    assert "会议通知公告未满15日" in page
    with app.app_context():
        assert db.session.get(Vote, vote_id).state == "draft"


def test_the_roll_is_locked_while_a_vote_is_open(app, world, election):
    vote_id = election(open=False)
    with app.app_context():
        compound = db.session.get(Compound, world.a)
        registry.import_roll(compound, "roll.csv", SMALL_ROLL)  # a draft vote does not lock it
        vote = db.session.get(Vote, vote_id)
        operations.open_vote(vote, compound, enforce_gate=False)
        db.session.commit()
        with pytest.raises(registry.RegistryError, match="名册已锁定"):
            registry.import_roll(compound, "roll.csv", SMALL_ROLL)
        db.session.rollback()
        operations.close_vote(vote, compound)
        db.session.commit()
        assert registry.import_roll(compound, "roll.csv", SMALL_ROLL).number == 3  # a closed vote keeps version 2


@needs_poppler
def test_voter_letters_print_one_page_per_voter_with_a_working_code(app, client, world, election, tmp_path):
    vote_id = election()
    login(client, "organiser")
    response = document(app, client, client.post(f"/compounds/A/votes/{vote_id}/letters-job"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert pdf_pages(response.data, tmp_path) == 5
    text = pdf_text(response.data, tmp_path)
    assert "业主表决通知书" in text and "赵喆" in text and "李四、王芳" in text
    codes = re.findall(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", text)
    assert len(set(codes)) == 5
    assert f"/ballot/{vote_id}?code=" in text
    client.post("/logout")
    page = client.get(f"/ballot/{vote_id}?code={codes[0]}").get_data(as_text=True)
    assert "投票人" in page and "投票码不正确" not in page
    # printing again issues nothing (letters go once per voter): the delivered code still works
    login(client, "organiser")
    again = client.post(f"/compounds/A/votes/{vote_id}/letters-job", follow_redirects=True)
    assert again.mimetype == "text/html" and "通知书只发一次" in again.get_data(as_text=True)
    client.post("/logout")
    assert "投票码不正确" not in client.get(f"/ballot/{vote_id}?code={codes[0]}").get_data(as_text=True)


@needs_poppler
def test_count_record_and_result_notice_on_the_board(app, client, world, election, tmp_path):
    vote_id = election(seats=1, candidates=("王建国", "李秀英"))
    with app.app_context():
        for name in ("张三", "李四", "赵喆", "developer"):
            cast(vote_id, name, candidates=["王建国"])
        db.session.commit()
    login(client, "organiser")
    client.post(f"/compounds/A/votes/{vote_id}/close")
    assert client.post(f"/compounds/A/votes/{vote_id}/count").status_code == 302
    record = document(app, client, client.post(f"/compounds/A/votes/{vote_id}/count-record-job"))
    text = pdf_text(record.data, tmp_path)
    assert "计票记录" in text and "王建国" in text and "595.75" in text and "民法典》第二百七十八条" in text and "CC art" not in text
    assert "当选" in text
    client.post(f"/compounds/A/votes/{vote_id}/result-notice")
    with app.app_context():
        notice = db.session.scalar(db.select(Notice).where(Notice.kind == "result_notice"))
        assert notice.source_type == "vote" and notice.source_id == vote_id
        notice_text = pdf_text(notice.pdf, tmp_path)
        notice_id = notice.id
    # the notice goes on the public board: the elected member's name is masked (PIPL)
    assert "表决结果公告" in notice_text and "当选：王*国" in notice_text.replace(" ", "")
    assert "王建国" not in notice_text
    client.post("/logout")
    assert "表决结果公告" in client.get("/board/A").get_data(as_text=True)
    notice_page = client.get(f"/board/A/notices/{notice_id}").get_data(as_text=True)
    assert "王*国" in notice_page and "王建国" not in notice_page
    assert client.get(f"/board/A/notices/{notice_id}.pdf").status_code == 200
    # posting twice is refused
    login(client, "organiser")
    client.post(f"/compounds/A/votes/{vote_id}/result-notice")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Notice.id)).where(Notice.kind == "result_notice")) == 1


def test_the_public_ballot_box_shows_receipts_and_choices_but_no_one(app, client, world, election):
    vote_id = election(seats=2, candidates=("王建国", "李秀英", "张伟"))
    with app.app_context():
        _ballot, receipt = cast(vote_id, "赵喆", candidates=["李秀英"])
        cast(vote_id, "张三", candidates=["王建国", "张伟"])
        db.session.commit()
    assert "投票截止后公开票箱才会显示选票" in client.get(f"/board/A/votes/{vote_id}").get_data(as_text=True)
    with app.app_context():
        vote = db.session.get(Vote, vote_id)
        operations.close_vote(vote, db.session.get(Compound, world.a))
        operations.count_vote(vote, db.session.get(Compound, world.a))
        db.session.commit()
    page = client.get(f"/board/A/votes/{vote_id}").get_data(as_text=True)
    assert "王*国、张*" in page and "李*英" in page  # candidates' names masked on a public page
    for name in ("赵喆", "张三", "李四", "1-202", "1-101", "王建国", "李秀英", "张伟"):
        assert name not in page
    found = client.get(f"/board/A/votes/{vote_id}?receipt={receipt.lower()}").get_data(as_text=True)
    assert "您的选票已计入" in found and "<b>李*英</b>" in found
    missing = client.get(f"/board/A/votes/{vote_id}?receipt=NOPE-NOPE").get_data(as_text=True)
    assert "没有找到这个回执码" in missing
    # another compound's URL with this vote id is not found
    assert client.get(f"/board/B/votes/{vote_id}").status_code == 404


def test_a_mentor_and_an_officer_read_the_count_but_cannot_change_a_ballot(app, client, world, motion):
    vote_id = motion()
    for role in ("mentor", "officer"):
        login(client, role)
        assert client.get(f"/compounds/A/votes/{vote_id}/count").status_code == 200
        response = client.post(f"/compounds/A/votes/{vote_id}/paper", data={
            "building": "1栋", "unit": "1-202", "slot": "1", "counter_name": "x", "choice": "for"})
        assert response.status_code == 403
        assert client.post(f"/compounds/A/votes/{vote_id}/close").status_code == 403
        client.post("/logout")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Ballot.id))) == 0
        assert db.session.get(Vote, vote_id).state == "open"


def test_an_owner_never_sees_another_owners_ballot(app, client, world, motion):
    vote_id = motion()
    with app.app_context():
        cast(vote_id, "张三", choice="against")
        db.session.commit()
    login(client, "owner")
    assert client.get(f"/compounds/A/votes/{vote_id}/count").status_code == 403
    assert client.get(f"/compounds/A/votes/{vote_id}/paper").status_code == 403
    page = client.get(f"/ballot/{vote_id}").get_data(as_text=True)
    assert "赵喆" in page and "张三" not in page and "您已经投过票了" not in page


def test_another_compounds_vote_id_is_not_found(app, client, world, election):
    vote_id = election()
    login(client, "admin")
    assert client.get(f"/compounds/B/votes/{vote_id}").status_code == 404
    assert client.get(f"/compounds/B/votes/{vote_id}/count").status_code == 404
    assert client.get(f"/compounds/A/votes/{vote_id}").status_code == 200


def test_the_non_voter_clause_is_flagged_and_not_applied(app, client, world, motion):
    vote_id = motion()
    with app.app_context():
        compound = db.session.get(Compound, world.a)
        compound.setting_overrides = {"non_voter_clause": True}
        cast(vote_id, "张三", choice="for")
        db.session.commit()
    login(client, "organiser")
    page = client.get(f"/compounds/A/votes/{vote_id}/count").get_data(as_text=True)
    assert 'id="non-voter-clause"' in page and "GR art 26" in page
    assert "参与表决未达法定比例" in page


def test_an_organiser_creates_an_election_and_adds_candidates_from_the_pages(app, client, world, frozen_clock):
    frozen_clock(datetime(2026, 11, 1, 2, 0))  # the vote starts a month later: after any notice period
    login(client, "organiser")
    response = client.post("/compounds/A/votes", data={"kind": "election", "title": "第三届选举", "seats": "3",
                                                       "is_by_election": "y",
                                                       "subject": "other", "matter": "ordinary",
                                                       "opens_at": "2026-12-01T08:00", "closes_at": "2026-12-03T20:00"})
    assert response.status_code == 302
    with app.app_context():
        vote = db.session.scalar(db.select(Vote))
        assert vote.seats == 3 and vote.opens_at.hour == 0  # 08:00 in Shanghai is 00:00 UTC
        vote_id = vote.id
    client.post(f"/compounds/A/votes/{vote_id}/candidates", data={"name": "甲", "statement": "为业主服务"})
    client.post(f"/compounds/A/votes/{vote_id}/candidates", data={"name": "甲"})
    page = client.get(f"/compounds/A/votes/{vote_id}").get_data(as_text=True)
    assert "为业主服务" in page and "已在名单中" in page
    bad = client.post("/compounds/A/votes", data={"kind": "election", "title": "x", "subject": "other",
                                                  "matter": "ordinary"})
    assert bad.status_code == 400 and "应选名额" in bad.get_data(as_text=True)


def test_finalised_candidates_come_from_nominations_when_it_is_there(app, world, election, monkeypatch):
    from collections import namedtuple

    Final = namedtuple("Final", "nomination_id voter_id name statement biography is_party_member channel")
    vote_id = election(candidates=("甲",), open=False)
    with app.app_context():
        compound = db.session.get(Compound, world.a)
        vid = voter_id(world.a, "赵喆")
        monkeypatch.setattr(integration, "finalised_candidates", lambda c: [
            Final(11, vid, "赵喆", "陈述", "简介", True, "self"), Final(12, None, "甲", "", "", False, "party")])
        added = operations.add_finalised_candidates(db.session.get(Vote, vote_id), compound)
        db.session.commit()
        vote = db.session.get(Vote, vote_id)
        assert added == 1 and [c.name for c in vote.candidates] == ["甲", "赵喆"]
        assert vote.candidates[1].nomination_id == 11 and vote.candidates[1].voter_id == vid


@needs_poppler
def test_the_ballot_paper_lists_the_candidates_and_the_limit(app, client, world, election, motion, tmp_path):
    vote_id, motion_id = election(seats=2), motion(matter="special")
    login(client, "mentor")
    text = pdf_text(client.get(f"/compounds/A/votes/{vote_id}/ballot-paper.pdf").data, tmp_path)
    assert "表决票" in text and "甲" in text and "丙" in text and "最多选 2 人" in text and "业主签名" in text
    text = pdf_text(client.get(f"/compounds/A/votes/{motion_id}/ballot-paper.pdf").data, tmp_path)
    assert "特别事项" in text and "同意" in text and "弃权" in text


def test_the_result_notice_points_owners_to_the_public_ballot_box(app, client, world, motion):
    vote_id = motion()
    with app.app_context():
        cast(vote_id, "张三", choice="for")
        db.session.commit()
    login(client, "organiser")
    for step in ("close", "count", "result-notice"):
        client.post(f"/compounds/A/votes/{vote_id}/{step}")
    with app.app_context():
        notice = db.session.scalar(db.select(Notice).where(Notice.kind == "result_notice"))
        assert f"/board/A/votes/{vote_id}" in notice.body and "公开票箱" in notice.body
