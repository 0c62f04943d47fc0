"""A 议事会 deliberates: a motion is moved and seconded, speakers alternate, an amendment is
voted before the motion, and the minutes draft holds everything said and decided."""
from datetime import date, datetime, timedelta

import pytest

from committee_app import clock
from committee_app.deliberation import operations
from committee_app.deliberation.models import DeliberationSession
from committee_app.extensions import db
from committee_app.registry.models import Compound

PRESENT = "王德明\n赵秀英\n孙丽\n陈志华\n刘晓燕"


@pytest.fixture
def sitting(app, world):
    with app.app_context():
        compound = db.session.get(Compound, world.a)
        session = operations.create_session(compound, body="council", title="充电桩选址", held_on=date(2026, 11, 20),
                                             place="活动室", chair_name="何导师", member_count=7, present=PRESENT,
                                             actor="test")
        db.session.commit()
        return session.id


def _session(sitting_id):
    return db.session.get(DeliberationSession, sitting_id)


def test_a_motion_is_seconded_debated_amended_and_voted_into_the_minutes(app, sitting):
    with app.app_context():
        session = _session(sitting)
        motion = operations.move_motion(session, text="建设充电棚", moved_by="王德明")
        with pytest.raises(operations.DeliberationError, match="自己"):
            operations.second_motion(motion, seconded_by="王德明")
        operations.second_motion(motion, seconded_by="陈志华")
        clock.freeze(datetime(2026, 11, 20, 2, 0))
        operations.request_floor(motion, speaker="王德明", side="for")
        operations.request_floor(motion, speaker="孙丽", side="for")
        operations.request_floor(motion, speaker="刘晓燕", side="against")
        first = operations.give_floor(motion)
        assert first.speaker == "王德明"
        clock.freeze(datetime(2026, 11, 20, 2, 2, 1))  # 121 s: one second over
        assert operations.end_speech(motion, summary="消除飞线充电").is_over_time
        second = operations.give_floor(motion)
        assert second.speaker == "刘晓燕", "the other side speaks next"
        clock.freeze(datetime(2026, 11, 20, 2, 4, 1))
        assert not operations.end_speech(motion).is_over_time  # exactly 120 s
        amendment = operations.move_motion(session, text="在北侧围墙边建设充电棚", moved_by="孙丽", parent=motion)
        operations.second_motion(amendment, seconded_by="刘晓燕")
        with pytest.raises(operations.DeliberationError, match="修正案须先"):
            operations.put_to_vote(motion, votes_for=5, votes_against=0, votes_abstain=0)
        assert operations.current_motion(session) is amendment
        operations.put_to_vote(amendment, votes_for=4, votes_against=1, votes_abstain=0)
        assert motion.text == "在北侧围墙边建设充电棚" and motion.original_text == "建设充电棚"
        outcome = operations.put_to_vote(motion, votes_for=4, votes_against=0, votes_abstain=1)
        assert outcome.state == "passed"
        operations.close_session(session)
        db.session.commit()
        text = session.minutes_text
        assert "动议 1：建设充电棚" in text and "附议人：陈志华" in text
        assert "正方 王德明 发言 121 秒（超时）：消除飞线充电" in text
        assert "反方 刘晓燕 发言 120 秒" in text and "刘晓燕 发言 120 秒（超时）" not in text
        assert "修正案 2（对动议 1 的修正）" in text
        assert text.index("表决：赞成 4，反对 1") < text.index("表决：赞成 4，反对 0，弃权 1；通过")
        assert "按修正后的文本表决：在北侧围墙边建设充电棚" in text


def test_a_speaker_over_the_turn_limit_is_refused(app, sitting):
    with app.app_context():
        session = _session(sitting)
        motion = operations.move_motion(session, text="建设充电棚", moved_by="王德明")
        operations.second_motion(motion, seconded_by="陈志华")
        for _ in range(2):
            operations.request_floor(motion, speaker="孙丽", side="for")
        with pytest.raises(operations.DeliberationError, match="已发言 2 次"):
            operations.request_floor(motion, speaker="孙丽", side="against")


