"""Minutes: every save a revision, compare any two, present members sign, lock, correct with a reason; the PDF."""
import subprocess
from datetime import date

import pytest
from sqlalchemy import func, select

from committee_app.extensions import db
from committee_app.meetings import operations
from committee_app.meetings.models import CommitteeMeeting, MinutesRevision
from committee_app.meetings.util import diff_rows


def _meeting(meeting_id):
    return db.session.get(CommitteeMeeting, meeting_id)


@pytest.fixture
def held_meeting(make_meeting, committee_a):
    """A quorate meeting: five present, one motion passed 4-1."""
    present = committee_a[:5]
    votes = dict(zip(present, ["for", "for", "for", "for", "against"]))
    return make_meeting(present=present, motions=[("同意续签物业服务合同", votes)])


def _save(client, meeting_id, discussion, **extra):
    with client.application.app_context():
        items = [item.id for item in _meeting(meeting_id).agenda_items]
    data = {"opening": "主持人：主任甲", "other": "", f"item-{items[0]}": discussion} | extra
    return client.post(f"/compounds/A/meetings/{meeting_id}/minutes", data=data)


def test_every_save_is_a_revision_with_author_and_time(app, client, login_as, held_meeting):
    login_as("organiser")
    assert _save(client, held_meeting, "物业报告续签条件。").status_code == 302
    assert _save(client, held_meeting, "物业报告续签条件，委员要求降低收费。").status_code == 302
    with app.app_context():
        revisions = db.session.scalars(select(MinutesRevision).order_by(MinutesRevision.number)).all()
        assert [r.number for r in revisions] == [1, 2]
        assert all(r.author_name == "organiser" and r.created_at is not None for r in revisions)
        assert revisions[0].content["items"][0]["discussion"] == "物业报告续签条件。"  # never overwritten
        assert revisions[1].content["present"][0] == "主任甲（主任）"
        assert revisions[1].content["motions"][0]["for"] == 4 and revisions[1].content["motions"][0]["passed"]
    page = client.get(f"/compounds/A/meetings/{held_meeting}/minutes").get_data(as_text=True)
    assert "第 2 版" in page and "委员要求降低收费" in page


def test_an_unchanged_save_makes_no_revision(app, client, login_as, held_meeting):
    login_as("organiser")
    _save(client, held_meeting, "同样的内容")
    assert _save(client, held_meeting, "同样的内容").status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count(MinutesRevision.id))) == 1


def test_any_two_revisions_can_be_compared(app, client, login_as, held_meeting):
    login_as("organiser")
    _save(client, held_meeting, "第一稿")
    _save(client, held_meeting, "第二稿")
    _save(client, held_meeting, "第三稿")
    page = client.get(f"/compounds/A/meetings/{held_meeting}/minutes/compare?a=1&b=3").get_data(as_text=True)
    assert "第 1 版与第 3 版比较" in page and "第一稿" in page and "第三稿" in page and "第二稿" not in page
    assert client.get(f"/compounds/A/meetings/{held_meeting}/minutes/compare?a=1&b=9").status_code == 404


def test_the_diff_marks_removed_and_added_lines(app, held_meeting):
    with app.app_context():
        meeting = _meeting(held_meeting)
        first = operations.save_minutes(meeting, opening="", discussions={}, other="旧的其他事项")
        second = operations.save_minutes(meeting, opening="", discussions={}, other="新的其他事项")
        rows = diff_rows(first.content, second.content)
        assert ("-", "旧的其他事项") in rows and ("+", "新的其他事项") in rows
        assert all(mark == " " for mark, text in rows if text.startswith("会议："))


def test_locking_needs_every_present_member_to_sign_the_latest_revision(app, client, login_as, held_meeting,
                                                                        committee_a):
    login_as("organiser")
    _save(client, held_meeting, "讨论情况")
    client.post(f"/compounds/A/meetings/{held_meeting}/minutes/sign",
                data={"member_ids": committee_a[:4], "signed_on": "2026-11-21"})
    response = client.post(f"/compounds/A/meetings/{held_meeting}/minutes/lock", follow_redirects=True)
    assert "委员4" in response.get_data(as_text=True) and "尚未在第 1 版纪要上签字" in response.get_data(as_text=True)
    refused = client.post(f"/compounds/A/meetings/{held_meeting}/minutes/sign",
                          data={"member_ids": [committee_a[6]], "signed_on": "2026-11-21"}, follow_redirects=True)
    assert "不是一个有效的选项" in refused.get_data(as_text=True) or "Not a valid choice" in refused.get_data(as_text=True) \
        or "只有出席会议的委员" in refused.get_data(as_text=True)
    client.post(f"/compounds/A/meetings/{held_meeting}/minutes/sign",
                data={"member_ids": [committee_a[4]], "signed_on": "2026-11-21"})
    assert client.post(f"/compounds/A/meetings/{held_meeting}/minutes/lock").status_code == 302
    with app.app_context():
        minutes = _meeting(held_meeting).minutes
        assert minutes.is_locked and minutes.locked_revision_number == 1 and len(minutes.signatures) == 5


