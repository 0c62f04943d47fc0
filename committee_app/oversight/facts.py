"""Gather the facts the checks read, for many compounds in a fixed number of queries.

One query per kind of record (procedures, steps, committees with member counts, notices,
and, when those features are installed, votes and committee meetings with attendance and
motion votes), whatever the number of compounds. Features not installed give ``None``.
"""
from __future__ import annotations

import functools
from collections import defaultdict
from datetime import date

from sqlalchemy import func, select

from .. import clock
from ..extensions import db
from ..rules import get_rule_set
from .model import (
    CommitteeFact,
    CompoundFacts,
    MeetingFact,
    MeetingRequestFact,
    MotionFact,
    NoticeFact,
    ProcedureFact,
    StepFact,
    VoteFact,
    WaiverFact,
)


def _settings(rule_set_key: str, overrides: dict | None, cache: dict) -> dict:
    key = (rule_set_key, repr(sorted((overrides or {}).items())))
    if key not in cache:
        rule_set = get_rule_set(rule_set_key)
        try:
            cache[key] = rule_set.effective_settings(overrides or {})
        except ValueError:
            cache[key] = rule_set.default_settings()
    return cache[key]


@functools.cache
def _step_rules(rule_set_key: str, kind: str) -> dict:
    try:
        return {rule.key: rule for rule in get_rule_set(rule_set_key).procedure(kind)}
    except (KeyError, ValueError):
        return {}


@functools.cache
def _procedure_title(rule_set_key: str, kind: str) -> str:
    try:
        return next((p.title_zh for p in get_rule_set(rule_set_key).procedures if p.kind == kind), kind)
    except (KeyError, ValueError):
        return kind


def gather(compounds: list[tuple], today: date | None = None) -> dict[int, CompoundFacts]:
    """Facts by compound id for ``compounds`` = rows of (id, code, name, rule_set, setting_overrides)."""
    today = today or clock.today()
    ids = [row[0] for row in compounds]
    if not ids:
        return {}
    procedures = _procedures(ids)
    committees = _committees(ids, today)
    notices = _notices(ids)
    votes = _votes(ids)
    meetings = _meetings(ids)
    requests = _meeting_requests(ids) if meetings is not None else None
    settings_cache: dict = {}
    return {
        cid: CompoundFacts(
            compound_id=cid, code=code, name=name, today=today, settings=_settings(rule_set, overrides, settings_cache),
            procedures=tuple(procedures.get(cid, ())), committees=tuple(committees.get(cid, ())),
            notices=tuple(notices.get(cid, ())),
            votes=None if votes is None else tuple(votes.get(cid, ())),
            meetings=None if meetings is None else tuple(meetings.get(cid, ())),
            meeting_requests=None if requests is None else tuple(requests.get(cid, ())),
        )
        for cid, code, name, rule_set, overrides in compounds
    }


def _procedures(ids: list[int]) -> dict[int, list[ProcedureFact]]:
    from sqlalchemy.orm import aliased

    from ..accounts.models import User
    from ..procedures.models import Procedure, ProcedureStep

    waived_by, approved_by = aliased(User), aliased(User)
    rows = db.session.execute(
        select(Procedure.id, Procedure.compound_id, Procedure.kind, Procedure.status, Procedure.rule_set,
               Procedure.started_on, Procedure.application_on, Procedure.group_formed_on, Procedure.meeting_on,
               Procedure.election_on, Procedure.term_ends_on)
        .where(Procedure.compound_id.in_(ids)).order_by(Procedure.started_on, Procedure.id)).all()
    steps: dict[int, list] = defaultdict(list)
    if rows:
        for step in db.session.execute(
                select(ProcedureStep.procedure_id, ProcedureStep.key, ProcedureStep.state, ProcedureStep.done_on,
                       ProcedureStep.waived_reason, ProcedureStep.waived_at, ProcedureStep.waiver_approved_at,
                       ProcedureStep.waiver_approved_by_street, waived_by.display_name.label("waived_by"),
                       approved_by.display_name.label("approved_by"))
                .join(Procedure, Procedure.id == ProcedureStep.procedure_id)
                .outerjoin(waived_by, waived_by.id == ProcedureStep.waived_by_id)
                .outerjoin(approved_by, approved_by.id == ProcedureStep.waiver_approved_by_id)
                .where(Procedure.compound_id.in_(ids)).order_by(ProcedureStep.procedure_id, ProcedureStep.position)):
            steps[step.procedure_id].append(step)
    result: dict[int, list[ProcedureFact]] = defaultdict(list)
    for row in rows:
        rules = _step_rules(row.rule_set, row.kind)
        step_facts = []
        for step in steps.get(row.id, []):
            rule = rules.get(step.key)
            waiver = None
            if step.state == "waived":
                waiver = WaiverFact(
                    reason=step.waived_reason or "",
                    waived_on=clock.to_local(step.waived_at).date() if step.waived_at else None,
                    waived_by=step.waived_by,
                    approved_on=clock.to_local(step.waiver_approved_at).date() if step.waiver_approved_at else None,
                    approved_by=step.approved_by, approved_by_street=bool(step.waiver_approved_by_street))
            step_facts.append(StepFact(
                key=step.key, title=rule.title_zh if rule else step.key, action=rule.action if rule else None,
                state=step.state, done_on=step.done_on, deadline=rule.deadline if rule else None,
                street_signoff=bool(rule and rule.street_signoff), rule=rule, waiver=waiver))
        anchors = {"application_on": row.application_on, "group_formed_on": row.group_formed_on,
                   "meeting_on": row.meeting_on, "election_on": row.election_on, "term_ends_on": row.term_ends_on}
        result[row.compound_id].append(ProcedureFact(row.id, row.kind, row.status, row.started_on, anchors,
                                                     tuple(step_facts), row.rule_set,
                                                     _procedure_title(row.rule_set, row.kind)))
    return result


