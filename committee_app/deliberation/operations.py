"""Deliberation and participation operations. They flush and audit; never commit."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from .. import clock
from ..audit.operations import record
from ..extensions import db
from . import rules
from .models import (CLOSED, DEBATE, DECIDED, DONE, LAPSED, MOVED, QUEUED, SPEAKING, WITHDRAWN, DeliberationMotion,
                     DeliberationSession, FloorRequest, PointEntry, PointRate)

NAME_LIMIT, TITLE_LIMIT, TEXT_LIMIT = 120, 200, 5_000


class DeliberationError(ValueError):
    """A refused step; the message is shown to the user as it is."""


def _actor_name(actor) -> str:
    return getattr(actor, "display_name", None) or getattr(actor, "username", None) or (
        actor if isinstance(actor, str) else "system")


def _clean(value: str | None, what: str, limit: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        raise DeliberationError(_("%(what)s含有无效字符。", what=what))
    if required and not value:
        raise DeliberationError(_("请填写%(what)s。", what=what))
    if len(value) > limit:
        raise DeliberationError(_("%(what)s不能超过 %(limit)s 个字。", what=what, limit=limit))
    return value


def _names(text: str | None) -> list[str]:
    seen, names = set(), []
    for raw in (text or "").replace("、", "\n").replace(",", "\n").replace("，", "\n").replace(";", "\n").splitlines():
        name = _clean(raw, _("姓名"), NAME_LIMIT, required=False)
        if name and name not in seen:
            seen.add(name)
            names.append(name)
    return names


# --- sessions --------------------------------------------------------------------------

def create_session(compound, *, body: str, title: str, held_on: date, place: str, chair_name: str,
                   member_count: int, present: str, meeting=None, actor=None) -> DeliberationSession:
    if body not in rules.bodies():
        raise DeliberationError(_("未知的议事机构。"))
    present_names = _names(present)
    if member_count < 1 or member_count > 500:
        raise DeliberationError(_("成员人数应在 1 到 500 之间。"))
    if len(present_names) > member_count:
        raise DeliberationError(_("出席人数（%(present)s）多于成员人数（%(members)s）。",
                                  present=len(present_names), members=member_count))
    if meeting is not None and meeting.compound_id != compound.id:
        raise DeliberationError(_("会议不属于本小区。"))
    session = DeliberationSession(
        compound_id=compound.id, body=body, title=_clean(title, _("议题"), TITLE_LIMIT), held_on=held_on,
        place=_clean(place, _("地点"), TITLE_LIMIT, required=False),
        chair_name=_clean(chair_name, _("主持人"), NAME_LIMIT), member_count=member_count,
        present_names=present_names, meeting_id=getattr(meeting, "id", None), created_by_id=getattr(actor, "id", None))
    db.session.add(session)
    db.session.flush()
    session.minutes_text = minutes_text(session)
    record("deliberation.session.create", session, compound_id=compound.id, actor=actor,
           after={"body": body, "title": session.title, "held_on": held_on.isoformat(),
                  "members": member_count, "present": present_names})
    return session


def _open(session: DeliberationSession) -> None:
    if not session.is_open:
        raise DeliberationError(_("本次议事已结束，不能再更改。"))


def current_motion(session: DeliberationSession) -> DeliberationMotion | None:
    """The motion before the body now: the deepest pending one (an amendment before its motion)."""
    pending = [m for m in session.motions if m.is_pending]
    if not pending:
        return None
    return max(pending, key=lambda m: (m.depth, m.position))


def move_motion(session: DeliberationSession, *, text: str, moved_by: str, parent: DeliberationMotion | None = None,
                actor=None) -> DeliberationMotion:
    _open(session)
    text = _clean(text, _("动议内容"), TEXT_LIMIT)
    moved_by = _clean(moved_by, _("动议人"), NAME_LIMIT)
    procedure = rules.body(session.body).rules
    if parent is not None:
        if parent.session_id != session.id:
            raise DeliberationError(_("动议不属于本次议事。"))
        if parent.state != DEBATE:
            raise DeliberationError(_("只能对已附议、正在讨论的动议提出修正案。"))
        if not rules.may_amend(parent.depth, procedure):
            raise DeliberationError(_("议事规则不允许对修正案再提修正案（%(source)s）。", source=procedure.source))
        if any(m.parent_id == parent.id and m.is_pending for m in session.motions):
            raise DeliberationError(_("该动议已有一项待表决的修正案，请先表决。"))
    elif current_motion(session) is not None:
        raise DeliberationError(_("上一项动议尚未表决，请先处理完毕。"))
    motion = DeliberationMotion(session_id=session.id, parent_id=getattr(parent, "id", None),
                                position=len(session.motions) + 1, text=text, original_text=text, moved_by=moved_by,
                                state=MOVED if procedure.needs_second else DEBATE)
    session.motions.append(motion)
    db.session.flush()
    _refresh_minutes(session)
    record("deliberation.motion.move", motion, compound_id=session.compound_id, actor=actor,
           after={"session": session.id, "amends": motion.parent_id, "text": text, "moved_by": moved_by})
    return motion


def second_motion(motion: DeliberationMotion, *, seconded_by: str, actor=None) -> None:
    session = motion.session
    _open(session)
    seconded_by = _clean(seconded_by, _("附议人"), NAME_LIMIT)
    if motion.state != MOVED:
        raise DeliberationError(_("该动议不在等待附议。"))
    if seconded_by == motion.moved_by:
        raise DeliberationError(_("动议人不能为自己的动议附议。"))
    motion.seconded_by, motion.state = seconded_by, DEBATE
    db.session.flush()
    _refresh_minutes(session)
    record("deliberation.motion.second", motion, compound_id=session.compound_id, actor=actor,
           after={"seconded_by": seconded_by})


def lapse_motion(motion: DeliberationMotion, *, actor=None) -> None:
    """No one seconds: the motion is not discussed (NT 2)."""
    session = motion.session
    _open(session)
    if motion.state != MOVED:
        raise DeliberationError(_("该动议不在等待附议。"))
    motion.state = LAPSED
    db.session.flush()
    _refresh_minutes(session)
    record("deliberation.motion.lapse", motion, compound_id=session.compound_id, actor=actor)


def _turns_taken(motion: DeliberationMotion, speaker: str) -> int:
    return sum(1 for r in motion.floor if r.speaker == speaker and r.state in (QUEUED, SPEAKING, DONE))


def request_floor(motion: DeliberationMotion, *, speaker: str, side: str, actor=None) -> FloorRequest:
    session = motion.session
    _open(session)
    speaker = _clean(speaker, _("发言人"), NAME_LIMIT)
    if motion.state != DEBATE:
        raise DeliberationError(_("该动议不在讨论中。"))
    procedure = rules.body(session.body).rules
    refusal = rules.floor_refusal(procedure, speaker=speaker, side=side, turns_taken=_turns_taken(motion, speaker))
    if refusal == "side":
        raise DeliberationError(_("请选择正方或反方。"))
    if refusal == "turns":
        raise DeliberationError(_("%(name)s 对本动议已发言 %(turns)s 次，达到议事规则的上限（%(source)s）。",
                                  name=speaker, turns=procedure.turns_per_motion, source=procedure.source))
    request = FloorRequest(motion_id=motion.id, speaker=speaker, side=side)
    motion.floor.append(request)
    db.session.flush()
    return request


def speaking_now(motion: DeliberationMotion) -> FloorRequest | None:
    return next((r for r in motion.floor if r.state == SPEAKING), None)


def give_floor(motion: DeliberationMotion, *, actor=None) -> FloorRequest:
    """The chair gives the floor to the next speaker, alternating sides (NT 4)."""
    session = motion.session
    _open(session)
    if speaking_now(motion) is not None:
        raise DeliberationError(_("请先结束当前发言。"))
    queue = [(r.id, r.side) for r in motion.floor if r.state == QUEUED]
    done = [r for r in motion.floor if r.state == DONE]
    last_side = done[-1].side if done else None
    next_id = rules.next_speaker(queue, last_side, rules.body(session.body).rules)
    if next_id is None:
        raise DeliberationError(_("没有等待发言的人。"))
    request = next(r for r in motion.floor if r.id == next_id)
    request.state, request.started_at = SPEAKING, clock.utcnow()
    db.session.flush()
    return request


def end_speech(motion: DeliberationMotion, *, summary: str = "", actor=None) -> FloorRequest:
    session = motion.session
    _open(session)
    request = speaking_now(motion)
    if request is None:
        raise DeliberationError(_("现在没有人在发言。"))
    request.ended_at = clock.utcnow()
    request.seconds = max(0, int((request.ended_at - request.started_at).total_seconds()))
    request.is_over_time = rules.is_over_time(request.seconds, rules.body(session.body).rules)
    request.summary = _clean(summary, _("发言要点"), TEXT_LIMIT, required=False)
    request.state = DONE
    db.session.flush()
    _refresh_minutes(session)
    record("deliberation.speech", ("deliberation_floor", request.id), compound_id=session.compound_id, actor=actor,
           after={"motion": motion.id, "speaker": request.speaker, "side": request.side, "seconds": request.seconds,
                  "over_time": request.is_over_time})
    return request


def withdraw_request(request: FloorRequest, *, actor=None) -> None:
    _open(request.motion.session)
    if request.state != QUEUED:
        raise DeliberationError(_("只能撤回尚未发言的申请。"))
    request.state = WITHDRAWN
    db.session.flush()


def put_to_vote(motion: DeliberationMotion, *, votes_for: int, votes_against: int, votes_abstain: int,
                actor=None) -> rules.Outcome:
    """A show of hands of the members present. Amendments are voted before their motion;
    an adopted amendment's wording becomes the motion's."""
    session = motion.session
    _open(session)
    if motion.state != DEBATE:
        raise DeliberationError(_("只能表决已附议、正在讨论的动议。"))
    if any(m.parent_id == motion.id and m.is_pending for m in session.motions):
        raise DeliberationError(_("修正案须先于原动议表决。"))
    if speaking_now(motion) is not None:
        raise DeliberationError(_("请先结束当前发言。"))
    body = rules.body(session.body)
    try:
        outcome = rules.decide(body, members=session.member_count, present=session.present_count,
                               votes_for=votes_for, votes_against=votes_against, votes_abstain=votes_abstain)
    except ValueError:
        raise DeliberationError(_("票数之和（%(total)s）不能多于出席人数（%(present)s）。",
                                  total=votes_for + votes_against + votes_abstain, present=session.present_count))
    motion.votes_for, motion.votes_against, motion.votes_abstain = votes_for, votes_against, votes_abstain
    motion.outcome, motion.state, motion.decided_at = outcome.state, DECIDED, clock.utcnow()
    for request in motion.floor:
        if request.state == QUEUED:
            request.state = WITHDRAWN
    if motion.parent is not None and outcome.passed:
        motion.parent.text = motion.text
    db.session.flush()
    _refresh_minutes(session)
    record("deliberation.motion.vote", motion, compound_id=session.compound_id, actor=actor,
           after={"for": votes_for, "against": votes_against, "abstain": votes_abstain,
                  "present": session.present_count, "members": session.member_count, "outcome": outcome.state,
                  "basis": outcome.citation})
    return outcome


def close_session(session: DeliberationSession, *, actor=None) -> None:
    """End the sitting: motions still pending lapse; the minutes draft is final and, when the
    sitting belongs to a committee meeting, becomes a revision of that meeting's minutes."""
    _open(session)
    for motion in session.motions:
        if motion.is_pending:
            motion.state = LAPSED
    session.state, session.closed_at = CLOSED, clock.utcnow()
    db.session.flush()
    _refresh_minutes(session)
    if session.meeting is not None:
        _into_meeting_minutes(session, actor)
    record("deliberation.session.close", session, compound_id=session.compound_id, actor=actor,
           after={"motions": [{"id": m.id, "outcome": m.outcome or m.state} for m in session.motions]})


