"""Notification queries and the calendar feed (RFC 5545, icalendar)."""
from __future__ import annotations

import importlib.util
from datetime import datetime, timedelta, timezone

from flask import url_for
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from .. import clock
from ..accounts.models import User
from ..extensions import db
from ..policy import Ability, compounds_where
from ..registry.models import Compound
from ..rules.citations import law_names
from .models import Notification, NotificationPreference, NotificationProfile


def unread_count(user_id: int) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


def notifications_of(user_id: int, limit: int = 200) -> list[Notification]:
    """The person's notifications, unread first, newest first (one query)."""
    return list(db.session.scalars(
        select(Notification).where(Notification.user_id == user_id)
        .options(selectinload(Notification.messages))
        .order_by(Notification.read_at.is_not(None), Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)))


def own_notification(user_id: int, notification_id: int) -> Notification | None:
    notification = db.session.get(Notification, notification_id)
    return notification if notification is not None and notification.user_id == user_id else None


def preferences_of(user_id: int) -> dict[tuple[str, str], bool]:
    return {(p.kind, p.channel): p.is_enabled for p in db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == user_id))}


def user_by_token(token: str) -> User | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(User).join(NotificationProfile, NotificationProfile.user_id == User.id)
                             .where(NotificationProfile.calendar_token == token, User.is_enabled))


def safe_link(link: str) -> str | None:
    """Only the app's own paths are followed from a notification."""
    if link.startswith("/") and not link.startswith("//") and "\\" not in link:
        return link
    return None


# --------------------------------------------------------------------------- calendar


def _installed(feature: str) -> bool:
    return importlib.util.find_spec(f"committee_app.{feature}") is not None


