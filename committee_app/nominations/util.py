"""Queries and plain-value views of nominations; the interface other features read."""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import clock
from ..extensions import db
from ..privacy import mask_name
from ..registry.models import Compound, Owner, Unit, Voter
from ..rules import get_rule_set
from . import rules
from .models import CHANNEL_LABELS, CHECK_LABELS, CandidateList, EligibilityCheck, Nomination, Objection, VettingRound


@dataclass(frozen=True)
class FinalCandidate:
    """A candidate on a finalised list, as the voting feature reads it."""

    nomination_id: int
    voter_id: int
    name: str
    statement: str
    biography: str
    is_party_member: bool
    channel: str  # self | joint | party | community


def finalised_candidates(compound: Compound) -> list[FinalCandidate]:
    """The candidates of the compound's finalised list (withdrawn ones left out), in list
    order; an empty list until the list is finalised."""
    candidate_list = current_list(compound)
    if candidate_list is None or candidate_list.state != "final":
        return []
    return [
        FinalCandidate(n.id, n.voter_id, n.nominee_name, n.statement, n.biography, n.is_party_member, n.channel)
        for n in candidates(candidate_list, conditions(compound))
    ]


def candidate_list_state(compound: Compound) -> str:
    """'none' | 'collecting' | 'vetting' | 'posted' | 'final' for the compound's current list."""
    candidate_list = current_list(compound)
    return "none" if candidate_list is None else candidate_list.state


# --------------------------------------------------------------------------- loading


def current_list(compound: Compound) -> CandidateList | None:
    return db.session.scalar(
        select(CandidateList).where(CandidateList.compound_id == compound.id)
        .options(selectinload(CandidateList.nominations).selectinload(Nomination.checks)
                 .selectinload(EligibilityCheck.reviewed_by),
                 selectinload(CandidateList.nominations).selectinload(Nomination.cosigners),
                 selectinload(CandidateList.nominations).selectinload(Nomination.documents),
                 selectinload(CandidateList.nominations).selectinload(Nomination.entered_by),
                 selectinload(CandidateList.rounds).selectinload(VettingRound.recorded_by),
                 selectinload(CandidateList.objections).selectinload(Objection.voter),
                 selectinload(CandidateList.objections).selectinload(Objection.nomination),
                 selectinload(CandidateList.objections).selectinload(Objection.answered_by))
        .order_by(CandidateList.id.desc()).limit(1))


def current_list_summary(compound: Compound) -> CandidateList | None:
    """The current list with only what its counts need (nominations' checks, objections):
    the compound page's panel shows counts, not the nominations' documents and people."""
    return db.session.scalar(
        select(CandidateList).where(CandidateList.compound_id == compound.id)
        .options(selectinload(CandidateList.nominations).selectinload(Nomination.checks),
                 selectinload(CandidateList.objections))
        .order_by(CandidateList.id.desc()).limit(1))


def rules_of(compound: Compound):
    rule_set = get_rule_set(compound.rule_set)
    return rule_set, rule_set.effective_settings(compound.setting_overrides)


def conditions(compound: Compound):
    rule_set, settings = rules_of(compound)
    return rule_set.conditions_in_force(settings)


def condition_text(conditions_, key: str) -> str:
    for condition in conditions_:
        if condition.key == key:
            return condition.text_zh
    return key


def check_label(status: str) -> str:
    return CHECK_LABELS.get(status, status)


def units_label(voter: Voter) -> str:
    labels = [unit.label for unit in voter.units]
    text = "、".join(labels[:3])
    if len(labels) > 3:
        text += f" 等{len(labels)}处"
    return text[:255]


def active_nominations(candidate_list: CandidateList) -> list[Nomination]:
    return [n for n in candidate_list.nominations if not n.is_withdrawn]


def decision(nomination: Nomination, conditions_) -> rules.Decision:
    return rules.decide(conditions_, {check.condition_key: check.status for check in nomination.checks})