def _into_meeting_minutes(session: DeliberationSession, actor) -> None:
    from ..meetings import operations as meetings

    meeting = session.meeting
    minutes = meeting.minutes
    if minutes is not None and minutes.is_locked:
        return  # a locked record changes only by a correction with a reason, made by a person
    latest = minutes.latest.content if minutes is not None and minutes.latest is not None else {}
    discussions = {item["id"]: item.get("discussion", "") for item in latest.get("items", [])}
    other = "\n\n".join(part for part in (latest.get("other", ""), session.minutes_text) if part)
    try:
        meetings.save_minutes(meeting, opening=latest.get("opening", ""), discussions=discussions, other=other,
                              actor=actor)
    except meetings.MeetingError as error:
        raise DeliberationError(str(error))


# --- the minutes draft -----------------------------------------------------------------

def _refresh_minutes(session: DeliberationSession) -> None:
    session.minutes_text = minutes_text(session)


def minutes_text(session: DeliberationSession) -> str:
    """What was said and decided, written as the minutes draft (in the board's language, Chinese)."""
    body = rules.body(session.body)
    lines = [f"{session.title}（{body.title}）",
             f"时间：{session.held_on.isoformat()}　地点：{session.place or '—'}　主持人：{session.chair_name}",
             f"应到 {session.member_count} 人，实到 {session.present_count} 人：{'、'.join(session.present_names) or '—'}",
             f"议事规则：{body.rules.title}；表决规则依据：{body.citation}", ""]
    for motion in session.motions:
        if motion.parent_id is None:
            _motion_lines(motion, session.motions, lines, indent="")
    return "\n".join(lines).strip() + "\n"


