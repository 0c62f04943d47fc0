"""What is happening that somebody should be told, read from the other features' records.

Each collector returns :class:`Signal` values (a record, its date, the words a message
needs and the page where the person acts) for every compound at once, with a fixed
number of queries. Which rule applies, when, and to whom is decided in
:mod:`.operations` from the rule data; nothing here writes.

The features are read, never changed: procedures (steps, due dates, returns), nominations
(objections), voting (times, paper entries), notices, oversight (findings, terms) and the
workshop (action items). A feature that is not installed contributes nothing.
"""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from flask import url_for
from sqlalchemy import and_, func, select

from .. import clock
from ..accounts.models import Role, RoleGrant, User
from ..extensions import db
from ..registry.models import Community, Compound


@dataclass(frozen=True)
class Signal:
    source: str  # the rules' ``source`` it feeds
    compound_id: int
    record_type: str
    record_id: int
    event_on: date | None
    link: str
    values: dict = field(default_factory=dict)


@dataclass(frozen=True)
class CompoundInfo:
    id: int
    code: str
    name: str
    community_id: int | None
    street_id: int | None
    rule_set: str
    overrides: dict


def _installed(feature: str) -> bool:
    return importlib.util.find_spec(f"committee_app.{feature}") is not None


def _local_date(moment) -> date:
    return clock.to_local(moment).date()


def _local_text(moment) -> str:
    return clock.to_local(moment).strftime("%Y-%m-%d %H:%M")


def compounds() -> dict[int, CompoundInfo]:
    rows = db.session.execute(
        select(Compound.id, Compound.code, Compound.name, Compound.community_id, Community.street_id,
               Compound.rule_set, Compound.setting_overrides)
        .outerjoin(Community, Community.id == Compound.community_id)).all()
    return {r.id: CompoundInfo(r.id, r.code, r.name, r.community_id, r.street_id, r.rule_set,
                               r.setting_overrides or {}) for r in rows}


# --------------------------------------------------------------------------- procedures


def _procedure_signals(info: dict[int, CompoundInfo], today: date) -> list[Signal]:
    if not _installed("procedures"):
        return []
    from ..procedures.models import DONE, OPEN_STATES, SUBMITTED, Procedure, ProcedureStep
    from ..procedures.util import deadline_citations, procedure_rules, procedure_title, step_due_on
    from ..rules import get_rule_set

    procedures = {p.id: p for p in db.session.scalars(select(Procedure).where(Procedure.status == "active"))}
    if not procedures:
        return []
    steps = db.session.scalars(select(ProcedureStep).where(ProcedureStep.procedure_id.in_(list(procedures)))
                               .order_by(ProcedureStep.procedure_id, ProcedureStep.position))
    signals = []
    cache: dict[int, tuple] = {}
    for step in steps:
        procedure = procedures[step.procedure_id]
        compound = info[procedure.compound_id]
        if procedure.id not in cache:
            rule_set = get_rule_set(procedure.rule_set)
            try:
                settings = rule_set.effective_settings(compound.overrides)
            except ValueError:
                settings = rule_set.default_settings()
            cache[procedure.id] = (procedure_rules(procedure), settings, procedure_title(procedure),
                                   procedure.anchors())
        rules, settings, title, anchors = cache[procedure.id]
        rule = rules.get(step.key)
        if rule is None:
            continue
        link = url_for("procedures.timeline", code=compound.code, procedure_id=procedure.id, _anchor=f"step-{step.id}")
        values = {"compound": compound.name, "step": rule.title_zh, "procedure": title,
                  "citations": deadline_citations(rule)}
        if step.state in OPEN_STATES and rule.deadline is not None and rule.deadline.kind in ("before", "within"):
            due_on = step_due_on(rule, anchors, settings)
            if due_on is not None:
                signals.append(Signal("procedure_step", compound.id, "procedure_step", step.id, due_on, link,
                                      {**values, "date": due_on.isoformat(), "days": (due_on - today).days}))
        if step.is_returned and step.returned_at is not None:
            returned_on = _local_date(step.returned_at)
            signals.append(Signal("returned_step", compound.id, "procedure_step", step.id, returned_on, link,
                                  {**values, "citations": (), "reason": step.returned_reason,
                                   "date": returned_on.isoformat()}))
        if step.state == DONE and step.signed_off_at is not None:
            signed_on = _local_date(step.signed_off_at)
            signals.append(Signal("signed_off_step", compound.id, "procedure_step", step.id, signed_on, link,
                                  {**values, "date": signed_on.isoformat()}))
        if step.state == SUBMITTED and step.completed_at is not None:
            submitted_on = _local_date(step.completed_at)  # waiting counts from the submission
            signals.append(Signal("submitted_step", compound.id, "procedure_step", step.id, submitted_on,
                                  url_for("oversight.signoffs"),
                                  {**values, "date": submitted_on.isoformat(), "days": (today - submitted_on).days}))
    return signals