def candidates(candidate_list: CandidateList, conditions_) -> list[Nomination]:
    """Nominations that are not withdrawn and found eligible."""
    return [n for n in active_nominations(candidate_list) if decision(n, conditions_).is_eligible]


def roll_people(compound: Compound) -> list[dict]:
    """Every owner (person) on the roll with their voter's units, for choosing from the roll.

    Two queries, however long the roll.
    """
    owners = db.session.scalars(
        select(Owner).join(Voter, Owner.voter_id == Voter.id)
        .where(Owner.compound_id == compound.id, Voter.kind != "developer")
        .options(selectinload(Owner.voter).selectinload(Voter.units).selectinload(Unit.building))
        .order_by(Owner.id)
    ).all()
    people = [{"id": o.id, "voter_id": o.voter_id, "name": o.name, "units": units_label(o.voter),
               "sort": o.voter.units[0].sort_key if o.voter.units else ""} for o in owners]
    people.sort(key=lambda p: (p["sort"], p["id"]))
    return people


def person_choices(compound: Compound) -> list[tuple[int, str]]:
    return [(p["id"], f"{p['units']} {p['name']}") for p in roll_people(compound)]


def listed(candidate_list: CandidateList, conditions_) -> list[Nomination]:
    """Who the list shows: the eligible candidates once vetting has ended, before that every
    nomination still in the running (not withdrawn, not found ineligible)."""
    if candidate_list.vetted_on:
        return candidates(candidate_list, conditions_)
    return [n for n in active_nominations(candidate_list) if decision(n, conditions_).state != "ineligible"]


def composition(compound: Compound, candidate_list: CandidateList) -> rules.Composition:
    listed_ = listed(candidate_list, conditions(compound))
    _rule_set, settings = rules_of(compound)
    guideline = settings.get("party_member_share_guideline")
    return rules.composition(candidate_list.seats, len(listed_), sum(1 for n in listed_ if n.is_party_member),
                             guideline if isinstance(guideline, Fraction) else None)


def unanswered_objections(candidate_list: CandidateList) -> list[Objection]:
    return [o for o in candidate_list.objections if not o.is_answered]


# --------------------------------------------------------------------------- the notice


def notice_body(compound: Compound, candidate_list: CandidateList) -> str:
    """The board's text of the list: names masked (``privacy.mask_name``), the board is public."""
    lines = [f"{compound.name}业主委员会候选人名单（委员名额 {candidate_list.seats} 名）："]
    for index, nomination in enumerate(candidates(candidate_list, conditions(compound)), 1):
        party = "，中共党员" if nomination.is_party_member else ""
        lines.append(f"{index}. {mask_name(nomination.nominee_name)}（{nomination.units_label}，{nomination.channel_label}{party}）")
    lines.append("")
    lines.append(f"异议期：{candidate_list.posted_on}张贴，当日不计入，至 {candidate_list.objection_ends_on} 24时止"
                 "（民法典第201-203条）。"
                 "业主对候选人有异议的，请在异议期内登录系统或书面向换届小组提出，并写明理由。")
    return "\n".join(lines)


def final_notice_body(compound: Compound, candidate_list: CandidateList) -> str:
    conditions_ = conditions(compound)
    lines = [f"{compound.name}业主委员会候选人名单经公示，异议期（{candidate_list.posted_on} 至 "
             f"{candidate_list.objection_ends_on}）已满，异议均已答复，现确定正式候选人名单"
             f"（委员名额 {candidate_list.seats} 名）："]
    for index, nomination in enumerate(candidates(candidate_list, conditions_), 1):
        lines.append(f"{index}. {mask_name(nomination.nominee_name)}（{nomination.units_label}）")
    answered = len(candidate_list.objections)
    lines += ["", f"公示期间共收到异议 {answered} 件，均已答复。"]
    return "\n".join(lines)