def test_an_amendment_to_an_amendment_is_refused(app, sitting):
    with app.app_context():
        session = _session(sitting)
        motion = operations.move_motion(session, text="建设充电棚", moved_by="王德明")
        operations.second_motion(motion, seconded_by="陈志华")
        amendment = operations.move_motion(session, text="北侧", moved_by="孙丽", parent=motion)
        operations.second_motion(amendment, seconded_by="刘晓燕")
        with pytest.raises(operations.DeliberationError, match="修正案再提修正案"):
            operations.move_motion(session, text="北侧东头", moved_by="赵秀英", parent=amendment)


def test_a_vote_without_a_quorum_of_members_present_decides_nothing(app, world):
    with app.app_context():
        compound = db.session.get(Compound, world.a)
        session = operations.create_session(compound, body="council", title="议题", held_on=date(2026, 11, 20),
                                             place="", chair_name="何导师", member_count=10, present="甲、乙、丙、丁、戊")
        motion = operations.move_motion(session, text="建设充电棚", moved_by="甲")
        operations.second_motion(motion, seconded_by="乙")
        outcome = operations.put_to_vote(motion, votes_for=5, votes_against=0, votes_abstain=0)
        assert outcome.state == "no_quorum"
        assert "出席人数不足法定人数" in session.minutes_text
        with pytest.raises(operations.DeliberationError, match="多于出席人数"):
            other = operations.move_motion(session, text="另一项", moved_by="甲")
            operations.second_motion(other, seconded_by="乙")
            operations.put_to_vote(other, votes_for=6, votes_against=0, votes_abstain=0)


def test_a_committee_sitting_writes_its_record_into_the_meetings_minutes(app, world):
    from committee_app.committees import operations as committees
    from committee_app.meetings import operations as meetings

    with app.app_context():
        compound = db.session.get(Compound, world.a)
        committees.record_committee(compound, members=[("甲", None, "chair"), ("乙", None, "member"),
                                                       ("丙", None, "member")],
                                    elected_on=date(2026, 1, 10), term_starts_on=None, term_ends_on=None,
                                    filed_on=None, actor="test")
        meeting = meetings.create_meeting(compound, title="业委会例会", meeting_on=date(2026, 11, 20),
                                          agenda_posted_on=date(2026, 11, 10), agenda=["充电桩"], actor="test")
        meetings.record_attendance(meeting, [m.id for m in meetings.members_of(meeting)], actor="test")
        session = operations.create_session(compound, body="committee", title="充电桩", held_on=date(2026, 11, 20),
                                            place="", chair_name="甲", member_count=3, present="甲、乙、丙",
                                            meeting=meeting)
        motion = operations.move_motion(session, text="建设充电棚", moved_by="乙")
        operations.second_motion(motion, seconded_by="丙")
        operations.put_to_vote(motion, votes_for=2, votes_against=1, votes_abstain=0)
        operations.close_session(session)
        db.session.commit()
        latest = meeting.minutes.latest.content
        assert "动议 1：建设充电棚" in latest["other"] and "表决：赞成 2，反对 1，弃权 0；通过" in latest["other"]


def test_the_chair_runs_a_motion_through_the_pages(app, world, login_as, sitting):
    client = login_as("mentor")
    base = f"/compounds/A/deliberations/{sitting}"
    assert client.get(base).status_code == 200
    response = client.post(f"{base}/motions", data={"text": "建设充电棚", "moved_by": "王德明"})
    assert response.status_code == 302
    with app.app_context():
        motion_id = _session(sitting).motions[0].id
    assert client.post(f"{base}/motions/{motion_id}/second", data={"seconded_by": "陈志华"}).status_code == 302
    assert client.post(f"{base}/motions/{motion_id}/floor", data={"speaker": "孙丽", "side": "for"}).status_code == 302
    assert client.post(f"{base}/motions/{motion_id}/next").status_code == 302
    state = client.get(f"{base}/state.json").get_json()
    assert state["speaking"]["speaker"] == "孙丽" and state["motion"]["text"] == "建设充电棚"
    assert client.post(f"{base}/motions/{motion_id}/end", data={"summary": "好"}).status_code == 302
    too_many = client.post(f"{base}/motions/{motion_id}/vote",
                           data={"votes_for": "9", "votes_against": "0", "votes_abstain": "0"})
    assert too_many.status_code == 400 and "多于出席人数" in too_many.get_data(as_text=True)
    assert client.post(f"{base}/motions/{motion_id}/vote",
                       data={"votes_for": "3", "votes_against": "1", "votes_abstain": "1"}).status_code == 302
    assert client.post(f"{base}/close").status_code == 302
    page = client.get(base).get_data(as_text=True)
    assert "表决：赞成 3，反对 1，弃权 1；通过" in page
    # a motion of another session is not reachable through this one
    assert client.post(f"{base}/motions/99999999/second", data={"seconded_by": "x"}).status_code in (400, 404)