# --------------------------------------------------------------------------- nominations


def _objection_signals(info: dict[int, CompoundInfo], today: date) -> list[Signal]:
    if not _installed("nominations"):
        return []
    from ..nominations.models import CandidateList, Objection
    from ..registry.models import Voter

    rows = db.session.execute(
        select(Objection.id, Objection.lodged_on, Objection.text, CandidateList.compound_id, Voter.display_name)
        .join(CandidateList, CandidateList.id == Objection.candidate_list_id)
        .join(Voter, Voter.id == Objection.voter_id)
        .where(Objection.answer.is_(None))).all()
    signals = []
    for row in rows:
        compound = info[row.compound_id]
        signals.append(Signal("objection", compound.id, "objection", row.id, row.lodged_on,
                              url_for("nominations.index", code=compound.code, _anchor=f"objection-{row.id}"),
                              {"compound": compound.name, "voter": row.display_name, "date": row.lodged_on.isoformat(),
                               "text": (row.text or "")[:120]}))
    return signals


# --------------------------------------------------------------------------- voting


def _vote_signals(info: dict[int, CompoundInfo], today: date) -> list[Signal]:
    if not _installed("voting"):
        return []
    from ..voting.models import PaperEntry, Vote

    signals = []
    for vote in db.session.scalars(select(Vote).where(Vote.state.in_(("draft", "open")))):
        compound = info[vote.compound_id]
        values = {"compound": compound.name, "vote": vote.title}
        detail = url_for("voting.detail", code=compound.code, vote_id=vote.id)
        if vote.state == "draft" and vote.opens_at is not None:
            signals.append(Signal("vote_opens", compound.id, "vote", vote.id, _local_date(vote.opens_at), detail,
                                  {**values, "when": _local_text(vote.opens_at)}))
        if vote.state == "open":
            closes = {"when": _local_text(vote.closes_at)} if vote.closes_at else {"when": "—"}
            if vote.closes_at is not None:
                signals.append(Signal("vote_closes", compound.id, "vote", vote.id, _local_date(vote.closes_at),
                                      detail, {**values, **closes, "owner_link": url_for("voting.ballot", vote_id=vote.id)}))
            opened = vote.opened_at or vote.opens_at
            if opened is not None:
                signals.append(Signal("vote_opened", compound.id, "vote", vote.id, _local_date(opened),
                                      url_for("voting.ballot", vote_id=vote.id), {**values, **closes}))
    # paper entries of the first counter still waiting for the second (one query)
    waiting = db.session.execute(
        select(PaperEntry.vote_id, PaperEntry.voter_id, func.min(PaperEntry.entered_at), func.count(PaperEntry.id))
        .join(Vote, and_(Vote.id == PaperEntry.vote_id, Vote.state.in_(("open", "closed"))))
        .group_by(PaperEntry.vote_id, PaperEntry.voter_id)
        .having(func.count(PaperEntry.id) == 1)).all()
    per_vote: dict[int, list] = {}
    for vote_id, _voter_id, entered_at, _n in waiting:
        per_vote.setdefault(vote_id, []).append(entered_at)
    if per_vote:
        for vote in db.session.scalars(select(Vote).where(Vote.id.in_(list(per_vote)))):
            compound = info[vote.compound_id]
            first = min(per_vote[vote.id])
            signals.append(Signal("paper_entries", compound.id, "vote_paper", vote.id, _local_date(first),
                                  url_for("voting.paper", code=compound.code, vote_id=vote.id),
                                  {"compound": compound.name, "vote": vote.title, "count": len(per_vote[vote.id])}))
    return signals


# --------------------------------------------------------------------------- notices


def _notice_signals(info: dict[int, CompoundInfo], today: date) -> list[Signal]:
    from ..notices.models import Notice

    signals = []
    for notice in db.session.scalars(select(Notice).where(
            Notice.kind.in_(("roll_notice", "candidate_list", "result_notice")), Notice.superseded_by_id.is_(None))):
        compound = info[notice.compound_id]
        signals.append(Signal(f"notice:{notice.kind}", compound.id, "notice", notice.id, notice.posted_on,
                              url_for("notices.notice", code=compound.code, notice_id=notice.id),
                              {"compound": compound.name, "title": notice.title,
                               "ends": notice.publicity_ends_on.isoformat() if notice.publicity_ends_on else "—",
                               "citations": tuple(notice.citations or ())}))
    return signals


# --------------------------------------------------------------------------- oversight