def _motion_lines(motion: DeliberationMotion, motions: list[DeliberationMotion], lines: list[str], indent: str) -> None:
    """A motion, what was said on it, its amendments (voted first), then its own vote."""
    label = "修正案" if motion.is_amendment else "动议"
    parent = f"（对动议 {motion.parent.position} 的修正）" if motion.parent is not None else ""
    lines.append(f"{indent}{label} {motion.position}{parent}：{motion.original_text}")
    lines.append(f"{indent}　动议人：{motion.moved_by}；附议人：{motion.seconded_by or '无'}")
    for request in motion.floor:
        if request.state != DONE:
            continue
        side = "正方" if request.side == rules.FOR else "反方"
        over = "（超时）" if request.is_over_time else ""
        said = f"：{request.summary}" if request.summary else ""
        lines.append(f"{indent}　{side} {request.speaker} 发言 {request.seconds} 秒{over}{said}")
    for amendment in motions:
        if amendment.parent_id == motion.id:
            _motion_lines(amendment, motions, lines, indent + "　")
    if motion.state == DECIDED:
        result = {"passed": "通过", "failed": "未通过", "no_quorum": "出席人数不足法定人数，表决无效"}[motion.outcome]
        if motion.text != motion.original_text and not motion.is_amendment:
            lines.append(f"{indent}　按修正后的文本表决：{motion.text}")
        lines.append(f"{indent}　表决：赞成 {motion.votes_for}，反对 {motion.votes_against}，"
                     f"弃权 {motion.votes_abstain}；{result}")
    elif motion.state == LAPSED:
        lines.append(f"{indent}　无人附议或未表决，动议不成立")
    if not indent:
        lines.append("")


