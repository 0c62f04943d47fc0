"""Meeting, minutes and proposal operations. They flush and audit; never commit."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import current_app, has_app_context
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..audit.operations import record
from ..committees.models import Committee, CommitteeMember
from ..committees.util import compound_settings, current_committee
from ..extensions import db
from ..notices.operations import post_notice
from ..registry.models import Voter
from ..rules.citations import law_names
from . import checks
from .models import (VOTE_CHOICES, VOTE_LABELS, AgendaItem, CommitteeMeeting, MeetingAttendance, MeetingRequest,
                     MeetingRequestSigner, Minutes, MinutesRevision, MinutesSignature, Motion, MotionVote, Proposal,
                     ProposalComment, ProposalSupport)

TEXT_LIMIT = 20_000


class MeetingError(ValueError):
    """A refused operation; the message is shown to the user as it is."""


def _actor_name(actor) -> str:
    return getattr(actor, "display_name", None) or getattr(actor, "username", None) or (
        actor if isinstance(actor, str) else "system")


def _board_locale():
    """Notices on the public board are official text: written in the default language (Chinese)
    whatever language the organiser's screen is in."""
    return force_locale(current_app.config["BABEL_DEFAULT_LOCALE"] if has_app_context() else "zh_Hans_CN")


def _text(value: str | None, what: str, *, required: bool = True, limit: int = TEXT_LIMIT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise MeetingError(_("%(what)s不能为空。", what=what))
    if len(value) > limit:
        raise MeetingError(_("%(what)s过长（最多 %(n)s 字）。", what=what, n=limit))
    return value


# --------------------------------------------------------------------------- meetings


def _committee_for(compound) -> Committee:
    committee = current_committee(compound)
    if committee is None:
        raise MeetingError(_("本小区尚未登记业委会，请先在业委会页面登记。"))
    return committee


def _agenda_gate(compound, agenda_posted_on: date, meeting_on: date, urgent_reason: str) -> bool:
    """True when the meeting is urgent (agenda late, reason given); raise when late without a reason."""
    days = int(compound_settings(compound)["committee_agenda_notice_days"])
    if checks.agenda_in_time(agenda_posted_on, meeting_on, days):
        return False
    if urgent_reason:
        return True
    raise MeetingError(_(
        "议题须在会议召开 %(days)s 日前告知全体委员（GR art 37-39）：%(meeting)s 的会议，议题最迟应于 %(latest)s 告知，"
        "记录的告知日期为 %(posted)s。确需紧急召开的，请填写紧急会议理由。",
        days=days, meeting=meeting_on, latest=checks.latest_agenda_on(meeting_on, days), posted=agenda_posted_on))


def create_meeting(compound, *, title: str, meeting_on: date, agenda_posted_on: date, agenda: list[str],
                   location: str = "", urgent_reason: str = "", request: MeetingRequest | None = None,
                   actor=None) -> CommitteeMeeting:
    committee = _committee_for(compound)
    title = _text(title, _("会议名称"), limit=200)
    location = _text(location, _("会议地点"), required=False, limit=200)
    urgent_reason = _text(urgent_reason, _("紧急会议理由"), required=False)
    items = [_text(item, _("议题"), limit=200) for item in agenda if item and item.strip()]
    if not items:
        raise MeetingError(_("请至少列出一项议题。"))
    if agenda_posted_on > clock.today():
        raise MeetingError(_("议题告知日期不能晚于今天。"))
    if meeting_on < agenda_posted_on:
        raise MeetingError(_("会议日期不能早于议题告知日期。"))
    if request is not None and request.compound_id != compound.id:
        raise MeetingError(_("委员提议不属于本小区。"))
    is_urgent = _agenda_gate(compound, agenda_posted_on, meeting_on, urgent_reason)
    meeting = CommitteeMeeting(
        compound_id=compound.id, committee_id=committee.id, title=title, meeting_on=meeting_on, location=location,
        agenda_posted_on=agenda_posted_on, is_urgent=is_urgent, urgent_reason=urgent_reason if is_urgent else None,
        request_id=request.id if request else None, created_by_id=getattr(actor, "id", None))
    meeting.agenda_items = [AgendaItem(position=i, title=item, posted_on=agenda_posted_on)
                            for i, item in enumerate(items, start=1)]
    db.session.add(meeting)
    db.session.flush()
    record("meeting.create", meeting, compound_id=compound.id, actor=actor, after={
        "title": title, "meeting_on": meeting_on, "agenda_posted_on": agenda_posted_on, "agenda": items,
        "is_urgent": is_urgent, "urgent_reason": meeting.urgent_reason, "request": meeting.request_id})
    return meeting


def _editable(meeting: CommitteeMeeting) -> None:
    if meeting.is_locked:
        raise MeetingError(_("会议纪要已锁定，会议记录不能再修改；如需更正，请新增更正版本并说明理由。"))


def add_agenda_item(meeting: CommitteeMeeting, compound, *, title: str, urgent_reason: str = "",
                    actor=None) -> AgendaItem:
    """Add an item to a posted agenda (posted today): later than 7 days ahead only as urgent."""
    _editable(meeting)
    if meeting.is_attendance_recorded:
        raise MeetingError(_("会议已召开，不能再增加议题。"))
    title = _text(title, _("议题"), limit=200)
    urgent_reason = _text(urgent_reason, _("紧急会议理由"), required=False)
    today = clock.today()
    if _agenda_gate(compound, today, meeting.meeting_on, urgent_reason) and not meeting.is_urgent:
        meeting.is_urgent = True
        meeting.urgent_reason = urgent_reason
    item = AgendaItem(meeting_id=meeting.id, position=len(meeting.agenda_items) + 1, title=title, posted_on=today)
    meeting.agenda_items.append(item)
    db.session.flush()
    record("meeting.agenda_add", item, compound_id=meeting.compound_id, actor=actor,
           after={"title": title, "posted_on": today, "is_urgent": meeting.is_urgent})
    return item


def record_request(compound, *, requested_on: date, subject: str, member_ids: list[int], actor=None) -> MeetingRequest:
    """Members ask for a meeting: ≥ 1/3 of all members oblige the committee to meet within 7 days."""
    committee = _committee_for(compound)
    subject = _text(subject, _("提议事由"), limit=2000)
    if requested_on > clock.today():
        raise MeetingError(_("提议日期不能晚于今天。"))
    members = committee.members_on(requested_on)
    by_id = {m.id: m for m in members}
    chosen = sorted(set(member_ids))
    if any(member_id not in by_id for member_id in chosen):
        raise MeetingError(_("提议人须为提议当日在任的委员。"))
    settings = compound_settings(compound)
    share = settings["committee_request_share"]
    if not checks.request_meets_share(len(chosen), len(members), share):
        raise MeetingError(_(
            "提议召开业委会会议须有三分之一以上委员（全体 %(total)s 名委员中至少 %(need)s 名），现有 %(n)s 名（GR art 37-39）。",
            total=len(members), need=-(-share.numerator * len(members) // share.denominator), n=len(chosen)))
    request = MeetingRequest(
        compound_id=compound.id, committee_id=committee.id, requested_on=requested_on, subject=subject,
        member_count=len(members), created_by_id=getattr(actor, "id", None),
        meeting_due_on=checks.within_days(requested_on, int(settings["committee_request_meeting_days"])))
    request.signers = [MeetingRequestSigner(member_id=member_id) for member_id in chosen]
    db.session.add(request)
    db.session.flush()
    record("meeting.request", request, compound_id=compound.id, actor=actor, after={
        "requested_on": requested_on, "subject": subject, "members": [by_id[i].name for i in chosen],
        "meeting_due_on": request.meeting_due_on})
    return request


def members_of(meeting: CommitteeMeeting) -> list[CommitteeMember]:
    """All members in office on the meeting day: the base of quorum and majority."""
    return meeting.committee.members_on(meeting.meeting_on)


def record_attendance(meeting: CommitteeMeeting, member_ids: list[int], *, actor=None) -> None:
    _editable(meeting)
    if clock.today() < meeting.meeting_on:
        raise MeetingError(_("会议尚未召开（%(d)s），不能登记出席。", d=meeting.meeting_on))
    members = {m.id: m for m in members_of(meeting)}
    chosen = set(member_ids)
    if any(member_id not in members for member_id in chosen):
        raise MeetingError(_("只能登记会议当日在任的委员出席；不得委托他人代为出席。"))
    voted = {vote.member_id for motion in meeting.motions for vote in motion.votes}
    if voted - chosen:
        raise MeetingError(_("已参加表决的委员不能登记为缺席，请先更正表决。"))
    before = sorted(meeting.present_member_ids)
    meeting.attendance = [row for row in meeting.attendance if row.member_id in chosen]
    present = meeting.present_member_ids
    meeting.attendance.extend(MeetingAttendance(member_id=member_id) for member_id in sorted(chosen - present))
    meeting.is_attendance_recorded = True
    db.session.flush()
    record("meeting.attendance", meeting, compound_id=meeting.compound_id, actor=actor,
           before={"present": before}, after={"present": sorted(chosen), "total": len(members)})


def add_motion(meeting: CommitteeMeeting, *, text: str, agenda_item_id: int | None = None, actor=None) -> Motion:
    _editable(meeting)
    text = _text(text, _("表决事项"), limit=2000)
    if agenda_item_id is not None and agenda_item_id not in {item.id for item in meeting.agenda_items}:
        raise MeetingError(_("议题不属于本次会议。"))
    motion = Motion(meeting_id=meeting.id, agenda_item_id=agenda_item_id, position=len(meeting.motions) + 1, text=text)
    meeting.motions.append(motion)
    db.session.flush()
    record("meeting.motion_add", motion, compound_id=meeting.compound_id, actor=actor,
           after={"text": text, "agenda_item": agenda_item_id})
    return motion


def record_votes(motion: Motion, meeting: CommitteeMeeting, votes: dict[int, str | None], *, actor=None) -> None:
    """Each present member's vote: for / against / abstain (None: did not vote). No proxies."""
    _editable(meeting)
    if not meeting.is_attendance_recorded:
        raise MeetingError(_("请先登记出席委员，再登记表决。"))
    present = meeting.present_member_ids
    cleaned: dict[int, str] = {}
    for member_id, choice in votes.items():
        if not choice:
            continue
        if choice not in VOTE_CHOICES:
            raise MeetingError(_("未知的表决意见：%(choice)s", choice=choice))
        if member_id not in present:
            raise MeetingError(_("只有出席会议的委员本人可以表决，不得委托代理。"))
        cleaned[member_id] = choice
    before = {vote.member_id: vote.choice for vote in motion.votes}
    motion.votes = [vote for vote in motion.votes if vote.member_id in cleaned]
    for vote in motion.votes:
        vote.choice = cleaned[vote.member_id]
    existing = {vote.member_id for vote in motion.votes}
    motion.votes.extend(MotionVote(member_id=member_id, choice=choice)
                        for member_id, choice in sorted(cleaned.items()) if member_id not in existing)
    motion.is_voted = True
    db.session.flush()
    result = result_of(motion, meeting)
    record("meeting.votes", motion, compound_id=meeting.compound_id, actor=actor, before=before,
           after={"votes": cleaned, "passed": result.passed, "quorum_met": result.quorum_met})


def result_of(motion: Motion, meeting: CommitteeMeeting) -> checks.MotionResult:
    counts = {choice: 0 for choice in VOTE_CHOICES}
    for vote in motion.votes:
        counts[vote.choice] += 1
    return checks.motion_result(len(members_of(meeting)), len(meeting.present_member_ids),
                                counts["for"], counts["against"], counts["abstain"])


def decisions_due_on(meeting: CommitteeMeeting, compound) -> date:
    return checks.within_days(meeting.meeting_on, int(compound_settings(compound)["decision_posting_days"]))


def post_decisions(meeting: CommitteeMeeting, compound, *, posted_on: date | None = None, actor=None):
    """Post the meeting's decisions on the public board (within 3 days, GR arts 37-39).

    ``posted_on`` (default today) records a posting made earlier on the paper board."""
    today = clock.today()
    posted_on = posted_on or today
    if not meeting.meeting_on <= posted_on <= today:
        raise MeetingError(_("公告日期须在会议日期与今天之间。"))
    if meeting.decisions_notice_id is not None:
        raise MeetingError(_("本次会议的决定已经公告。"))
    voted = [motion for motion in meeting.motions if motion.is_voted]
    if not voted:
        raise MeetingError(_("本次会议还没有表决结果，无可公告的决定。"))
    with _board_locale():
        lines = [_("%(compound)s业主委员会于 %(date)s 召开会议（%(title)s），全体委员 %(total)s 名，出席 %(present)s 名。",
                   compound=compound.name, date=meeting.meeting_on, title=meeting.title,
                   total=len(members_of(meeting)), present=len(meeting.present_member_ids))]
        for index, motion in enumerate(voted, start=1):
            result = result_of(motion, meeting)
            outcome = _("通过") if result.passed else (_("未通过") if result.quorum_met else _("出席人数未过半数，未形成决定"))
            lines.append(_("%(n)s. %(text)s —— 同意 %(f)s，反对 %(a)s，弃权 %(ab)s：%(outcome)s。", n=index, text=motion.text,
                           f=result.votes_for, a=result.votes_against, ab=result.votes_abstain, outcome=outcome))
        lines.append(_("决定须经全体委员过半数同意（依据：%(basis)s）。业主如有疑问，可向业主委员会查询。",
                       basis=law_names(["GR art 37-39"], "、")))  # a public notice: the law's name, never the key
        notice = post_notice(compound, kind="committee_decision",
                             title=_("%(compound)s业主委员会决定公告（%(date)s 会议）", compound=compound.name,
                                     date=meeting.meeting_on),
                             body="\n".join(lines), posted_on=posted_on, citations=list(checks.MEETING_CITATIONS),
                             source=("committee_meeting", meeting.id), posted_by=actor if hasattr(actor, "id") else None)
    meeting.decisions_notice_id = notice.id
    meeting.decisions_posted_on = posted_on
    db.session.flush()
    due_on = decisions_due_on(meeting, compound)
    record("meeting.decisions_post", meeting, compound_id=meeting.compound_id, actor=actor,
           after={"notice": notice.id, "posted_on": posted_on, "due_on": due_on,
                  "status": checks.posting_status(due_on, posted_on, today)})
    return notice


# --------------------------------------------------------------------------- minutes


def _member_label(member: CommitteeMember) -> str:
    return f"{member.name}（{member.role_label}）"


def meeting_facts(meeting: CommitteeMeeting) -> dict:
    """What the record says happened: attendance, quorum and each vote (plain values)."""
    members = members_of(meeting)
    present_ids = meeting.present_member_ids
    names = {m.id: m.name for m in members}
    motions = []
    for motion in meeting.motions:
        result = result_of(motion, meeting)
        motions.append({
            "text": motion.text,
            "item": motion.agenda_item.title if motion.agenda_item else None,
            "is_voted": motion.is_voted,
            "votes": [{"name": names.get(v.member_id, "?"), "choice": v.choice}
                      for v in sorted(motion.votes, key=lambda v: v.member_id)],
            "for": result.votes_for, "against": result.votes_against, "abstain": result.votes_abstain,
            "passed": result.passed, "quorum_met": result.quorum_met,
        })
    return {
        "title": meeting.title, "meeting_on": meeting.meeting_on.isoformat(), "location": meeting.location,
        "agenda_posted_on": meeting.agenda_posted_on.isoformat(), "is_urgent": meeting.is_urgent,
        "urgent_reason": meeting.urgent_reason or "",
        "total_members": len(members),
        "present": [_member_label(m) for m in members if m.id in present_ids],
        "absent": [_member_label(m) for m in members if m.id not in present_ids],
        "quorum_met": checks.motion_result(len(members), len(present_ids), 0, 0, 0).quorum_met,
        "motions": motions,
    }


def save_minutes(meeting: CommitteeMeeting, *, opening: str, discussions: dict[int, str], other: str,
                 reason: str = "", actor=None) -> MinutesRevision:
    """Save the minutes as a new revision. After locking, only as a correction with a reason."""
    minutes = meeting.minutes
    if minutes is None:
        minutes = Minutes(meeting_id=meeting.id)
        db.session.add(minutes)
        meeting.minutes = minutes
        db.session.flush()
    reason = _text(reason, _("更正理由"), required=minutes.is_locked)
    if not meeting.is_attendance_recorded:
        raise MeetingError(_("请先登记出席委员，再起草会议纪要。"))
    item_ids = {item.id for item in meeting.agenda_items}
    if set(discussions) - item_ids:
        raise MeetingError(_("议题不属于本次会议。"))
    content = meeting_facts(meeting) | {
        "opening": _text(opening, _("会议情况"), required=False),
        "items": [{"id": item.id, "title": item.title, "discussion": _text(discussions.get(item.id), _("讨论情况"), required=False)}
                  for item in meeting.agenda_items],
        "other": _text(other, _("其他事项"), required=False),
    }
    latest = minutes.latest
    if latest is not None and latest.content == content:
        raise MeetingError(_("纪要没有改动，未生成新版本。"))
    revision = MinutesRevision(minutes_id=minutes.id, number=(latest.number + 1) if latest else 1, content=content,
                               is_correction=minutes.is_locked, reason=reason or None,
                               author_id=getattr(actor, "id", None), author_name=_actor_name(actor))
    minutes.revisions.append(revision)
    db.session.flush()
    record("minutes.correct" if revision.is_correction else "minutes.revise", revision,
           compound_id=meeting.compound_id, actor=actor,
           after={"meeting": meeting.id, "number": revision.number, "reason": revision.reason})
    return revision


def record_changed_since_latest(meeting: CommitteeMeeting) -> bool:
    """Whether attendance or votes changed after the latest revision of the minutes was saved."""
    if meeting.minutes is None or meeting.minutes.latest is None:
        return False
    content = meeting.minutes.latest.content
    return any(content.get(key) != value for key, value in meeting_facts(meeting).items())


def _check_record_unchanged(meeting: CommitteeMeeting) -> None:
    """Members sign what the latest revision says: refuse when attendance or votes changed since."""
    if record_changed_since_latest(meeting):
        raise MeetingError(_("第 %(n)s 版纪要保存后，出席或表决记录又有改动，请先保存新版本再签字或锁定。",
                             n=meeting.minutes.latest.number))


def sign_minutes(meeting: CommitteeMeeting, member_ids: list[int], *, signed_on: date, actor=None) -> int:
    """Record present members' signatures on the latest revision; returns how many were added."""
    minutes = meeting.minutes
    if minutes is None or minutes.latest is None:
        raise MeetingError(_("纪要尚未起草，不能签字。"))
    if minutes.is_locked:
        raise MeetingError(_("纪要已锁定。"))
    if signed_on > clock.today() or signed_on < meeting.meeting_on:
        raise MeetingError(_("签字日期须在会议日期与今天之间。"))
    _check_record_unchanged(meeting)
    present = meeting.present_member_ids
    if any(member_id not in present for member_id in member_ids):
        raise MeetingError(_("只有出席会议的委员在纪要上签字。"))
    number = minutes.latest.number
    signed = {s.member_id for s in minutes.signatures if s.revision_number == number}
    added = [member_id for member_id in sorted(set(member_ids)) if member_id not in signed]
    minutes.signatures.extend(MinutesSignature(member_id=member_id, revision_number=number, signed_on=signed_on,
                                               recorded_by_id=getattr(actor, "id", None)) for member_id in added)
    db.session.flush()
    record("minutes.sign", minutes, compound_id=meeting.compound_id, actor=actor,
           after={"revision": number, "members": added, "signed_on": signed_on})
    return len(added)


def unsigned_members(meeting: CommitteeMeeting) -> list[CommitteeMember]:
    minutes = meeting.minutes
    number = minutes.latest.number if minutes and minutes.latest else None
    signed = {s.member_id for s in (minutes.signatures if minutes else []) if s.revision_number == number}
    return [m for m in members_of(meeting) if m.id in meeting.present_member_ids and m.id not in signed]


def lock_minutes(meeting: CommitteeMeeting, *, actor=None) -> None:
    """Lock the minutes once every present member has signed the latest revision."""
    minutes = meeting.minutes
    if minutes is None or minutes.latest is None:
        raise MeetingError(_("纪要尚未起草。"))
    if minutes.is_locked:
        raise MeetingError(_("纪要已锁定。"))
    _check_record_unchanged(meeting)
    missing = unsigned_members(meeting)
    if missing:
        raise MeetingError(_("以下出席委员尚未在第 %(n)s 版纪要上签字：%(names)s。", n=minutes.latest.number,
                             names="、".join(m.name for m in missing)))
    minutes.locked_at = clock.utcnow()
    minutes.locked_by_id = getattr(actor, "id", None)
    minutes.locked_revision_number = minutes.latest.number
    db.session.flush()
    record("minutes.lock", minutes, compound_id=meeting.compound_id, actor=actor,
           after={"revision": minutes.locked_revision_number})


# --------------------------------------------------------------------------- proposals


def submit_proposal(compound, voter: Voter, *, title: str, body: str, actor=None) -> Proposal:
    """An owner submits a proposal; the proposer counts as its first supporter."""
    if voter is None or voter.compound_id != compound.id:
        raise MeetingError(_("只有本小区业主可以提出议题。"))
    proposal = Proposal(compound_id=compound.id, voter_id=voter.id, author_id=getattr(actor, "id", None),
                        title=_text(title, _("议题标题"), limit=200), body=_text(body, _("议题内容"), limit=5000))
    proposal.supports = [ProposalSupport(voter_id=voter.id, user_id=getattr(actor, "id", None))]
    db.session.add(proposal)
    db.session.flush()
    record("proposal.submit", proposal, compound_id=compound.id, actor=actor,
           after={"title": proposal.title, "voter": voter.key})
    return proposal


def support_proposal(proposal: Proposal, voter: Voter, *, actor=None) -> ProposalSupport:
    """One support per voter, kept so by the database; a second one is refused clearly."""
    if voter is None or voter.compound_id != proposal.compound_id:
        raise MeetingError(_("只有本小区业主可以联署支持议题。"))
    if proposal.state != "open":
        raise MeetingError(_("议题已答复，不再接受联署。"))
    support = ProposalSupport(proposal_id=proposal.id, voter_id=voter.id, user_id=getattr(actor, "id", None))
    try:
        with db.session.begin_nested():
            db.session.add(support)
    except IntegrityError:
        raise MeetingError(_("您（%(voter)s）已经支持过这个议题，每位业主只计一次。", voter=voter.display_name)) from None
    record("proposal.support", proposal, compound_id=proposal.compound_id, actor=actor, after={"voter": voter.key})
    return support


def comment_on(proposal: Proposal, *, body: str, actor=None, is_committee: bool = False) -> ProposalComment:
    comment = ProposalComment(proposal_id=proposal.id, author_id=getattr(actor, "id", None),
                              author_name=_actor_name(actor), is_committee=is_committee,
                              body=_text(body, _("发言内容"), limit=5000))
    db.session.add(comment)
    db.session.flush()
    record("proposal.comment", comment, compound_id=proposal.compound_id, actor=actor,
           after={"proposal": proposal.id, "is_committee": is_committee})
    return comment


def support_of(proposal: Proposal, compound) -> checks.SupportShare:
    """Supporters' headcount and area against the roll, and whether an EGM is due."""
    from ..registry.operations import roll_summary

    headcount, area = db.session.execute(
        select(func.count(ProposalSupport.id), func.coalesce(func.sum(Voter.area), 0))
        .join(Voter, Voter.id == ProposalSupport.voter_id)
        .where(ProposalSupport.proposal_id == proposal.id, Voter.is_on_roll)  # supporters still owners
    ).one()
    summary = roll_summary(compound)
    return checks.support_share(headcount, Decimal(area).quantize(Decimal("0.01")), summary.headcount, summary.area,
                                compound_settings(compound)["egm_request_share"])


def decide_proposal(proposal: Proposal, compound, *, decision: str, actor=None):
    """The committee's recorded answer, posted on the public board."""
    if proposal.state != "open":
        raise MeetingError(_("议题已经答复。"))
    decision = _text(decision, _("答复意见"), limit=5000)
    today = clock.today()
    support = support_of(proposal, compound)
    with _board_locale():
        body = "\n".join([
            _("议题：%(title)s", title=proposal.title),
            _("联署业主 %(n)s 人（占业主人数 %(p)s%%），专有部分面积 %(a)s ㎡（占 %(ap)s%%）。", n=support.headcount,
              p=support.headcount_percent, a=support.area, ap=support.area_percent),
            _("业主委员会答复：%(decision)s", decision=decision),
        ])
        notice = post_notice(compound, kind="proposal_decision", title=_("议题答复：%(title)s", title=proposal.title),
                             body=body, posted_on=today, citations=["GR art 36"],
                             source=("proposal", proposal.id), posted_by=actor if hasattr(actor, "id") else None)
    proposal.decision = decision
    proposal.decided_on = today
    proposal.decided_by_id = getattr(actor, "id", None)
    proposal.notice_id = notice.id
    db.session.flush()
    record("proposal.decide", proposal, compound_id=compound.id, actor=actor,
           after={"decision": decision, "notice": notice.id})
    return notice
