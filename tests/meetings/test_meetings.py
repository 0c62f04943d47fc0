"""Committee meetings from agenda to posted decisions: the 7-day gate, requests, quorum, votes."""
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from committee_app.extensions import db
from committee_app.meetings import operations
from committee_app.meetings.models import CommitteeMeeting, MotionVote
from committee_app.notices.models import Notice
from committee_app.registry.models import Compound

from .conftest import TODAY


def _meeting(app, meeting_id):
    return db.session.get(CommitteeMeeting, meeting_id)


def test_an_agenda_posted_exactly_seven_days_ahead_passes_the_gate(app, client, login_as, committee_a):
    login_as("organiser")
    response = client.post("/compounds/A/meetings", data={
        "title": "十二月例会", "meeting_on": "2026-12-03", "agenda_posted_on": "2026-11-26",
        "agenda": "物业费催缴\n公共收益公示", "request_id": "0"})
    assert response.status_code == 302
    with app.app_context():
        meeting = db.session.scalar(select(CommitteeMeeting))
        assert not meeting.is_urgent and meeting.urgent_reason is None
        assert [item.title for item in meeting.agenda_items] == ["物业费催缴", "公共收益公示"]


def test_six_days_ahead_is_refused_with_the_rule_and_its_citation(app, client, login_as, committee_a):
    login_as("organiser")
    response = client.post("/compounds/A/meetings", data={
        "title": "十二月例会", "meeting_on": "2026-12-02", "agenda_posted_on": "2026-11-26",
        "agenda": "物业费催缴", "request_id": "0"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "7 日前" in page and "GR art 37-39" in page and "2026-11-25" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(CommitteeMeeting.id))) == 0


def test_an_urgent_meeting_sooner_needs_a_recorded_reason_and_is_flagged(app, client, login_as, committee_a):
    login_as("organiser")
    response = client.post("/compounds/A/meetings", data={
        "title": "紧急会议", "meeting_on": "2026-11-27", "agenda_posted_on": "2026-11-26",
        "agenda": "电梯故障抢修", "urgent_reason": "电梯困人，须立即决定申请应急维修资金", "request_id": "0"})
    assert response.status_code == 302
    with app.app_context():
        meeting = db.session.scalar(select(CommitteeMeeting))
        assert meeting.is_urgent and meeting.urgent_reason.startswith("电梯困人")
        from committee_app.meetings.util import urgent_meetings
        from committee_app.registry.models import Compound as C
        assert db.session.scalars(urgent_meetings(select(C))).all() == [meeting]
    page = client.get(f"/compounds/A/meetings/{meeting.id}").get_data(as_text=True)
    assert "紧急会议" in page and "电梯困人" in page


def test_a_meeting_needs_a_committee(app, world, frozen_clock):
    with app.app_context():
        with pytest.raises(operations.MeetingError, match="尚未登记业委会"):
            operations.create_meeting(db.session.get(Compound, world.a), title="会议", meeting_on=date(2026, 12, 30),
                                      agenda_posted_on=date(2026, 11, 1), agenda=["议题"])


def test_an_agenda_item_added_late_needs_an_urgent_reason(app, world, make_meeting):
    meeting_id = make_meeting(meeting_on=date(2026, 11, 30), agenda_posted_on=date(2026, 11, 20))
    with app.app_context():
        meeting, compound = _meeting(app, meeting_id), db.session.get(Compound, world.a)
        with pytest.raises(operations.MeetingError, match="GR art 37-39"):
            operations.add_agenda_item(meeting, compound, title="追加议题")
        operations.add_agenda_item(meeting, compound, title="追加议题", urgent_reason="物业合同下周到期")
        assert meeting.is_urgent and meeting.agenda_items[-1].posted_on == TODAY


def test_a_request_by_a_third_of_members_starts_a_seven_day_clock(app, client, login_as, committee_a):
    login_as("organiser")
    refused = client.post("/compounds/A/meetings/requests", data={
        "requested_on": "2026-11-24", "subject": "讨论物业合同续签", "member_ids": committee_a[:2]})
    assert refused.status_code == 400 and "至少 3 名" in refused.get_data(as_text=True)
    response = client.post("/compounds/A/meetings/requests", data={
        "requested_on": "2026-11-24", "subject": "讨论物业合同续签", "member_ids": committee_a[2:5]})
    assert response.status_code == 302
    page = client.get("/compounds/A/meetings").get_data(as_text=True)
    assert "2026-12-01" in page and "待召开" in page and "讨论物业合同续签" in page
    with app.app_context():
        from committee_app.meetings.models import MeetingRequest
        request_id = db.session.scalar(select(MeetingRequest.id))
    client.post("/compounds/A/meetings", data={
        "title": "应委员提议召开", "meeting_on": "2026-12-01", "agenda_posted_on": "2026-11-24",
        "agenda": "物业合同续签", "request_id": str(request_id)})
    assert "已按期召开" in client.get("/compounds/A/meetings").get_data(as_text=True)


