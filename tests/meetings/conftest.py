"""Fixtures: a seven-member committee at compound A and a meeting factory."""
from datetime import date, datetime

import pytest

from committee_app.committees import operations as committees
from committee_app.extensions import db
from committee_app.meetings import operations
from committee_app.registry.models import Compound

NOW = datetime(2026, 11, 26, 2, 0)  # 2026-11-26 10:00 in Shanghai
TODAY = date(2026, 11, 26)


@pytest.fixture
def committee_a(app, world, frozen_clock):
    """Seven members at compound A, elected 2025-01-10; returns their ids chair first."""
    frozen_clock(NOW)
    with app.app_context():
        members = [("主任甲", None, "chair"), ("副主任乙", None, "vice_chair")] + [
            (f"委员{i}", None, "member") for i in range(3, 8)]
        committee = committees.install_committee(db.session.get(Compound, world.a), members=members,
                                                 elected_on=date(2025, 1, 10))
        db.session.commit()
        return [m.id for m in committee.active_members]


@pytest.fixture
def make_meeting(app, world, committee_a):
    """``make_meeting(meeting_on=..., agenda_posted_on=...)`` → meeting id at compound A."""
    def make(meeting_on=date(2026, 11, 20), agenda_posted_on=date(2026, 11, 10), urgent_reason="", present=None,
             motions=()):
        with app.app_context():
            compound = db.session.get(Compound, world.a)
            meeting = operations.create_meeting(compound, title="第一次会议", meeting_on=meeting_on,
                                                agenda_posted_on=agenda_posted_on, agenda=["议题一", "议题二"],
                                                urgent_reason=urgent_reason)
            if present is not None:
                operations.record_attendance(meeting, present)
            for text, votes in motions:
                motion = operations.add_motion(meeting, text=text, agenda_item_id=meeting.agenda_items[0].id)
                operations.record_votes(motion, meeting, votes)
            db.session.commit()
            return meeting.id
    return make
