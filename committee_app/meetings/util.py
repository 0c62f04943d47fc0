"""Queries and plain-value builders for the meeting pages and PDFs."""
from __future__ import annotations

import difflib
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from .. import clock
from ..committees.models import Committee, CommitteeMember
from ..committees.util import compound_settings, term_status
from ..extensions import db
from ..registry.models import Voter
from ..rules import get_rule_set
from ..rules.model import SITUATIONS
from . import checks
from .models import (VOTE_LABELS, AgendaItem, CommitteeMeeting, MeetingAttendance, MeetingRequest, Minutes, Motion,
                     Proposal, ProposalSupport)

SITUATION_LABELS = {
    "normal_term": "任期内日常履职",
    "during_reelection": "换届期间",
    "before_service_contract": "签订物业服务合同前",
    "before_maintenance_funds": "使用维修资金前",
    "at_handover": "移交时",
}
KIND_LABELS = {"must": "应当", "may": "可以", "must_not": "不得"}


def meetings_of(compound) -> list[CommitteeMeeting]:
    return list(db.session.scalars(
        select(CommitteeMeeting).where(CommitteeMeeting.compound_id == compound.id)
        .options(selectinload(CommitteeMeeting.minutes), selectinload(CommitteeMeeting.agenda_items))
        .order_by(CommitteeMeeting.meeting_on.desc(), CommitteeMeeting.id.desc())))


def requests_of(compound) -> list[MeetingRequest]:
    return list(db.session.scalars(
        select(MeetingRequest).where(MeetingRequest.compound_id == compound.id)
        .options(selectinload(MeetingRequest.signers), selectinload(MeetingRequest.meetings))
        .order_by(MeetingRequest.requested_on.desc(), MeetingRequest.id.desc())))


def request_status(request: MeetingRequest, today: date) -> str:
    """``met`` (a meeting on or before the due day), ``late`` (held after it), ``pending``, ``overdue``."""
    dates = [m.meeting_on for m in request.meetings]
    if dates:
        return "met" if min(dates) <= request.meeting_due_on else "late"
    return "pending" if today <= request.meeting_due_on else "overdue"


def load_meeting(compound, meeting_id: int) -> CommitteeMeeting | None:
    """The meeting with everything its page shows, or None when it is not this compound's."""
    meeting = db.session.scalar(
        select(CommitteeMeeting).where(CommitteeMeeting.id == meeting_id)
        .options(
            selectinload(CommitteeMeeting.committee).selectinload(Committee.members),
            selectinload(CommitteeMeeting.agenda_items),
            selectinload(CommitteeMeeting.attendance),
            selectinload(CommitteeMeeting.motions).selectinload(Motion.votes),
            selectinload(CommitteeMeeting.motions).selectinload(Motion.agenda_item),
            selectinload(CommitteeMeeting.minutes).selectinload(Minutes.revisions),
            selectinload(CommitteeMeeting.minutes).selectinload(Minutes.signatures),
        ))
    if meeting is None or meeting.compound_id != compound.id:
        return None
    return meeting


def urgent_meetings(compounds: Select) -> Select:
    """``select(CommitteeMeeting)`` of urgent meetings (agenda posted late, with a reason) in
    the given compounds — for the oversight board."""
    from ..registry.models import Compound

    return (select(CommitteeMeeting)
            .where(CommitteeMeeting.is_urgent.is_(True),
                   CommitteeMeeting.compound_id.in_(compounds.with_only_columns(Compound.id)))
            .order_by(CommitteeMeeting.meeting_on.desc()))


# --------------------------------------------------------------------------- minutes text and diff


def _choice(choice: str) -> str:
    return VOTE_LABELS.get(choice, choice)