def candidate_list_context(compound: Compound, candidate_list: CandidateList, *, public: bool = False) -> dict:
    """Plain values for ``pdf/candidate_list.html``; ``public=True`` (the board's copy) masks the names."""
    shown_name = mask_name if public else (lambda name: name)
    conditions_ = conditions(compound)
    shown = listed(candidate_list, conditions_)
    comp = composition(compound, candidate_list)
    rows = [{
        "name": shown_name(n.nominee_name), "units": n.units_label,
        "channel": CHANNEL_LABELS.get(n.channel, n.channel),
        "recommended_by": n.recommended_by or "", "is_party_member": n.is_party_member,
        "statement": n.statement, "biography": n.biography,
        "cosigners": len(n.cosigners),
    } for n in shown]
    withdrawn = [{"name": shown_name(n.nominee_name), "reason": n.withdrawn_reason or "", "on": n.withdrawn_on.isoformat()}
                 for n in candidate_list.nominations if n.is_withdrawn]
    return {
        "title": ("业主委员会候选人正式名单" if candidate_list.finalised_at else "业主委员会候选人名单公示"
                  if candidate_list.vetted_on else "业主委员会候选人名单（草稿，资格审查未结束）"),
        "is_final": candidate_list.finalised_at is not None,
        "is_draft": not candidate_list.vetted_on,
        "compound_name": compound.name,
        "generated_on": clock.today().isoformat(),
        "issuer": f"{compound.name}换届小组",
        "seats": candidate_list.seats,
        "candidates": rows,
        "withdrawn": withdrawn,
        "conditions": [{"text": c.text_zh, "unconfirmed": c.unconfirmed} for c in conditions_],
        "rounds": [{"number": r.number, "on": r.vetted_on.isoformat(), "reviewers": r.reviewers}
                   for r in candidate_list.rounds],
        "composition": {
            "candidates": comp.candidates, "seats": comp.seats, "ratio": comp.ratio_text,
            "party_members": comp.party_members,
            "guideline": (f"{comp.party_share_guideline.numerator}/{comp.party_share_guideline.denominator}"
                          if comp.party_share_guideline else ""),
            "guideline_members": comp.party_members_guideline,
        },
        "objection": {
            "starts_on": candidate_list.posted_on.isoformat() if candidate_list.posted_on else "",
            "ends_on": candidate_list.objection_ends_on.isoformat() if candidate_list.objection_ends_on else "",
        },
    }


PROCEDURE_ACTIONS = ("nominations", "vetting", "candidate_list")


def procedure_steps(compound: Compound) -> dict | None:
    """The active procedure's steps that this feature completes, for showing beside the list:
    ``{"procedure_id": int, "steps": [{"action", "key", "title", "title_en", "state", "state_label"}]}``,
    or None without an active procedure."""
    from ..procedures import util as procedures

    procedure = procedures.active_procedure(compound)
    if procedure is None:
        return None
    rules_ = procedures.procedure_rules(procedure)
    by_key = {step.key: step for step in procedure.steps}
    steps = []
    for step in procedure.steps:
        rule = rules_.get(step.key)
        if rule is not None and rule.action in PROCEDURE_ACTIONS:
            missing = tuple(key for key in rule.prerequisites if key in by_key and not by_key[key].is_settled)
            status = procedures.step_status(step, missing)  # as the stepper says it: 进行中, 未开始 …
            steps.append({"action": rule.action, "key": step.key, "title": rule.title_zh, "title_en": rule.title_en,
                          "state": step.state,
                          "state_label": procedures.STATUS_LABELS.get(status, step.state)})
    return {"procedure_id": procedure.id, "steps": steps}


def procedure_step(compound: Compound, action: str) -> dict | None:
    """The active procedure's step done by ``action`` (as in :func:`procedure_steps`), or None."""
    steps = procedure_steps(compound)
    return next((step for step in steps["steps"] if step["action"] == action), None) if steps else None