def test_bad_input_is_refused_and_changes_nothing(app, world, login_as, sitting):
    client = login_as("organiser")
    base = f"/compounds/A/deliberations/{sitting}"
    response = client.post(f"{base}/motions", data={"text": "x" * 5001, "moved_by": "王"})
    assert response.status_code == 400
    response = client.post(f"{base}/motions", data={"text": "含\x00空字符", "moved_by": "王"})
    assert response.status_code == 400
    response = client.post("/compounds/A/deliberations", data={
        "body": "council", "title": "议题", "held_on": "2026-11-20", "chair_name": "甲", "member_count": "2",
        "present": "甲、乙、丙"})
    assert response.status_code == 400 and "多于成员人数" in response.get_data(as_text=True)
    with app.app_context():
        assert _session(sitting).motions == []
        assert db.session.query(DeliberationSession).count() == 1


def test_owners_give_one_voice_each_and_the_organiser_moderates_and_answers(app, world, login_as):
    from committee_app.deliberation.models import Consultation

    organiser = login_as("organiser")
    created = organiser.post("/compounds/A/consultations", data={
        "title": "快递柜位置", "question": "设在哪里？", "options": "南门\n车库",
        "closes_on": (clock.today() + timedelta(days=30)).isoformat()})
    assert created.status_code == 302
    with app.app_context():
        consultation_id = db.session.scalar(db.select(Consultation.id))
    url = f"/compounds/A/consultations/{consultation_id}"
    owner = login_as("owner")
    assert owner.post(f"{url}/voice", data={"option": "屋顶", "comment": ""}).status_code == 400
    assert owner.post(f"{url}/voice", data={"option": "南门", "comment": "方便"}).status_code == 302
    assert owner.post(f"{url}/voice", data={"option": "车库", "comment": "不淋雨"}).status_code == 302
    with app.app_context():
        consultation = db.session.get(Consultation, consultation_id)
        assert len(consultation.voices) == 1, "one voice per owner: giving it again replaces it"
        assert operations.tally_consultation(consultation) == [("南门", 0), ("车库", 1)]
        voice_id = consultation.voices[0].id
    assert login_as("other_owner").post(f"{url}/voice", data={"option": "南门"}).status_code == 403
    organiser = login_as("organiser")
    assert organiser.post(f"{url}/voices/{voice_id}/hide", data={"reason": ""}).status_code == 400
    assert organiser.post(f"{url}/voices/{voice_id}/hide", data={"reason": "含有人身攻击"}).status_code == 302
    page = login_as("owner").get(url).get_data(as_text=True)
    assert "含有人身攻击" in page and "不淋雨" not in page
    organiser = login_as("organiser")
    assert organiser.post(f"{url}/publish", data={"summary": "1 份意见", "answer": "设在车库"}).status_code == 302
    assert login_as("owner").post(f"{url}/voice", data={"option": "南门"}).status_code == 400  # closed
    assert "设在车库" in login_as("owner").get(url).get_data(as_text=True)


def test_a_consultation_closes_at_the_end_of_its_last_day(app, world):
    from committee_app.policy import owner_voter  # noqa: F401
    from committee_app.registry.models import Voter

    with app.app_context():
        compound = db.session.get(Compound, world.a)
        clock.freeze(datetime(2026, 11, 30, 15, 59))  # 23:59 in Shanghai on 11-30
        consultation = operations.create_consultation(compound, title="t", question="q", options="",
                                                      closes_on=date(2026, 11, 30))
        voter = db.session.scalar(db.select(Voter).where(Voter.compound_id == world.a).limit(1))
        operations.give_voice(consultation, voter, option=None, comment="赶在截止前")
        clock.freeze(datetime(2026, 11, 30, 16, 0))  # 00:00 on 12-01
        with pytest.raises(operations.DeliberationError, match="截止"):
            operations.give_voice(consultation, voter, option=None, comment="晚了")