# --- participation points ---------------------------------------------------------------

def current_rates(community_id: int, on: date | None = None) -> dict[str, int]:
    """Points per activity in force on ``on``: the community's latest row, else the default."""
    return _rate_table(community_id)(on or clock.today())


def _rate_table(community_id: int):
    """The community's rate history read once; returns ``rates_on(day) -> {activity: points}``."""
    rows = db.session.execute(
        select(PointRate.valid_from, PointRate.activity, PointRate.points)
        .where(PointRate.community_id == community_id)
        .order_by(PointRate.valid_from, PointRate.id)).all()

    def rates_on(day: date) -> dict[str, int]:
        rates = {key: kind.points for key, kind in rules.default_points().items()}
        for valid_from, activity, points in rows:
            if valid_from <= day:
                rates[activity] = points
        return rates
    return rates_on


def set_rate(community, *, activity: str, points: int, valid_from: date, reason: str, actor=None) -> PointRate:
    if activity not in rules.default_points():
        raise DeliberationError(_("未知的参与类别。"))
    if not 0 <= points <= 1000:
        raise DeliberationError(_("积分应在 0 到 1000 之间。"))
    rate = PointRate(community_id=community.id, activity=activity, points=points, valid_from=valid_from,
                     reason=_clean(reason, _("调整理由"), TEXT_LIMIT), created_by=_actor_name(actor))
    db.session.add(rate)
    db.session.flush()
    record("points.rate.set", rate, actor=actor,
           after={"community": community.id, "activity": activity, "points": points, "from": valid_from.isoformat()})
    return rate