def test_an_absent_member_cannot_sign(app, held_meeting, committee_a):
    with app.app_context():
        meeting = _meeting(held_meeting)
        operations.save_minutes(meeting, opening="x", discussions={}, other="")
        with pytest.raises(operations.MeetingError, match="出席"):
            operations.sign_minutes(meeting, [committee_a[6]], signed_on=date(2026, 11, 21))


def _lock(meeting, present):
    operations.save_minutes(meeting, opening="原始记录", discussions={}, other="")
    operations.sign_minutes(meeting, present, signed_on=date(2026, 11, 21))
    operations.lock_minutes(meeting)


def test_locked_minutes_are_corrected_only_by_a_new_revision_with_a_reason(app, client, login_as, held_meeting,
                                                                           committee_a):
    with app.app_context():
        _lock(_meeting(held_meeting), committee_a[:5])
        db.session.commit()
    login_as("organiser")
    refused = _save(client, held_meeting, "改写的讨论")
    assert refused.status_code == 400 and "更正理由不能为空" in refused.get_data(as_text=True)
    assert _save(client, held_meeting, "改写的讨论", reason="漏记委员意见").status_code == 302
    with app.app_context():
        minutes = _meeting(held_meeting).minutes
        first, second = minutes.revisions
        assert first.content["opening"] == "原始记录" and first.content["items"][0]["discussion"] == ""
        assert second.is_correction and second.reason == "漏记委员意见"
        assert minutes.is_locked and minutes.locked_revision_number == 1
    page = client.get(f"/compounds/A/meetings/{held_meeting}/minutes").get_data(as_text=True)
    assert "漏记委员意见" in page and "更正" in page


def test_the_meeting_record_is_frozen_once_the_minutes_are_locked(app, held_meeting, committee_a):
    with app.app_context():
        meeting = _meeting(held_meeting)
        _lock(meeting, committee_a[:5])
        with pytest.raises(operations.MeetingError, match="锁定"):
            operations.record_attendance(meeting, committee_a[:6])
        with pytest.raises(operations.MeetingError, match="锁定"):
            operations.record_votes(meeting.motions[0], meeting, {committee_a[0]: "against"})
        with pytest.raises(operations.MeetingError, match="锁定"):
            operations.sign_minutes(meeting, committee_a[:1], signed_on=date(2026, 11, 21))


def _pdf_text(data: bytes) -> str:
    """The PDF's text with all whitespace removed (letter-spaced titles, wrapped lines)."""
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return "".join(text.split())


def test_the_minutes_pdf_has_header_attendance_votes_signatures_revision_and_page_numbers(
        app, client, login_as, held_meeting, committee_a):
    with app.app_context():
        meeting = _meeting(held_meeting)
        _lock(meeting, committee_a[:5])
        operations.save_minutes(meeting, opening="原始记录", discussions={meeting.agenda_items[0].id: "补记讨论"},
                                other="", reason="补记讨论情况")
        db.session.commit()
    login_as("mentor")
    response = client.get(f"/compounds/A/meetings/{held_meeting}/minutes.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _pdf_text(response.data)
    for expected in ("甲小区", "业主委员会会议纪要", "第一次会议", "2026-11-20", "全体委员 7 名，出席 5 名",
                     "会议有效", "同意续签物业服务合同", "同意 4 票，反对 1 票，弃权 0 票", "通过",
                     "出席委员签字", "主任甲", "第 2 版（共 2 版）", "补记讨论情况", "第 1 页 / 共"):
        assert "".join(expected.split()) in text, expected
    first = _pdf_text(client.get(f"/compounds/A/meetings/{held_meeting}/minutes.pdf?revision=1").data)
    assert "第1版（共2版）" in first and "补记讨论" not in first
    assert client.get(f"/compounds/A/meetings/{held_meeting}/minutes.pdf?revision=7").status_code == 404


def test_members_sign_what_the_record_says(app, held_meeting, committee_a):
    with app.app_context():
        meeting = _meeting(held_meeting)
        operations.save_minutes(meeting, opening="x", discussions={}, other="")
        operations.sign_minutes(meeting, committee_a[:5], signed_on=date(2026, 11, 21))
        operations.record_votes(meeting.motions[0], meeting, {m: "for" for m in committee_a[:5]})
        with pytest.raises(operations.MeetingError, match="请先保存新版本"):
            operations.lock_minutes(meeting)
        operations.save_minutes(meeting, opening="x", discussions={}, other="")
        with pytest.raises(operations.MeetingError, match="尚未在第 2 版"):
            operations.lock_minutes(meeting)
        operations.sign_minutes(meeting, committee_a[:5], signed_on=date(2026, 11, 22))
        operations.lock_minutes(meeting)
        assert meeting.minutes.locked_revision_number == 2
        assert meeting.minutes.latest.content["motions"][0]["for"] == 5