def _oversight_signals(info: dict[int, CompoundInfo], today: date) -> list[Signal]:
    if not _installed("oversight"):
        return []
    from ..oversight.facts import gather
    from ..oversight.model import SEVERITY_LABELS
    from ..oversight.util import evaluate, findings_of
    from ..rules import reelection_status

    facts = gather([(c.id, c.code, c.name, c.rule_set, c.overrides) for c in info.values()], today)
    signals = []
    for compound_id, compound_facts in facts.items():
        compound = info[compound_id]
        link = url_for("oversight.compound", code=compound.code)
        for result in findings_of(evaluate(compound_facts)):
            check = result.check
            values = {"compound": compound.name, "finding": result.text("zh") or check.title_zh,
                      "severity": SEVERITY_LABELS[check.severity][0], "citations": check.citations}
            signals.append(Signal("finding", compound_id, f"finding:{check.key}", compound_id, None, link, values))
            if check.severity == "high":
                signals.append(Signal("high_finding", compound_id, f"finding:{check.key}", compound_id, None, link,
                                      values))
        reelecting = any(p.status == "active" and p.kind == "reelection" for p in compound_facts.procedures or ())
        current = next((c for c in compound_facts.committees or () if c.is_current), None)
        if current is None or reelecting:
            continue
        status = reelection_status(current.term_ends_on, today,
                                   int(compound_facts.settings.get("reelection_lead_months", 3)))
        values = {"compound": compound.name, "date": current.term_ends_on.isoformat()}
        if status == "due":
            signals.append(Signal("term_due", compound_id, "committee", current.id, current.term_ends_on,
                                  url_for("workshop.compound", code=compound.code) if _installed("workshop") else link,
                                  values))
        elif status == "overdue":
            signals.append(Signal("term_ended", compound_id, "committee", current.id, current.term_ends_on, link,
                                  values))
    return signals


# --------------------------------------------------------------------------- workshop


def _workshop_signals(info: dict[int, CompoundInfo], today: date) -> list[Signal]:
    if not _installed("workshop"):
        return []
    from ..workshop.models import ActionItem, ItemStatus

    signals = []
    for item in db.session.scalars(select(ActionItem).where(ActionItem.status == ItemStatus.OPEN.value,
                                                            ActionItem.due_on < today)):
        compound = info[item.compound_id]
        signals.append(Signal("action_item", compound.id, "action_item", item.id, item.due_on,
                              url_for("workshop.items", code=compound.code),
                              {"compound": compound.name, "item": item.title, "assignee": item.assignee,
                               "date": item.due_on.isoformat()}))
    return signals


COLLECTORS: tuple[Callable[[dict, date], list[Signal]], ...] = (
    _procedure_signals, _objection_signals, _vote_signals, _notice_signals, _oversight_signals, _workshop_signals)


def collect(today: date) -> tuple[dict[int, CompoundInfo], list[Signal]]:
    info = compounds()
    signals: list[Signal] = []
    for collector in COLLECTORS:
        signals.extend(collector(info, today))
    return info, signals


# --------------------------------------------------------------------------- audiences


def audiences(info: dict[int, CompoundInfo]) -> Callable[[str, int], list[int]]:
    """``who(audience, compound_id)`` -> user ids, from every live grant (one query)."""
    by_compound: dict[tuple[str, int], set[int]] = {}
    by_community: dict[tuple[str, int], set[int]] = {}
    by_street: dict[int, set[int]] = {}
    for grant in db.session.execute(
            select(RoleGrant.user_id, RoleGrant.role, RoleGrant.compound_id, RoleGrant.community_id,
                   RoleGrant.street_id)
            .join(User, User.id == RoleGrant.user_id)
            .where(RoleGrant.revoked_at.is_(None), User.is_enabled)):
        if grant.role in (Role.ORGANISER.value, Role.OWNER.value) and grant.compound_id:
            by_compound.setdefault((grant.role, grant.compound_id), set()).add(grant.user_id)
        elif grant.role in (Role.MENTOR.value, Role.STREET_OFFICER.value) and grant.community_id:
            by_community.setdefault((grant.role, grant.community_id), set()).add(grant.user_id)
        elif grant.role == Role.STREET_OFFICER.value and grant.street_id:
            by_street.setdefault(grant.street_id, set()).add(grant.user_id)

    def who(audience: str, compound_id: int) -> list[int]:
        compound = info[compound_id]
        if audience == "organisers":
            users = by_compound.get((Role.ORGANISER.value, compound_id), set())
        elif audience == "owners":
            users = by_compound.get((Role.OWNER.value, compound_id), set())
        elif audience == "mentors":
            users = by_community.get((Role.MENTOR.value, compound.community_id), set())
        else:
            users = (by_community.get((Role.STREET_OFFICER.value, compound.community_id), set())
                     | by_street.get(compound.street_id, set()))
        return sorted(users)

    return who