def _award(community_id: int, person: str, activity: str, source: str, earned_on: date, rates: dict[str, int],
           compound_id: int | None, actor, awarded: set[tuple[str, str]]) -> bool:
    """Add one award unless ``(person, source)`` already earned (``awarded``, read once per sync)."""
    person, source = person[:120], source[:80]
    if (person, source) in awarded:
        return False
    awarded.add((person, source))
    db.session.add(PointEntry(community_id=community_id, person=person, compound_id=compound_id, kind="award",
                              activity=activity, points=rates[activity], source=source, earned_on=earned_on,
                              reason=rules.default_points()[activity].title, created_by=_actor_name(actor)))
    return True


def sync_participation(community, *, actor=None) -> int:
    """Award points for participation recorded elsewhere and not yet awarded: salons and
    微学堂 attended, deliberations attended, committee meetings attended and minutes signed.
    Idempotent: each (person, source) earns once. Returns how many entries were added."""
    from ..committees.models import Committee, CommitteeMember
    from ..meetings.models import CommitteeMeeting, MeetingAttendance, MinutesSignature, Minutes
    from ..registry.models import Compound
    from ..workshop.models import EventInvitee, WorkshopEvent

    added = 0
    today = clock.today()
    rates_on = _rate_table(community.id)
    awarded = {(person, source) for person, source in db.session.execute(select(PointEntry.person, PointEntry.source).where(
        PointEntry.community_id == community.id, PointEntry.source.is_not(None)))}
    events = db.session.execute(
        select(WorkshopEvent, EventInvitee).join(EventInvitee, EventInvitee.event_id == WorkshopEvent.id)
        .where(WorkshopEvent.community_id == community.id, EventInvitee.attended.is_(True),
               WorkshopEvent.held_on <= today)).all()
    for event, invitee in events:
        activity = event.kind if event.kind in rules.default_points() else "salon"
        added += _award(community.id, invitee.name, activity, f"workshop_event:{event.id}", event.held_on,
                        rates_on(event.held_on), invitee.compound_id, actor, awarded)
    compound_ids = select(Compound.id).where(Compound.community_id == community.id)
    sessions = db.session.scalars(select(DeliberationSession).where(
        DeliberationSession.compound_id.in_(compound_ids), DeliberationSession.held_on <= today)).all()
    for sitting in sessions:
        for name in sitting.present_names:
            added += _award(community.id, name, "deliberation", f"deliberation:{sitting.id}", sitting.held_on,
                            rates_on(sitting.held_on), sitting.compound_id, actor, awarded)
    attended = db.session.execute(
        select(CommitteeMeeting, CommitteeMember.name)
        .join(MeetingAttendance, MeetingAttendance.meeting_id == CommitteeMeeting.id)
        .join(CommitteeMember, CommitteeMember.id == MeetingAttendance.member_id)
        .where(CommitteeMeeting.compound_id.in_(compound_ids), CommitteeMeeting.meeting_on <= today)).all()
    for meeting, name in attended:
        added += _award(community.id, name, "meeting_attended", f"meeting:{meeting.id}", meeting.meeting_on,
                        rates_on(meeting.meeting_on), meeting.compound_id, actor, awarded)
    signed = db.session.execute(
        select(CommitteeMeeting, CommitteeMember.name, MinutesSignature.signed_on)
        .join(Minutes, Minutes.meeting_id == CommitteeMeeting.id)
        .join(MinutesSignature, MinutesSignature.minutes_id == Minutes.id)
        .join(CommitteeMember, CommitteeMember.id == MinutesSignature.member_id)
        .where(CommitteeMeeting.compound_id.in_(compound_ids))).all()
    for meeting, name, signed_on in signed:
        if signed_on is not None and signed_on <= today:
            added += _award(community.id, name, "minutes_signed", f"minutes:{meeting.id}", signed_on,
                            rates_on(signed_on), meeting.compound_id, actor, awarded)
    db.session.flush()
    if added:
        record("points.sync", ("community", community.id), actor=actor, after={"added": added})
    return added