def revision_lines(content: dict) -> list[str]:
    """The minutes as numbered plain text lines: the same text in the page, the diff and the PDF."""
    lines = [f"会议：{content['title']}", f"日期：{content['meeting_on']}　地点：{content.get('location') or '—'}",
             f"议题告知日期：{content['agenda_posted_on']}"]
    if content.get("is_urgent"):
        lines.append(f"紧急会议理由：{content.get('urgent_reason', '')}")
    lines += [f"全体委员：{content['total_members']} 名；出席 {len(content['present'])} 名："
              f"{'、'.join(content['present']) or '—'}",
              f"缺席：{'、'.join(content['absent']) or '—'}",
              "出席人数过半数，会议有效。" if content["quorum_met"] else "出席人数未过半数，会议不能作出决定。"]
    if content.get("opening"):
        lines += ["会议情况："] + content["opening"].splitlines()
    for index, item in enumerate(content.get("items", []), start=1):
        lines.append(f"议题{index}：{item['title']}")
        lines += [f"  {line}" for line in (item.get("discussion") or "").splitlines()]
    for index, motion in enumerate(content.get("motions", []), start=1):
        lines.append(f"表决{index}：{motion['text']}")
        if motion.get("is_voted", True):
            lines.append(f"  同意 {motion['for']}，反对 {motion['against']}，弃权 {motion['abstain']}：" +
                         ("通过" if motion["passed"] else "未通过"))
            lines.append("  " + "；".join(f"{v['name']} {_choice(v['choice'])}" for v in motion["votes"]))
        else:
            lines.append("  尚未表决")
    if content.get("other"):
        lines += ["其他事项："] + content["other"].splitlines()
    return lines


def diff_rows(old: dict, new: dict) -> list[tuple[str, str]]:
    """A line diff of two revisions as (mark, text) pairs; mark is ' ', '-' or '+'."""
    rows = []
    for line in difflib.ndiff(revision_lines(old), revision_lines(new)):
        mark, text = line[:1], line[2:]
        if mark in (" ", "-", "+"):
            rows.append((mark, text))
    return rows


# --------------------------------------------------------------------------- proposals


def proposals_of(compound) -> list[tuple[Proposal, int]]:
    """Proposals with their supporters' headcount, in one query."""
    counts = (select(ProposalSupport.proposal_id, func.count(ProposalSupport.id).label("n"))
              .group_by(ProposalSupport.proposal_id).subquery())
    rows = db.session.execute(
        select(Proposal, func.coalesce(counts.c.n, 0)).outerjoin(counts, counts.c.proposal_id == Proposal.id)
        .where(Proposal.compound_id == compound.id).order_by(Proposal.submitted_at.desc(), Proposal.id.desc()))
    return [(proposal, count) for proposal, count in rows]


def load_proposal(compound, proposal_id: int) -> Proposal | None:
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or proposal.compound_id != compound.id:
        return None
    return proposal


def supporter_names(proposal: Proposal) -> list[str]:
    return list(db.session.scalars(
        select(Voter.display_name).join(ProposalSupport, ProposalSupport.voter_id == Voter.id)
        .where(ProposalSupport.proposal_id == proposal.id).order_by(ProposalSupport.id)))


def has_supported(proposal: Proposal, voter: Voter | None) -> bool:
    if voter is None:
        return False
    return db.session.scalar(select(ProposalSupport.id).where(
        ProposalSupport.proposal_id == proposal.id, ProposalSupport.voter_id == voter.id)) is not None


# --------------------------------------------------------------------------- checklists


def default_situation(compound) -> str:
    term = term_status(compound, clock.today())
    if term is not None and term.status in ("due", "overdue"):
        return "during_reelection"
    return "normal_term"


def checklist_context(compound, situation: str) -> dict:
    """Plain values for the checklist page and PDF (rules-reference §7 as data)."""
    rule_set = get_rule_set(compound.rule_set)
    groups = []
    for kind in ("must", "may", "must_not"):
        items = [{"key": item.key, "text": item.text_zh, "text_en": item.text_en,
                  "citations": list(item.citations), "unconfirmed": item.unconfirmed}
                 for item in rule_set.checklist(situation) if item.kind == kind]
        groups.append({"kind": kind, "label": KIND_LABELS[kind], "items": items})
    return {
        "title": "业委会法律边界清单",
        "compound_name": compound.name,
        "rule_set": rule_set.title_zh,
        "situation": situation,
        "situation_label": SITUATION_LABELS[situation],
        "generated_on": clock.today().isoformat(),
        "groups": groups,
    }


def situations() -> list[tuple[str, str]]:
    return [(key, SITUATION_LABELS[key]) for key in SITUATIONS]


# --------------------------------------------------------------------------- minutes PDF


