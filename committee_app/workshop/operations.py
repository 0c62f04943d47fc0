"""Workshop operations: fill models, flush, write the audit log. Never commit."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from .. import clock, uploads
from ..audit.operations import record
from ..extensions import db
from ..registry.models import Community, Compound
from ..storage import operations as storage
from . import util
from .models import (
    ActionItem,
    CoachingSession,
    EventInvitee,
    EventKind,
    ItemTransitionError,
    SessionAttendee,
    WorkshopEvent,
    WorkshopFile,
)


class WorkshopError(ValueError):
    """A refused workshop operation; the message is shown to the user."""


@dataclass(frozen=True)
class NewItem:
    title: str
    assignee: str
    due_on: date


# ----------------------------------------------------------------------------- sessions


def log_session(compound: Compound, *, held_on: date, advice: str, topics: list[str],
                place: str | None = None, step_key: str | None = None,
                attendee_user_ids: list[int] = (), guest_names: list[str] = (),
                items: list[NewItem] = (), mentor: Any = None) -> CoachingSession:
    if held_on > clock.today():
        raise WorkshopError(_("会谈日期不能晚于今天。"))
    unknown = [topic for topic in topics if topic not in util.TOPICS]
    if unknown or not topics:
        raise WorkshopError(_("请至少选择一个议题。"))
    if not (advice or "").strip():
        raise WorkshopError(_("请填写指导意见。"))
    if step_key and step_key not in dict(util.step_choices(compound)):
        raise WorkshopError(_("所选程序步骤不属于本小区的规则。"))
    allowed = {user.id for user in util.organiser_accounts(compound.id)}
    if set(attendee_user_ids) - allowed:
        raise WorkshopError(_("参加人须为本小区筹备组、换届小组或业委会的账号。"))
    guests = _clean_names(guest_names)
    if not attendee_user_ids and not guests:
        raise WorkshopError(_("请至少填写一名参加人。"))
    session = CoachingSession(compound_id=compound.id, held_on=held_on, place=(place or "").strip() or None,
                              topics=list(topics), advice=advice.strip(), step_key=step_key or None,
                              mentor_id=getattr(mentor, "id", None))
    db.session.add(session)
    for user_id in dict.fromkeys(attendee_user_ids):
        session.attendees.append(SessionAttendee(user_id=user_id))
    for name in guests:
        session.attendees.append(SessionAttendee(guest_name=name))
    db.session.flush()
    record("workshop.session.log", session, compound_id=compound.id, actor=mentor, after={
        "held_on": held_on.isoformat(), "place": session.place, "topics": session.topics,
        "advice": session.advice, "step_key": session.step_key,
        "attendee_user_ids": sorted(set(attendee_user_ids)), "guests": guests,
    })
    for item in items:
        add_item(session, item.title, item.assignee, item.due_on, actor=mentor)
    return session


def update_session(session: CoachingSession, *, held_on: date, advice: str, topics: list[str],
                   place: str | None = None, step_key: str | None = None, actor: Any = None) -> None:
    """Correct a session's record (date, place, topics, step, advice); the audit keeps the old text."""
    if held_on > clock.today():
        raise WorkshopError(_("会谈日期不能晚于今天。"))
    if not topics or any(topic not in util.TOPICS for topic in topics):
        raise WorkshopError(_("请至少选择一个议题。"))
    if not (advice or "").strip():
        raise WorkshopError(_("请填写指导意见。"))
    if step_key and step_key not in dict(util.step_choices(session.compound)):
        raise WorkshopError(_("所选程序步骤不属于本小区的规则。"))
    if any(item.due_on < held_on for item in session.items):
        raise WorkshopError(_("完成期限不能早于会谈日期。"))
    before = _session_state(session)
    session.held_on, session.place = held_on, (place or "").strip() or None
    session.topics, session.advice, session.step_key = list(topics), advice.strip(), step_key or None
    after = _session_state(session)
    if after == before:
        return
    db.session.flush()
    record("workshop.session.update", session, compound_id=session.compound_id, actor=actor,
           before=before, after=after)


