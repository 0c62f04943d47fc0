"""Building workshop records for tests through the real operations."""
from __future__ import annotations

from datetime import date, timedelta

from committee_app import clock
from committee_app.accounts.models import User
from committee_app.extensions import db
from committee_app.registry.models import Community, Compound
from committee_app.workshop import operations
from committee_app.workshop.models import CoachingSession, WorkshopEvent

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def log_session(compound_id: int, *, days_ago: int = 3, items: list[tuple[str, int]] = (),
                mentor_username: str = "mentor", attendee_ids=(), guests=("来宾 张三",)) -> CoachingSession:
    """A session held ``days_ago`` days ago with items (title, due in N days from today)."""
    today = clock.today()
    compound = db.session.get(Compound, compound_id)
    mentor = db.session.scalar(db.select(User).where(User.username == mentor_username))
    return operations.log_session(
        compound, held_on=today - timedelta(days=days_ago), topics=["reelection"], advice="按程序推进换届。",
        place="会议室", attendee_user_ids=list(attendee_ids), guest_names=list(guests), mentor=mentor,
        items=[operations.NewItem(title, "周建国", max(today + timedelta(days=due), today - timedelta(days=days_ago)))
               for title, due in items])


def create_event(community_id: int, *, days_from_now: int = -1, kind: str = "salon") -> WorkshopEvent:
    community = db.session.get(Community, community_id)
    return operations.create_event(community, kind=kind, title="业委会履职的法律边界", speakers="律师",
                                   held_on=clock.today() + timedelta(days=days_from_now), place="社区")


def ensure_access_fixtures(world) -> dict:
    """One session with an item and an attachment in compound A, and one event with material
    in A's community; created once per test database and committed."""
    session = db.session.scalar(db.select(CoachingSession).where(CoachingSession.compound_id == world.a))
    if session is None:
        session = log_session(world.a, items=[("核对名册", 5)], attendee_ids=[world.users["organiser"]])
        operations.store_file(PDF_BYTES, "advice.pdf", session=session)
        event = create_event(world.community)
        operations.invite(event, user_ids=[world.users["organiser"]], guests=[("楼栋长 王德明", world.a)])
        operations.store_file(PNG_BYTES, "photo.png", event=event)
        db.session.commit()
    event = db.session.scalar(db.select(WorkshopEvent).where(WorkshopEvent.community_id == world.community))
    return {"session": session.id, "item": session.items[0].id, "file": session.files[0].id,
            "event": event.id, "material": event.files[0].id}


__all__ = ["date", "ensure_access_fixtures", "log_session", "create_event", "PDF_BYTES", "PNG_BYTES"]
