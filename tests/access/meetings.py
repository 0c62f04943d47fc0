"""Routes of the meetings feature: meetings, minutes, proposals, checklists."""
from datetime import timedelta

from sqlalchemy import select

from committee_app import clock
from committee_app.extensions import db
from committee_app.registry.models import Compound, Voter

from .core import code_of
from .routes import READERS_OF_A, Route

MANAGERS_OF_A = ("admin", "organiser")


def _meeting_id(world) -> int:
    """A held meeting at A with one revision of minutes (created once per test database)."""
    from committee_app.committees.operations import install_committee
    from committee_app.meetings import operations
    from committee_app.meetings.models import CommitteeMeeting

    meeting_id = db.session.scalar(select(CommitteeMeeting.id).where(CommitteeMeeting.compound_id == world.a))
    if meeting_id is not None:
        return meeting_id
    compound = db.session.get(Compound, world.a)
    today = clock.today()
    committee = install_committee(compound, members=[(f"委员{i}", None, "member") for i in range(1, 6)],
                                  elected_on=today - timedelta(days=400))
    meeting = operations.create_meeting(compound, title="例会", meeting_on=today,
                                        agenda_posted_on=today - timedelta(days=7), agenda=["议题"])
    operations.record_attendance(meeting, [m.id for m in committee.members[:4]])
    operations.save_minutes(meeting, opening="x", discussions={}, other="")
    db.session.commit()
    return meeting.id


def _proposal_id(world) -> int:
    from committee_app.meetings import operations
    from committee_app.meetings.models import Proposal

    proposal_id = db.session.scalar(select(Proposal.id).where(Proposal.compound_id == world.a))
    if proposal_id is not None:
        return proposal_id
    compound = db.session.get(Compound, world.a)
    voter = db.session.scalar(select(Voter).where(Voter.compound_id == world.a, Voter.display_name == "赵喆"))
    proposal = operations.submit_proposal(compound, voter, title="议题", body="内容")
    db.session.commit()
    return proposal.id


def _m(world, tail=""):
    return f"/compounds/{code_of(world)}/meetings/{_meeting_id(world)}{tail}"


def _p(world, tail=""):
    return f"/compounds/{code_of(world)}/proposals/{_proposal_id(world)}{tail}"


ROUTES = [
    Route("meetings.index", lambda w: f"/compounds/{code_of(w)}/meetings", allowed=READERS_OF_A),
    Route("meetings.create_meeting", lambda w: f"/compounds/{code_of(w)}/meetings", method="POST",
          allowed=MANAGERS_OF_A, ok=(400,)),
    Route("meetings.record_request", lambda w: f"/compounds/{code_of(w)}/meetings/requests", method="POST",
          allowed=MANAGERS_OF_A, ok=(400,)),
    Route("meetings.meeting", lambda w: _m(w), allowed=READERS_OF_A),
    Route("meetings.add_agenda_item", lambda w: _m(w, "/agenda"), method="POST", allowed=MANAGERS_OF_A, ok=(400,)),
    Route("meetings.record_attendance", lambda w: _m(w, "/attendance"), method="POST", allowed=MANAGERS_OF_A,
          ok=(302,)),
    Route("meetings.add_motion", lambda w: _m(w, "/motions"), method="POST", allowed=MANAGERS_OF_A, ok=(302,)),
    Route("meetings.record_votes", lambda w: _m(w, "/motions/999999/votes"), method="POST", allowed=MANAGERS_OF_A,
          ok=(404,)),
    Route("meetings.post_decisions", lambda w: _m(w, "/decisions"), method="POST", allowed=MANAGERS_OF_A, ok=(302,)),
    Route("meetings.minutes", lambda w: _m(w, "/minutes"), allowed=READERS_OF_A),
    Route("meetings.save_minutes", lambda w: _m(w, "/minutes"), method="POST", allowed=MANAGERS_OF_A,
          ok=(302, 400)),
    Route("meetings.sign_minutes", lambda w: _m(w, "/minutes/sign"), method="POST", allowed=MANAGERS_OF_A,
          ok=(302,)),
    Route("meetings.lock_minutes", lambda w: _m(w, "/minutes/lock"), method="POST", allowed=MANAGERS_OF_A,
          ok=(302,)),
    Route("meetings.compare_minutes", lambda w: _m(w, "/minutes/compare"), allowed=READERS_OF_A),
    Route("meetings.minutes_pdf", lambda w: _m(w, "/minutes.pdf"), allowed=READERS_OF_A),
    Route("meetings.proposals", lambda w: f"/compounds/{code_of(w)}/proposals", allowed=READERS_OF_A + ("owner",)),
    Route("meetings.submit_proposal", lambda w: f"/compounds/{code_of(w)}/proposals", method="POST",
          allowed=("owner",), ok=(302,), data={"title": "新议题", "body": "内容"}),
    Route("meetings.proposal", lambda w: _p(w), allowed=READERS_OF_A + ("owner",)),
    Route("meetings.support_proposal", lambda w: _p(w, "/support"), method="POST", allowed=("owner",), ok=(302,)),
    Route("meetings.comment", lambda w: _p(w, "/comments"), method="POST", allowed=MANAGERS_OF_A + ("owner",),
          ok=(400,)),
    Route("meetings.decide_proposal", lambda w: _p(w, "/decision"), method="POST", allowed=MANAGERS_OF_A,
          ok=(400,)),
    Route("meetings.checklist", lambda w: f"/compounds/{code_of(w)}/checklist", allowed=READERS_OF_A),
    Route("meetings.checklist_pdf", lambda w: f"/compounds/{code_of(w)}/checklist.pdf", allowed=READERS_OF_A),
]
