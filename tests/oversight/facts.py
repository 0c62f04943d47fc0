"""Builders of plain facts for the pure checker tests (no database)."""
from __future__ import annotations

from datetime import date

from committee_app.oversight.model import (
    CommitteeFact,
    CompoundFacts,
    MeetingFact,
    MeetingRequestFact,
    MotionFact,
    NoticeFact,
    ProcedureFact,
    StepFact,
    VoteFact,
)
from committee_app.rules import get_rule_set

RULE_SET = "sichuan-chengdu"


def settings(**overrides) -> dict:
    return {**get_rule_set(RULE_SET).default_settings(), **overrides}


def procedure(kind: str = "reelection", *, done: dict | None = None, states: dict | None = None,
              started_on: date = date(2026, 6, 1), status: str = "active", id: int = 1, **anchors) -> ProcedureFact:
    """A procedure whose steps ``done`` ({key: date}) happened on those dates (state done)."""
    done, states = done or {}, states or {}
    steps = []
    for rule in get_rule_set(RULE_SET).procedure(kind):
        on = done.get(rule.key)
        state = states.get(rule.key, "done" if on else "pending")
        steps.append(StepFact(rule.key, rule.title_zh, rule.action, state, on, rule.deadline, rule.street_signoff))
    full = {"application_on": None, "group_formed_on": None, "meeting_on": None, "election_on": None,
            "term_ends_on": None, **anchors}
    return ProcedureFact(id, kind, status, started_on, full, tuple(steps))


def compound(today: date, *, procedures=(), committees=(), notices=(), votes=None, meetings=None, requests=None,
             **setting_overrides) -> CompoundFacts:
    return CompoundFacts(1, "A", "甲小区", today, settings(**setting_overrides), tuple(procedures), tuple(committees),
                         tuple(notices), None if votes is None else tuple(votes),
                         None if meetings is None else tuple(meetings),
                         None if requests is None else tuple(requests or ()))


def committee(elected_on: date, term_ends_on: date, *, filed_on=None, is_current=True, id=1,
              recorded_on: date | None = None) -> CommitteeFact:
    """A committee entered in the system on ``recorded_on`` (default: the day it was elected)."""
    return CommitteeFact(id, elected_on, elected_on, term_ends_on, is_current, filed_on, 7, recorded_on or elected_on)


def notice(kind: str, posted_on: date, title: str = "公告", id: int = 1, source_type=None, ends_on=None,
           is_current=True) -> NoticeFact:
    return NoticeFact(id, kind, title, posted_on, ends_on, is_current, source_type)


def counts(head: int, area: str) -> dict:
    return {"headcount": head, "area": area}


def vote(*, kind="motion", subject="other", matter="ordinary", state="counted", opened_on=None, result=None,
         committee_installed=False, id=1, title="表决") -> VoteFact:
    return VoteFact(id, title, kind, subject, matter, state, opened_on, result, committee_installed)


def meeting(members: int, present: int, *, motions=(), meeting_on=date(2026, 11, 20), agenda_posted_on=None,
            is_urgent=False, urgent_reason=None, committee_id=1, id=1, decisions_posted_on=None,
            request_id=None) -> MeetingFact:
    return MeetingFact(id, committee_id, "业委会会议", meeting_on, agenda_posted_on, is_urgent, urgent_reason, True,
                       members, present, tuple(motions), decisions_posted_on, request_id)


def request(requested_on: date, due_on: date, id: int = 1) -> MeetingRequestFact:
    return MeetingRequestFact(id, requested_on, due_on, "审议物业费调整")


def motion(votes_for: int, against: int = 0, abstain: int = 0, passed=None, id=1) -> MotionFact:
    return MotionFact(id, "议案", votes_for, against, abstain, passed)