def test_attendance_and_votes_decide_by_a_majority_of_all_members(app, client, login_as, make_meeting, committee_a):
    meeting_id = make_meeting()
    login_as("organiser")
    present = committee_a[:5]
    assert client.post(f"/compounds/A/meetings/{meeting_id}/attendance",
                       data={"member_ids": present}).status_code == 302
    client.post(f"/compounds/A/meetings/{meeting_id}/motions", data={"text": "同意续签物业合同", "agenda_item_id": "0"})
    with app.app_context():
        motion_id = _meeting(app, meeting_id).motions[0].id
    votes = {f"vote-{present[0]}": "for", f"vote-{present[1]}": "for", f"vote-{present[2]}": "for",
             f"vote-{present[3]}": "against", f"vote-{present[4]}": "abstain"}
    assert client.post(f"/compounds/A/meetings/{meeting_id}/motions/{motion_id}/votes", data=votes).status_code == 302
    page = client.get(f"/compounds/A/meetings/{meeting_id}").get_data(as_text=True)
    assert "出席过半数" in page and "同意 3，反对 1，弃权 1" in page and "未通过" in page
    votes[f"vote-{present[4]}"] = "for"
    client.post(f"/compounds/A/meetings/{meeting_id}/motions/{motion_id}/votes", data=votes)
    page = client.get(f"/compounds/A/meetings/{meeting_id}").get_data(as_text=True)
    assert "同意 4，反对 1，弃权 0" in page and "通过" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(MotionVote.id))) == 5


def test_three_present_is_no_quorum_and_nothing_is_decided(app, make_meeting, committee_a):
    meeting_id = make_meeting(present=committee_a[:3], motions=[("同意", {m: "for" for m in committee_a[:3]})])
    with app.app_context():
        meeting = _meeting(app, meeting_id)
        result = operations.result_of(meeting.motions[0], meeting)
        assert not result.quorum_met and not result.passed


def test_only_members_present_vote_and_no_proxies(app, make_meeting, committee_a):
    meeting_id = make_meeting(present=committee_a[:4])
    with app.app_context():
        meeting = _meeting(app, meeting_id)
        motion = operations.add_motion(meeting, text="同意")
        with pytest.raises(operations.MeetingError, match="委托"):
            operations.record_votes(motion, meeting, {committee_a[5]: "for"})
        with pytest.raises(operations.MeetingError):
            operations.record_votes(motion, meeting, {committee_a[0]: "maybe"})


def test_one_vote_per_member_per_motion_is_kept_by_the_database(app, make_meeting, committee_a):
    meeting_id = make_meeting(present=committee_a[:4], motions=[("同意", {committee_a[0]: "for"})])
    with app.app_context():
        motion_id = _meeting(app, meeting_id).motions[0].id
        db.session.add(MotionVote(motion_id=motion_id, member_id=committee_a[0], choice="against"))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_attendance_before_the_meeting_day_is_refused(app, make_meeting, committee_a):
    meeting_id = make_meeting(meeting_on=date(2026, 12, 10), agenda_posted_on=date(2026, 11, 26))
    with app.app_context():
        with pytest.raises(operations.MeetingError, match="尚未召开"):
            operations.record_attendance(_meeting(app, meeting_id), committee_a[:4])


def test_decisions_are_posted_to_the_public_board_and_the_deadline_is_tracked(app, client, login_as, make_meeting,
                                                                              committee_a):
    meeting_id = make_meeting(meeting_on=date(2026, 11, 20), present=committee_a[:4],
                              motions=[("同意公布公共收益", {m: "for" for m in committee_a[:4]})])
    login_as("organiser")
    page = client.get(f"/compounds/A/meetings/{meeting_id}").get_data(as_text=True)
    assert "已逾期未公告" in page and "2026-11-23" in page
    assert client.post(f"/compounds/A/meetings/{meeting_id}/decisions").status_code == 302
    page = client.get(f"/compounds/A/meetings/{meeting_id}").get_data(as_text=True)
    assert "逾期公告" in page
    board = client.get("/board/A").get_data(as_text=True)
    assert "业主委员会决定公告" in board
    with app.app_context():
        notice = db.session.scalar(select(Notice))
        assert notice.kind == "committee_decision" and "同意 4，反对 0，弃权 0：通过" in notice.body
        assert notice.source_type == "committee_meeting" and notice.source_id == meeting_id
    refused = client.post(f"/compounds/A/meetings/{meeting_id}/decisions")
    assert refused.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(Notice.id))) == 1