def calendar_entries(user) -> list[dict]:
    """Plain entries for the feed: uid, summary, start/end (date or naive-UTC datetime), url, description.

    The person's deadlines (open procedure steps, objection periods, coaching items), committee
    meetings, votes, workshop events and trainings, for the compounds their grants cover.
    """
    today = clock.today()
    since = today - timedelta(days=60)
    readable = compounds_where(user, Ability.READ).with_only_columns(Compound.id)
    as_owner = compounds_where(user, Ability.VOTE).with_only_columns(Compound.id)
    codes = dict(db.session.execute(select(Compound.id, Compound.code).where(
        or_(Compound.id.in_(readable), Compound.id.in_(as_owner)))).all())
    names = dict(db.session.execute(select(Compound.id, Compound.name).where(Compound.id.in_(list(codes)))).all())
    read_ids = set(db.session.scalars(readable))
    entries: list[dict] = []
    if _installed("procedures") and read_ids:
        from ..procedures.models import OPEN_STATES, Procedure
        from ..procedures.util import procedure_rules, procedure_title, step_due_on, effective_settings

        for procedure in db.session.scalars(select(Procedure).where(
                Procedure.status == "active", Procedure.compound_id.in_(read_ids))):
            rules = procedure_rules(procedure)
            settings = effective_settings(procedure.compound)
            title = procedure_title(procedure)
            for step in procedure.steps:
                rule = rules.get(step.key)
                if rule is None or step.state not in OPEN_STATES or rule.deadline is None \
                        or rule.deadline.kind not in ("before", "within"):
                    continue
                due_on = step_due_on(rule, procedure.anchors(), settings)
                if due_on is None or due_on < since:
                    continue
                code = codes[procedure.compound_id]
                entries.append({
                    "uid": f"step-{step.id}-{due_on.isoformat()}", "start": due_on,
                    "summary": f"【截止】{names[procedure.compound_id]}：{rule.title_zh}",
                    "description": f"{title}；依据：{law_names(rule.citations, '、') or '—'}",
                    "url": url_for("procedures.timeline", code=code, procedure_id=procedure.id,
                                   _anchor=f"step-{step.id}", _external=True)})
    all_ids = list(codes)
    if _installed("voting") and all_ids:
        from ..voting.models import Vote

        for vote in db.session.scalars(select(Vote).where(Vote.compound_id.in_(all_ids),
                                                          Vote.state.in_(("draft", "open", "closed", "counted")))):
            if vote.opens_at is None and vote.meeting_on is None:
                continue
            entry = {"uid": f"vote-{vote.id}", "summary": f"【投票】{names[vote.compound_id]}：{vote.title}",
                     "description": vote.description or "",
                     "url": url_for("voting.ballot", vote_id=vote.id, _external=True)}
            if vote.opens_at is not None:
                entry["start"] = vote.opens_at
                entry["end"] = vote.closes_at or vote.opens_at + timedelta(hours=1)
            else:
                entry["start"] = vote.meeting_on
            entries.append(entry)
    if _installed("nominations") and all_ids:
        from ..nominations.models import CandidateList

        for candidate_list in db.session.scalars(select(CandidateList).where(
                CandidateList.compound_id.in_(all_ids), CandidateList.objection_ends_on.is_not(None),
                CandidateList.objection_ends_on >= since)):
            entries.append({"uid": f"objections-{candidate_list.id}", "start": candidate_list.objection_ends_on,
                            "summary": f"【截止】{names[candidate_list.compound_id]}：候选人名单异议期届满",
                            "description": "对候选人名单的异议须在此日前提出。",
                            "url": url_for("nominations.candidates", code=codes[candidate_list.compound_id],
                                           _external=True)})
    if _installed("meetings") and all_ids:
        from ..meetings.models import CommitteeMeeting

        for meeting in db.session.scalars(select(CommitteeMeeting).where(
                CommitteeMeeting.compound_id.in_(all_ids), CommitteeMeeting.meeting_on >= since)):
            url = (url_for("meetings.meeting", code=codes[meeting.compound_id], meeting_id=meeting.id, _external=True)
                   if meeting.compound_id in read_ids else "")
            entries.append({"uid": f"meeting-{meeting.id}", "start": meeting.meeting_on,
                            "summary": f"【会议】{names[meeting.compound_id]}：{meeting.title}",
                            "description": "业委会会议", "url": url})
    if _installed("workshop"):
        from ..workshop.models import ActionItem, EventInvitee, ItemStatus, WorkshopEvent
        from ..workshop.util import EVENT_KINDS

        coached = compounds_where(user, Ability.COACH)
        community_ids = coached.with_only_columns(Compound.community_id)
        events = db.session.scalars(select(WorkshopEvent).where(
            WorkshopEvent.held_on >= since,
            or_(WorkshopEvent.community_id.in_(community_ids),
                WorkshopEvent.id.in_(select(EventInvitee.event_id).where(EventInvitee.user_id == user.id)))))
        for event in events:
            entries.append({"uid": f"workshop-event-{event.id}", "start": event.held_on,
                            "summary": f"【{EVENT_KINDS.get(event.kind, event.kind)}】{event.title}",
                            "description": event.place or "", "location": event.place or "", "url": ""})
        for item in db.session.scalars(select(ActionItem).where(
                ActionItem.status == ItemStatus.OPEN.value, ActionItem.due_on >= since,
                ActionItem.compound_id.in_(coached.with_only_columns(Compound.id)))):
            entries.append({"uid": f"action-item-{item.id}", "start": item.due_on,
                            "summary": f"【待办】{names.get(item.compound_id, '')}：{item.title}",
                            "description": f"负责人：{item.assignee}",
                            "url": url_for("workshop.items", code=codes.get(item.compound_id, ""), _external=True)
                            if item.compound_id in codes else ""})
    return entries


def calendar_feed(user) -> bytes:
    """The person's calendar as an RFC 5545 VCALENDAR."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//committee-app//notifications//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"业委会工作室 · {user.display_name}")
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    stamp = clock.utcnow().replace(tzinfo=timezone.utc)
    for entry in calendar_entries(user):
        event = Event()
        event.add("uid", f"{entry['uid']}@committee-app")
        event.add("dtstamp", stamp)
        event.add("summary", entry["summary"])
        start = entry["start"]
        if isinstance(start, datetime):
            event.add("dtstart", start.replace(tzinfo=timezone.utc))
            event.add("dtend", entry["end"].replace(tzinfo=timezone.utc))
        else:
            event.add("dtstart", start)
            event.add("dtend", start + timedelta(days=1))
        if entry.get("description"):
            event.add("description", entry["description"])
        if entry.get("location"):
            event.add("location", entry["location"])
        if entry.get("url"):
            event.add("url", entry["url"])
        calendar.add_component(event)
    return calendar.to_ical()

