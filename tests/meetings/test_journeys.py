"""The issue's story end to end through the pages, and list pages whose query count does not grow."""
import subprocess
from contextlib import contextmanager
from datetime import date

from sqlalchemy import event, select

from committee_app.extensions import db
from committee_app.meetings import operations
from committee_app.meetings.models import CommitteeMeeting, Proposal
from committee_app.notices.models import Notice
from committee_app.registry.models import Compound, Voter


def _text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return "".join(out.split())


def test_an_organiser_holds_a_meeting_from_agenda_to_locked_minutes(app, client, login_as, committee_a):
    login_as("organiser")
    assert client.post("/compounds/A/meetings", data={
        "title": "十一月例会", "meeting_on": "2026-11-26", "agenda_posted_on": "2026-11-19",
        "agenda": "物业服务合同续签", "location": "业委会办公室", "request_id": "0"}).status_code == 302
    with app.app_context():
        meeting = db.session.scalar(select(CommitteeMeeting))
        base, item_id = f"/compounds/A/meetings/{meeting.id}", meeting.agenda_items[0].id
    present = committee_a[:5]
    client.post(f"{base}/attendance", data={"member_ids": present})
    client.post(f"{base}/motions", data={"text": "同意按业主大会决定续签物业服务合同", "agenda_item_id": str(item_id)})
    with app.app_context():
        motion_id = db.session.scalar(select(CommitteeMeeting)).motions[0].id
    client.post(f"{base}/motions/{motion_id}/votes",
                data={f"vote-{m}": c for m, c in zip(present, ["for", "for", "for", "for", "abstain"])})
    client.post(f"{base}/decisions")
    client.post(f"{base}/minutes", data={"opening": "主持人：主任甲", f"item-{item_id}": "讨论续签条件", "other": ""})
    client.post(f"{base}/minutes", data={"opening": "主持人：主任甲", f"item-{item_id}": "讨论续签条件与价格", "other": ""})
    client.post(f"{base}/minutes/sign", data={"member_ids": present, "signed_on": "2026-11-26"})
    assert client.post(f"{base}/minutes/lock").status_code == 302
    page = client.get(f"{base}/minutes").get_data(as_text=True)
    assert "已锁定（第 2 版）" in page
    assert "已按期公告" in client.get(base).get_data(as_text=True)
    pdf = _text(client.get(f"{base}/minutes.pdf").data)
    assert "同意4票，反对0票，弃权1票" in pdf and "通过" in pdf and "已锁定" in pdf
    checklist = _text(client.get("/compounds/A/checklist.pdf?situation=before_service_contract").data)
    assert "签订物业服务合同前" in checklist and "《中华人民共和国民法典》第九百三十九条" in checklist and "CCart939" not in checklist


def test_an_owners_proposal_is_answered_and_posted(app, client, world, login_as):
    login_as("owner")
    client.post("/compounds/A/proposals", data={"title": "垃圾分类亭改造", "body": "分类亭漏雨。"})
    with app.app_context():
        proposal_id = db.session.scalar(select(Proposal.id))
    login_as("organiser")
    client.post(f"/compounds/A/proposals/{proposal_id}/decision", data={"decision": "同意，本月内维修。"})
    board = client.get("/board/A").get_data(as_text=True)
    assert "议题答复：垃圾分类亭改造" in board
    with app.app_context():
        assert db.session.scalar(select(Notice.kind)) == "proposal_decision"


@contextmanager
def _count_queries(app):
    with app.app_context():
        engine = db.engine
    counter = {"n": 0}

    def count(*_args):
        counter["n"] += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _queries(app, client, url):
    with _count_queries(app) as counter:
        assert client.get(url).status_code == 200
    return counter["n"]


def test_list_pages_do_not_grow_with_rows(app, client, world, login_as, make_meeting, committee_a):
    def add(n):
        with app.app_context():
            compound = db.session.get(Compound, world.a)
            voter = db.session.scalar(select(Voter).where(Voter.compound_id == world.a, Voter.display_name == "赵喆"))
            for i in range(n):
                operations.submit_proposal(compound, voter, title=f"议题{i}", body="内容")
                operations.create_meeting(compound, title=f"会议{i}", meeting_on=date(2026, 12, 20),
                                          agenda_posted_on=date(2026, 11, 20), agenda=["议题"])
            db.session.commit()

    login_as("organiser")
    # every page computed afresh (the data cache would answer the notification bell from the
    # first reading: what is counted here is whether the computation grows with the rows)
    app.extensions["datacache"]["enabled"] = False
    add(1)
    few = [_queries(app, client, url) for url in ("/compounds/A/meetings", "/compounds/A/proposals", "/compounds/A")]
    add(6)
    many = [_queries(app, client, url) for url in ("/compounds/A/meetings", "/compounds/A/proposals", "/compounds/A")]
    assert few == many