def _committees(ids: list[int], today: date) -> dict[int, list[CommitteeFact]]:
    from ..committees.models import Committee, CommitteeMember

    members = (select(CommitteeMember.committee_id, func.count(CommitteeMember.id).label("n"))
               .where((CommitteeMember.left_on.is_(None)) | (CommitteeMember.left_on > today))
               .group_by(CommitteeMember.committee_id).subquery())
    result: dict[int, list[CommitteeFact]] = defaultdict(list)
    for row in db.session.execute(
            select(Committee.id, Committee.compound_id, Committee.elected_on, Committee.term_starts_on,
                   Committee.term_ends_on, Committee.is_current, Committee.filed_on, members.c.n,
                   Committee.created_at)
            .outerjoin(members, members.c.committee_id == Committee.id)
            .where(Committee.compound_id.in_(ids)).order_by(Committee.elected_on)):
        result[row.compound_id].append(CommitteeFact(row.id, row.elected_on, row.term_starts_on, row.term_ends_on,
                                                     bool(row.is_current), row.filed_on, row.n or 0,
                                                     clock.to_local(row.created_at).date() if row.created_at else None))
    return result


def _notices(ids: list[int]) -> dict[int, list[NoticeFact]]:
    from ..notices.models import Notice

    result: dict[int, list[NoticeFact]] = defaultdict(list)
    for row in db.session.execute(
            select(Notice.id, Notice.compound_id, Notice.kind, Notice.title, Notice.posted_on,
                   Notice.publicity_ends_on, Notice.superseded_by_id, Notice.source_type)
            .where(Notice.compound_id.in_(ids)).order_by(Notice.posted_on, Notice.id)):
        result[row.compound_id].append(NoticeFact(row.id, row.kind, row.title, row.posted_on, row.publicity_ends_on,
                                                  row.superseded_by_id is None, row.source_type))
    return result


def _local_minute(moment) -> str | None:
    return clock.to_local(moment).strftime("%Y-%m-%d %H:%M") if moment else None


def _votes(ids: list[int]) -> dict[int, list[VoteFact]] | None:
    try:
        from ..voting.models import SUBJECTS, Vote  # type: ignore[import-not-found]
    except ImportError:
        return None
    from flask_babel import force_locale

    with force_locale("zh"):
        subject_labels = {key: str(label) for key, label in SUBJECTS.items()}
    result: dict[int, list[VoteFact]] = defaultdict(list)
    for vote in db.session.execute(
            select(Vote.id, Vote.compound_id, Vote.title, Vote.kind, Vote.subject, Vote.matter, Vote.state,
                   Vote.opened_at, Vote.result, Vote.committee_installed_at, Vote.closes_at, Vote.closed_at,
                   Vote.close_reason, Vote.reopened_at, Vote.reopen_reason, Vote.opened_in_procedure)
            .where(Vote.compound_id.in_(ids)).order_by(Vote.id)):
        opened_on = clock.to_local(vote.opened_at).date() if vote.opened_at else None
        result[vote.compound_id].append(VoteFact(
            vote.id, vote.title, vote.kind, vote.subject, vote.matter, vote.state, opened_on, vote.result,
            vote.committee_installed_at is not None, subject_labels.get(vote.subject, vote.subject),
            closes_at=_local_minute(vote.closes_at), closed_at=_local_minute(vote.closed_at),
            close_reason=vote.close_reason, reopened_at=_local_minute(vote.reopened_at),
            reopen_reason=vote.reopen_reason, opened_in_procedure=vote.opened_in_procedure,
            is_closed_early=bool(vote.closed_at and vote.closes_at and vote.closed_at < vote.closes_at)))
    return result