def balance(community_id: int, person: str) -> int:
    return int(db.session.scalar(select(func.coalesce(func.sum(PointEntry.points), 0)).where(
        PointEntry.community_id == community_id, PointEntry.person == person)))


def record_entry(community, *, person: str, kind: str, points: int, reason: str, activity: str | None = None,
                 earned_on: date | None = None, actor=None) -> PointEntry:
    """An exchange at the points supermarket (spends ``points``), an adjustment (either sign)
    with its reason, or volunteering recorded by the community (an award)."""
    person = _clean(person, _("姓名"), NAME_LIMIT)
    reason = _clean(reason, _("事由"), TEXT_LIMIT)
    if not -10_000 <= points <= 10_000 or points == 0:
        raise DeliberationError(_("积分应为 -10000 到 10000 之间的非零整数。"))
    if kind == "exchange":
        if points < 0:
            raise DeliberationError(_("兑换请填写要扣除的积分（正数）。"))
        if balance(community.id, person) < points:
            raise DeliberationError(_("%(name)s 的积分余额（%(balance)s）不足 %(points)s 分。",
                                      name=person, balance=balance(community.id, person), points=points))
        points = -points
    elif kind == "award":
        if activity not in rules.default_points() or points < 0:
            raise DeliberationError(_("请选择参与类别，积分为正数。"))
    elif kind != "adjustment":
        raise DeliberationError(_("未知的记录类型。"))
    entry = PointEntry(community_id=community.id, person=person, kind=kind, activity=activity, points=points,
                       reason=reason, earned_on=earned_on or clock.today(), created_by=_actor_name(actor))
    db.session.add(entry)
    db.session.flush()
    record(f"points.{kind}", entry, actor=actor,
           after={"community": community.id, "person": person, "points": points, "reason": reason})
    return entry


# --- recognition ------------------------------------------------------------------------

def _check_year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise DeliberationError(_("年度应在 2000 到 2100 之间。"))
    return year


def is_published(community_id: int, year: int) -> bool:
    from .models import RecognitionList
    return db.session.scalar(select(RecognitionList.id).where(
        RecognitionList.community_id == community_id, RecognitionList.year == year)) is not None


def add_category(community, *, year: int, name: str, description: str = "", actor=None):
    from .models import AwardCategory
    year = _check_year(year)
    if is_published(community.id, year):
        raise DeliberationError(_("%(year)s 年度表彰名单已发布，不能再增加类别。", year=year))
    name = _clean(name, _("类别名称"), 60)
    exists = db.session.scalar(select(AwardCategory.id).where(
        AwardCategory.community_id == community.id, AwardCategory.year == year, AwardCategory.name == name))
    if exists is not None:
        raise DeliberationError(_("本年度已有“%(name)s”类别。", name=name))
    category = AwardCategory(community_id=community.id, year=year, name=name,
                             description=_clean(description, _("说明"), TEXT_LIMIT, required=False))
    db.session.add(category)
    db.session.flush()
    record("recognition.category.add", category, actor=actor, after={"year": year, "name": name})
    return category


