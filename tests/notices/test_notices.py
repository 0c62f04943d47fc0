"""The public board: posting, publicity periods, superseding, and other compounds' ids."""
from datetime import date

import pytest

from committee_app.extensions import db
from committee_app.notices.models import Notice
from committee_app.notices.operations import NoticeError, post_notice, publicity_end, supersede_notice
from committee_app.registry.models import Compound


def test_a_publicity_period_starts_the_day_after_posting():
    assert publicity_end(date(2026, 11, 2), 7) == date(2026, 11, 9)  # CC art 201; 11-09 is a Monday
    assert publicity_end(date(2026, 11, 2), 1) == date(2026, 11, 3)
    assert publicity_end(date(2026, 11, 1), 6) == date(2026, 11, 9)  # day 6 is Saturday 11-07: moved to Monday


def test_a_posted_notice_is_superseded_with_a_visible_reason(app, client, world):
    with app.app_context():
        compound = db.session.get(Compound, world.a)
        old = post_notice(compound, kind="meeting_notice", title="业主大会会议通知", posted_on=date(2026, 11, 1),
                          publicity_days=15, citations=["PMR art 14"])
        new = supersede_notice(old, reason="会议地点更正", title="业主大会会议通知（更正）", posted_on=date(2026, 11, 2),
                               publicity_days=15)
        db.session.commit()
        assert old.superseded_by_id == new.id and new.kind == "meeting_notice"
        with pytest.raises(NoticeError):
            supersede_notice(old, reason="again", title="x", posted_on=date(2026, 11, 3))
        old_id = old.id
    page = client.get("/board/A").get_data(as_text=True)
    assert "业主大会会议通知（更正）" in page and "会议地点更正" in page
    assert "此公告已被替换" in client.get(f"/board/A/notices/{old_id}").get_data(as_text=True)


def test_a_notice_needs_a_reason_to_be_superseded(app, world):
    with app.app_context():
        compound = db.session.get(Compound, world.a)
        old = post_notice(compound, kind="other", title="公告", posted_on=date(2026, 11, 1))
        with pytest.raises(NoticeError):
            supersede_notice(old, reason="  ", title="新公告", posted_on=date(2026, 11, 2))


def test_another_compounds_notice_id_is_not_found(app, client, world):
    with app.app_context():
        notice = post_notice(db.session.get(Compound, world.b), kind="other", title="乙小区公告",
                             posted_on=date(2026, 11, 1))
        db.session.commit()
        notice_id = notice.id
    assert client.get(f"/board/A/notices/{notice_id}").status_code == 404
    assert client.get(f"/board/B/notices/{notice_id}").status_code == 200


def test_unknown_kind_is_refused(app, world):
    with app.app_context():
        with pytest.raises(NoticeError):
            post_notice(db.session.get(Compound, world.a), kind="bogus", title="x", posted_on=date(2026, 11, 1))
        assert db.session.scalar(db.select(db.func.count(Notice.id))) == 0