def minutes_pdf_context(compound, meeting: CommitteeMeeting, number: int | None = None) -> dict:
    minutes = meeting.minutes
    revision = minutes.revision(number) if number else minutes.latest
    content = revision.content
    members = {m.id: m for m in meeting.committee.members}
    signatures = [{"name": members[s.member_id].name, "role": members[s.member_id].role_label,
                   "signed_on": s.signed_on.isoformat(), "revision": s.revision_number}
                  for s in sorted(minutes.signatures, key=lambda s: (s.revision_number, s.member_id))]
    signed_names = {s["name"] for s in signatures}
    corrections = [{"number": r.number, "reason": r.reason or "", "author": r.author_name,
                    "at": clock.to_local(r.created_at).strftime("%Y-%m-%d %H:%M")}
                   for r in minutes.revisions if r.is_correction and r.number <= revision.number]
    return {
        "title": "业主委员会会议纪要",
        "compound_name": compound.name,
        "generated_on": clock.today().isoformat(),
        "meeting": {k: content[k] for k in ("title", "meeting_on", "location", "agenda_posted_on", "is_urgent",
                                            "urgent_reason", "total_members", "present", "absent", "quorum_met")},
        "opening": content.get("opening", ""),
        "items": content.get("items", []),
        "motions": [m | {"votes": [{"name": v["name"], "choice": _choice(v["choice"])} for v in m["votes"]]}
                    for m in content.get("motions", [])],
        "other": content.get("other", ""),
        "signatures": signatures,
        "unsigned": [name.split("（")[0] for name in content["present"] if name.split("（")[0] not in signed_names],
        "revision": {"number": revision.number, "count": len(minutes.revisions), "author": revision.author_name,
                     "at": clock.to_local(revision.created_at).strftime("%Y-%m-%d %H:%M"),
                     "is_correction": revision.is_correction, "reason": revision.reason or "",
                     "is_locked": minutes.is_locked, "locked_number": minutes.locked_revision_number,
                     "locked_at": clock.to_local(minutes.locked_at).strftime("%Y-%m-%d %H:%M")
                     if minutes.locked_at else ""},
        "corrections": corrections,
    }


# --------------------------------------------------------------------------- oversight


def oversight_findings(compound, today: date) -> list[dict]:
    """Committee-meeting facts a street officer should see (plain dicts, oldest first):

    - ``urgent_meeting``: agenda posted less than 7 days ahead, with the recorded reason;
    - ``decisions_overdue`` / ``decisions_late``: decisions not posted, or posted after the 3 days;
    - ``request_overdue`` / ``request_late``: no meeting within 7 days of a 1/3 members' request.
    Each has ``kind``, ``on`` (the date concerned), ``meeting_id`` or ``request_id``,
    ``detail`` (Chinese text) and ``citations``.
    """
    settings = compound_settings(compound)
    post_days = int(settings["decision_posting_days"])
    findings: list[dict] = []
    meetings = db.session.scalars(
        select(CommitteeMeeting).where(CommitteeMeeting.compound_id == compound.id)
        .options(selectinload(CommitteeMeeting.motions)).order_by(CommitteeMeeting.meeting_on)).all()
    for meeting in meetings:
        if meeting.is_urgent:
            findings.append({"kind": "urgent_meeting", "on": meeting.meeting_on, "meeting_id": meeting.id,
                             "detail": f"紧急会议（议题 {meeting.agenda_posted_on} 告知）：{meeting.urgent_reason}",
                             "citations": checks.MEETING_CITATIONS})
        if any(motion.is_voted for motion in meeting.motions):
            due_on = checks.within_days(meeting.meeting_on, post_days)
            status = checks.posting_status(due_on, meeting.decisions_posted_on, today)
            if status in ("overdue", "late"):
                findings.append({"kind": f"decisions_{status}", "on": due_on, "meeting_id": meeting.id,
                                 "detail": f"{meeting.meeting_on} 会议决定应于 {due_on} 前公告"
                                           + (f"，实际 {meeting.decisions_posted_on} 公告" if status == "late" else "，尚未公告"),
                                 "citations": checks.MEETING_CITATIONS})
    for request in requests_of(compound):
        status = request_status(request, today)
        if status in ("overdue", "late"):
            findings.append({"kind": f"request_{status}", "on": request.meeting_due_on, "request_id": request.id,
                             "detail": f"{request.requested_on} 委员提议，应于 {request.meeting_due_on} 前召开会议",
                             "citations": checks.MEETING_CITATIONS})
    return sorted(findings, key=lambda finding: finding["on"])