def test_decisions_posted_within_three_days_are_in_time(app, world, make_meeting, committee_a):
    meeting_id = make_meeting(meeting_on=date(2026, 11, 23), agenda_posted_on=date(2026, 11, 16),
                              present=committee_a[:4], motions=[("同意", {m: "for" for m in committee_a[:4]})])
    with app.app_context():
        meeting = _meeting(app, meeting_id)
        operations.post_decisions(meeting, db.session.get(Compound, world.a))
        from committee_app.meetings import checks
        due = operations.decisions_due_on(meeting, db.session.get(Compound, world.a))
        assert due == TODAY and checks.posting_status(due, meeting.decisions_posted_on, TODAY) == "in_time"


def test_another_compounds_meeting_is_not_found(app, client, login_as, make_meeting):
    meeting_id = make_meeting()
    login_as("other_organiser")
    assert client.get(f"/compounds/B/meetings/{meeting_id}").status_code == 404
    assert client.post(f"/compounds/B/meetings/{meeting_id}/attendance", data={}).status_code == 404
    login_as("admin")
    assert client.get(f"/compounds/B/meetings/{meeting_id}/minutes").status_code == 404
    assert client.get(f"/compounds/A/meetings/{meeting_id}").status_code == 200


@pytest.mark.parametrize("role, status", [("mentor", 200), ("officer", 200), ("community_officer", 200),
                                          ("organiser", 200), ("owner", 403), ("other_organiser", 403),
                                          ("outside_mentor", 403)])
def test_who_reads_meetings(client, login_as, make_meeting, role, status):
    meeting_id = make_meeting()
    login_as(role)
    assert client.get(f"/compounds/A/meetings/{meeting_id}").status_code == status


@pytest.mark.parametrize("role", ["mentor", "officer", "owner", "other_organiser"])
def test_only_the_organiser_acts(app, client, login_as, make_meeting, committee_a, role):
    meeting_id = make_meeting()
    login_as(role)
    assert client.post(f"/compounds/A/meetings/{meeting_id}/attendance",
                       data={"member_ids": committee_a[:4]}).status_code == 403
    with app.app_context():
        assert not _meeting(app, meeting_id).is_attendance_recorded


def test_oversight_findings_name_urgent_meetings_late_postings_and_missed_requests(app, world, make_meeting,
                                                                                   committee_a, frozen_clock):
    from committee_app.meetings.util import oversight_findings

    make_meeting(meeting_on=date(2026, 11, 18), agenda_posted_on=date(2026, 11, 15), urgent_reason="漏水抢修",
                 present=committee_a[:4], motions=[("同意抢修", {m: "for" for m in committee_a[:4]})])
    with app.app_context():
        compound = db.session.get(Compound, world.a)
        operations.record_request(compound, requested_on=date(2026, 11, 10), subject="讨论停车费",
                                  member_ids=committee_a[:3])
        db.session.commit()
        kinds = [(f["kind"], f["on"]) for f in oversight_findings(compound, TODAY)]
        assert kinds == [("request_overdue", date(2026, 11, 17)), ("urgent_meeting", date(2026, 11, 18)),
                         # day 3 after the meeting is Saturday 11-21: moved to Monday (CC art 203)
                         ("decisions_overdue", date(2026, 11, 23))]
        assert all("GR art 37-39" in f["citations"] for f in oversight_findings(compound, TODAY))


def test_the_meeting_page_says_how_its_deadlines_were_counted(client, login_as, make_meeting):
    meeting_id = make_meeting(meeting_on=date(2026, 11, 20), agenda_posted_on=date(2026, 11, 10))
    login_as("organiser")
    page = client.get(f"/compounds/A/meetings/{meeting_id}").get_data(as_text=True)
    # agenda at least 7 days before 11-20: latest 11-13; decisions within 3 days: 11-23 is a Monday
    assert "最迟应于 2026-11-13 告知" in page and "须在2026-11-20前至少7日" in page
    assert "2026-11-20当日不计入，自2026-11-21起算3日，最后一日为2026-11-23" in page