def nominate(category, *, nominee: str, channel: str, nominated_by: str, reason: str, compound_id: int | None = None,
             actor=None):
    from .models import NOMINATION_CHANNELS, AwardNomination
    if is_published(category.community_id, category.year):
        raise DeliberationError(_("%(year)s 年度表彰名单已发布，推荐已截止。", year=category.year))
    if channel not in NOMINATION_CHANNELS:
        raise DeliberationError(_("请选择推荐方式：自我推荐、居民推荐或组织推荐。"))
    nominee = _clean(nominee, _("被推荐人"), NAME_LIMIT)
    nominated_by = _clean(nominated_by, _("推荐人"), NAME_LIMIT)
    if channel == "self" and nominated_by != nominee:
        raise DeliberationError(_("自我推荐时推荐人应为本人。"))
    if any(n.nominee == nominee for n in category.nominations):
        raise DeliberationError(_("%(name)s 已被推荐到该类别。", name=nominee))
    nomination = AwardNomination(category_id=category.id, nominee=nominee, channel=channel, nominated_by=nominated_by,
                                 reason=_clean(reason, _("推荐理由"), TEXT_LIMIT), compound_id=compound_id)
    category.nominations.append(nomination)
    db.session.flush()
    record("recognition.nominate", nomination, compound_id=compound_id, actor=actor,
           after={"category": category.name, "year": category.year, "nominee": nominee, "channel": channel})
    return nomination


def review_nomination(nomination, *, accept: bool, note: str, actor=None) -> None:
    category = nomination.category
    if is_published(category.community_id, category.year):
        raise DeliberationError(_("表彰名单已发布，不能再更改评审结果。"))
    note = _clean(note, _("评审意见"), TEXT_LIMIT, required=not accept)
    nomination.state = "accepted" if accept else "declined"
    nomination.review_note, nomination.reviewed_by, nomination.reviewed_at = note, _actor_name(actor), clock.utcnow()
    db.session.flush()
    record("recognition.review", nomination, compound_id=nomination.compound_id, actor=actor,
           after={"state": nomination.state, "note": note})


def publish_list(community, *, year: int, actor=None):
    from .models import AwardCategory, AwardNomination, RecognitionList
    year = _check_year(year)
    if is_published(community.id, year):
        raise DeliberationError(_("%(year)s 年度表彰名单已发布。", year=year))
    accepted = db.session.scalar(select(func.count(AwardNomination.id)).join(AwardCategory).where(
        AwardCategory.community_id == community.id, AwardCategory.year == year, AwardNomination.state == "accepted"))
    if not accepted:
        raise DeliberationError(_("还没有通过评审的推荐，不能发布名单。"))
    waiting = db.session.scalar(select(func.count(AwardNomination.id)).join(AwardCategory).where(
        AwardCategory.community_id == community.id, AwardCategory.year == year, AwardNomination.state == "nominated"))
    if waiting:
        raise DeliberationError(ngettext("还有 %(num)s 项推荐未评审。", "还有 %(num)s 项推荐未评审。", waiting))
    published = RecognitionList(community_id=community.id, year=year, published_by=_actor_name(actor))
    db.session.add(published)
    db.session.flush()
    record("recognition.publish", published, actor=actor, after={"community": community.id, "year": year,
                                                                  "accepted": accepted})
    return published


# --- online consultation ------------------------------------------------------------------