def _meetings(ids: list[int]) -> dict[int, list[MeetingFact]] | None:
    try:
        from ..meetings.models import CommitteeMeeting  # type: ignore[import-not-found]
    except ImportError:
        return None
    return _meeting_facts(ids)


def _meeting_facts(ids: list[int]) -> dict[int, list[MeetingFact]]:
    from ..committees.models import CommitteeMember
    from ..meetings.models import CommitteeMeeting, MeetingAttendance, Motion, MotionVote

    meetings = db.session.execute(
        select(CommitteeMeeting.id, CommitteeMeeting.compound_id, CommitteeMeeting.committee_id,
               CommitteeMeeting.title, CommitteeMeeting.meeting_on, CommitteeMeeting.agenda_posted_on,
               CommitteeMeeting.is_urgent, CommitteeMeeting.urgent_reason, CommitteeMeeting.is_attendance_recorded,
               CommitteeMeeting.decisions_posted_on, CommitteeMeeting.request_id)
        .where(CommitteeMeeting.compound_id.in_(ids)).order_by(CommitteeMeeting.meeting_on)).all()
    if not meetings:
        return {}
    present = dict(db.session.execute(
        select(MeetingAttendance.meeting_id, func.count(MeetingAttendance.id))
        .join(CommitteeMeeting, CommitteeMeeting.id == MeetingAttendance.meeting_id)
        .where(CommitteeMeeting.compound_id.in_(ids)).group_by(MeetingAttendance.meeting_id)).all())
    # members in office on each meeting day: joined on or before it, not yet left
    members = dict(db.session.execute(
        select(CommitteeMeeting.id, func.count(CommitteeMember.id))
        .join(CommitteeMember, CommitteeMember.committee_id == CommitteeMeeting.committee_id)
        .where(CommitteeMeeting.compound_id.in_(ids), CommitteeMember.joined_on <= CommitteeMeeting.meeting_on,
               (CommitteeMember.left_on.is_(None)) | (CommitteeMember.left_on > CommitteeMeeting.meeting_on))
        .group_by(CommitteeMeeting.id)).all())
    tallies: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for motion_id, choice, count in db.session.execute(
            select(MotionVote.motion_id, MotionVote.choice, func.count(MotionVote.id))
            .join(Motion, Motion.id == MotionVote.motion_id)
            .join(CommitteeMeeting, CommitteeMeeting.id == Motion.meeting_id)
            .where(CommitteeMeeting.compound_id.in_(ids)).group_by(MotionVote.motion_id, MotionVote.choice)):
        tallies[motion_id][choice] = count
    motions: dict[int, list[MotionFact]] = defaultdict(list)
    passed_column = getattr(Motion, "is_passed", None)
    columns = [Motion.id, Motion.meeting_id, Motion.text] + ([passed_column] if passed_column is not None else [])
    for row in db.session.execute(
            select(*columns).join(CommitteeMeeting, CommitteeMeeting.id == Motion.meeting_id)
            .where(CommitteeMeeting.compound_id.in_(ids)).order_by(Motion.meeting_id, Motion.position)):
        counts = tallies.get(row.id, {})
        motions[row.meeting_id].append(MotionFact(
            row.id, row.text, counts.get("for", 0), counts.get("against", 0), counts.get("abstain", 0),
            row.is_passed if passed_column is not None else None))
    result: dict[int, list[MeetingFact]] = defaultdict(list)
    for m in meetings:
        result[m.compound_id].append(MeetingFact(
            m.id, m.committee_id, m.title, m.meeting_on, m.agenda_posted_on, bool(m.is_urgent), m.urgent_reason,
            bool(m.is_attendance_recorded), members.get(m.id, 0), present.get(m.id, 0), tuple(motions.get(m.id, ())),
            m.decisions_posted_on, m.request_id))
    return result


def _meeting_requests(ids: list[int]) -> dict[int, list[MeetingRequestFact]]:
    from ..meetings.models import MeetingRequest

    result: dict[int, list[MeetingRequestFact]] = defaultdict(list)
    for row in db.session.execute(
            select(MeetingRequest.id, MeetingRequest.compound_id, MeetingRequest.requested_on,
                   MeetingRequest.meeting_due_on, MeetingRequest.subject)
            .where(MeetingRequest.compound_id.in_(ids)).order_by(MeetingRequest.requested_on)):
        result[row.compound_id].append(MeetingRequestFact(row.id, row.requested_on, row.meeting_due_on, row.subject))
    return result