def _session_state(session: CoachingSession) -> dict:
    return {"held_on": session.held_on.isoformat(), "place": session.place, "topics": list(session.topics),
            "advice": session.advice, "step_key": session.step_key}


def add_item(session: CoachingSession, title: str, assignee: str, due_on: date, actor: Any = None) -> ActionItem:
    title, assignee = (title or "").strip(), (assignee or "").strip()
    if not title or not assignee or due_on is None:
        raise WorkshopError(_("待办事项须写明内容、负责人和完成期限。"))
    if due_on < session.held_on:
        raise WorkshopError(_("完成期限不能早于会谈日期。"))
    item = ActionItem(session_id=session.id, compound_id=session.compound_id, title=title[:300],
                      assignee=assignee[:120], due_on=due_on)
    db.session.add(item)
    db.session.flush()
    record("workshop.item.add", item, compound_id=session.compound_id, actor=actor, after={
        "session_id": session.id, "title": item.title, "assignee": item.assignee, "due_on": due_on.isoformat()})
    return item


def complete_item(item: ActionItem, on: date | None, note: str, actor: Any = None) -> None:
    note = (note or "").strip()
    if on is None or not note:
        raise WorkshopError(_("请填写完成日期和完成情况说明。"))
    before = _item_state(item)
    try:
        item.complete(on, note, getattr(actor, "id", None), clock.today())
    except ItemTransitionError as error:
        raise WorkshopError(_("该事项已办结或已撤销，不能再标记完成。") if str(error) == "closed"
                            else _("完成日期不能晚于今天。")) from None
    db.session.flush()
    record("workshop.item.complete", item, compound_id=item.compound_id, actor=actor,
           before=before, after=_item_state(item))


def drop_item(item: ActionItem, reason: str, actor: Any = None) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise WorkshopError(_("撤销事项须说明理由。"))
    before = _item_state(item)
    try:
        item.drop(reason, getattr(actor, "id", None))
    except ItemTransitionError:
        raise WorkshopError(_("该事项已办结或已撤销。")) from None
    db.session.flush()
    record("workshop.item.drop", item, compound_id=item.compound_id, actor=actor,
           before=before, after=_item_state(item))


def _item_state(item: ActionItem) -> dict:
    return {"status": item.status, "completed_on": item.completed_on.isoformat() if item.completed_on else None,
            "outcome_note": item.outcome_note}


# ----------------------------------------------------------------------------- events


def create_event(community: Community, *, kind: str, title: str, held_on: date, speakers: str | None = None,
                 place: str | None = None, description: str | None = None, actor: Any = None) -> WorkshopEvent:
    if kind not in {k.value for k in EventKind}:
        raise WorkshopError(_("活动类型无效。"))
    if not (title or "").strip() or held_on is None:
        raise WorkshopError(_("请填写活动主题和日期。"))
    event = WorkshopEvent(community_id=community.id, kind=kind, title=title.strip(),
                          speakers=(speakers or "").strip() or None, held_on=held_on,
                          place=(place or "").strip() or None, description=(description or "").strip() or None,
                          created_by_id=getattr(actor, "id", None))
    db.session.add(event)
    db.session.flush()
    record("workshop.event.create", event, actor=actor, after={
        "community_id": community.id, "kind": kind, "title": event.title, "speakers": event.speakers,
        "held_on": held_on.isoformat(), "place": event.place})
    return event