def create_consultation(compound, *, title: str, question: str, options: str, closes_on: date, actor=None):
    from .models import Consultation
    today = clock.today()
    if closes_on < today:
        raise DeliberationError(_("截止日期不能早于今天。"))
    if (closes_on - today).days > 366:
        raise DeliberationError(_("征询期不能超过一年。"))
    choices = [o for o in _names(options)]
    if len(choices) == 1:
        raise DeliberationError(_("选项至少两项；只征集意见时请留空。"))
    if len(choices) > 20 or any(len(o) > 200 for o in choices):
        raise DeliberationError(_("选项最多 20 项，每项不超过 200 字。"))
    consultation = Consultation(compound_id=compound.id, title=_clean(title, _("主题"), TITLE_LIMIT),
                                question=_clean(question, _("征询问题"), TEXT_LIMIT), options=choices,
                                closes_on=closes_on, created_by_id=getattr(actor, "id", None))
    db.session.add(consultation)
    db.session.flush()
    record("consultation.create", consultation, compound_id=compound.id, actor=actor,
           after={"title": consultation.title, "options": choices, "closes_on": closes_on.isoformat()})
    return consultation


def give_voice(consultation, voter, *, option: str | None, comment: str, actor=None):
    """An owner's voice; giving it again replaces the earlier one while the consultation is open."""
    from .models import ConsultationVoice
    if not consultation.is_open_on(clock.today()):
        raise DeliberationError(_("征询已截止。"))
    if voter.compound_id != consultation.compound_id:
        raise DeliberationError(_("只有本小区业主可以参与征询。"))
    option = (option or "").strip() or None
    if consultation.options and option is None:
        raise DeliberationError(_("请选择一项。"))
    if option is not None and option not in consultation.options:
        raise DeliberationError(_("请选择列出的选项。"))
    comment = _clean(comment, _("意见"), TEXT_LIMIT, required=not consultation.options)
    voice = db.session.scalar(select(ConsultationVoice).where(
        ConsultationVoice.consultation_id == consultation.id, ConsultationVoice.voter_key == voter.key))
    if voice is None:
        voice = ConsultationVoice(consultation_id=consultation.id, voter_key=voter.key,
                                  display_name=voter.display_name[:120])
        db.session.add(voice)
    elif voice.is_hidden:
        raise DeliberationError(_("你的意见已被隐藏（%(reason)s），如有异议请联系组织者。", reason=voice.hidden_reason))
    voice.option, voice.comment, voice.updated_at = option, comment, clock.utcnow()
    db.session.flush()
    record("consultation.voice", voice, compound_id=consultation.compound_id, actor=actor,
           after={"consultation": consultation.id, "option": option, "comment": bool(comment)})
    return voice


def hide_voice(voice, *, reason: str, actor=None) -> None:
    reason = _clean(reason, _("隐藏理由"), TEXT_LIMIT)
    if voice.is_hidden:
        raise DeliberationError(_("该意见已隐藏。"))
    voice.is_hidden, voice.hidden_reason, voice.hidden_by = True, reason, _actor_name(actor)
    db.session.flush()
    record("consultation.hide", voice, compound_id=voice.consultation.compound_id, actor=actor,
           after={"reason": reason})


def publish_consultation(consultation, *, summary: str, answer: str, actor=None) -> None:
    if consultation.published_at is not None:
        raise DeliberationError(_("征询结果已发布。"))
    consultation.summary = _clean(summary, _("意见汇总"), TEXT_LIMIT)
    consultation.answer = _clean(answer, _("业委会答复"), TEXT_LIMIT)
    consultation.published_at = clock.utcnow()
    db.session.flush()
    record("consultation.publish", consultation, compound_id=consultation.compound_id, actor=actor,
           after={"voices": len(consultation.voices)})


def tally_consultation(consultation) -> list[tuple[str, int]]:
    """Voices per option (one per owner), hidden voices included: hiding moderates a comment,
    not the owner's choice."""
    counts = {option: 0 for option in consultation.options}
    for voice in consultation.voices:
        if voice.option in counts:
            counts[voice.option] += 1
    return list(counts.items())