def invite(event: WorkshopEvent, *, user_ids: list[int] = (), guests: list[tuple[str, int | None]] = (),
           actor: Any = None) -> int:
    """Invite accounts (organisers of the community's compounds) and named guests; returns how many were new."""
    people = util.community_people(event.community_id)
    if set(user_ids) - set(people):
        raise WorkshopError(_("只能邀请本社区各小区筹备组、换届小组或业委会的账号。"))
    community_compounds = set(util.community_compound_ids(event.community_id))
    invited_users = {invitee.user_id for invitee in event.invitees if invitee.user_id}
    invited_guests = {invitee.guest_name for invitee in event.invitees if invitee.guest_name}
    added = []
    for user_id in dict.fromkeys(user_ids):
        if user_id not in invited_users:
            event.invitees.append(EventInvitee(user_id=user_id, compound_id=people[user_id][1]))
            added.append({"user_id": user_id})
    for name, compound_id in guests:
        name = (name or "").strip()[:120]
        if not name or name in invited_guests:
            continue
        if compound_id is not None and compound_id not in community_compounds:
            raise WorkshopError(_("所选小区不在本社区。"))
        event.invitees.append(EventInvitee(guest_name=name, compound_id=compound_id))
        invited_guests.add(name)
        added.append({"guest": name, "compound_id": compound_id})
    if not added:
        raise WorkshopError(_("没有新增的受邀人。"))
    db.session.flush()
    record("workshop.event.invite", event, actor=actor, after={"added": added})
    return len(added)


def take_attendance(event: WorkshopEvent, present_ids: set[int], actor: Any = None) -> None:
    """Record who came (invitee ids in ``present_ids``); allowed from the day of the event."""
    if event.held_on > clock.today():
        raise WorkshopError(_("活动当天起才能登记签到。"))
    if not event.invitees:
        raise WorkshopError(_("请先添加受邀人。"))
    known = {invitee.id for invitee in event.invitees}
    if present_ids - known:
        raise WorkshopError(_("签到名单中有不属于本活动的人员。"))
    before = {invitee.id: invitee.attended for invitee in event.invitees}
    for invitee in event.invitees:
        invitee.attended = invitee.id in present_ids
    event.is_attendance_taken = True
    db.session.flush()
    record("workshop.event.attendance", event, actor=actor,
           before={str(k): v for k, v in before.items()},
           after={str(invitee.id): invitee.attended for invitee in event.invitees})


# ----------------------------------------------------------------------------- files

def store_file(data: bytes, filename: str, *, session: CoachingSession | None = None,
               event: WorkshopEvent | None = None, actor: Any = None) -> WorkshopFile:
    if not data:
        raise WorkshopError(_("文件是空的。"))
    limit = current_app.config.get("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
    if len(data) > limit:
        raise WorkshopError(_("文件超过 %(mb)s MB 的上限。", mb=limit // (1024 * 1024)))
    kind = uploads.sniff(data)
    if kind is None:
        raise WorkshopError(_("只接受 PDF、JPEG 或 PNG 文件。"))
    content_type = kind.content_type
    safe_name = Path(filename or "file").name[:200] or "file"
    stored = storage.store(data, filename=safe_name, content_type=content_type, purpose="workshop.file",
                           created_by=getattr(actor, "username", None))
    file = WorkshopFile(session_id=getattr(session, "id", None), event_id=getattr(event, "id", None),
                        filename=safe_name, stored_file_id=stored.id, content_type=content_type, size=len(data),
                        sha256=hashlib.sha256(data).hexdigest(), uploaded_by_id=getattr(actor, "id", None))
    db.session.add(file)
    db.session.flush()
    record("workshop.file.upload", file, actor=actor, compound_id=getattr(session, "compound_id", None),
           after={"session_id": file.session_id, "event_id": file.event_id, "filename": safe_name,
                  "content_type": content_type, "size": len(data), "sha256": file.sha256})
    return file


def _clean_names(names) -> list[str]:
    cleaned = []
    for name in names:
        name = (name or "").strip()[:120]
        if name and name not in cleaned:
            cleaned.append(name)
    return cleaned


def split_names(text: str | None) -> list[str]:
    """Names typed one per line or separated by 、 , ， ; ；"""
    import re

    return _clean_names(re.split(r"[\n\r、,，;；]+", text or ""))
