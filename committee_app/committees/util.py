"""Committee queries and the term status other features read."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..rules import (add_months, counted_before, counted_term_end, counted_within, get_rule_set, reelection_due_on,
                     reelection_status)
from .models import Committee, CommitteeMember

#: How long before the re-election due date the status reads "upcoming" (months).
UPCOMING_MONTHS = 3


def compound_settings(compound) -> dict:
    """The compound's rule-set settings with its per-compound overrides applied."""
    return get_rule_set(compound.rule_set).effective_settings(compound.setting_overrides or {})


def current_committee(compound, *, with_voters: bool = False) -> Committee | None:
    """The compound's sitting committee (members loaded, and their voters if asked), or None."""
    members = selectinload(Committee.members)
    if with_voters:
        members = members.selectinload(CommitteeMember.voter)
    return db.session.scalar(
        select(Committee).where(Committee.compound_id == compound.id, Committee.is_current.is_(True))
        .options(members)
    )


def past_committees(compound) -> list[Committee]:
    return list(db.session.scalars(
        select(Committee).where(Committee.compound_id == compound.id, Committee.is_current.is_(False))
        .order_by(Committee.term_starts_on.desc())
    ))


def term_end_for(term_starts_on: date, term_years: int) -> date:
    """Last day of a term of ``term_years`` years from ``term_starts_on`` (the election): the start
    day is not counted and the term ends on the corresponding day or the month's last day
    (CC arts 201-202): 2024-02-29 + 5 years → 2029-02-28. Not extended past holidays."""
    return counted_term_end(term_starts_on, term_years).on


@dataclass(frozen=True)
class TermStatus:
    """Where the sitting committee stands with its re-election (GR art 32; R2 lead time).

    ``status``: ``not_yet`` | ``upcoming`` | ``due`` | ``overdue`` (see
    :func:`committee_app.rules.reelection_status`). ``reelection_due_on`` is the day the
    re-election must have started by (``lead_months`` before ``term_ends_on``).
    """

    committee_id: int
    term_starts_on: date
    term_ends_on: date
    reelection_due_on: date
    upcoming_from: date
    lead_months: int
    status: str
    days_left: int  # days from today to the end of the term (negative once it ended)
    citations: tuple[str, ...]
    is_unconfirmed: bool  # the lead time or the term length is still to be confirmed locally
    handover_due_on: date | None = None  # archives, seals and property handed over by then (R11, GR, unconfirmed)
    handover_counted: object = None  # rules.CountedDate: how handover_due_on was counted
    reelection_due_counted: object = None  # rules.CountedDate: how reelection_due_on was counted
    term_end_counted: object = None  # rules.CountedDate when the term end is the rule set's default


STATUS_LABELS = {
    "not_yet": "任期内",
    "upcoming": "即将启动换届",
    "due": "应当启动换届",
    "overdue": "任期已届满，换届逾期",
}


def term_status(compound, today: date, committee: Committee | None = None) -> TermStatus | None:
    """The sitting committee's term and re-election status on ``today``; None without one
    (``committee``: the sitting committee when the caller has already read it)."""
    if committee is None:
        committee = db.session.scalar(
            select(Committee).where(Committee.compound_id == compound.id, Committee.is_current.is_(True)))
    if committee is None:
        return None
    rule_set = get_rule_set(compound.rule_set)
    settings = rule_set.effective_settings(compound.setting_overrides or {})
    lead_months = int(settings["reelection_lead_months"])
    citations: list[str] = []
    unconfirmed = False
    handover = counted_within(committee.term_ends_on, int(settings["handover_days"]))
    default_end = counted_term_end(committee.term_starts_on, int(settings["term_years"]))
    for key in ("term_years", "reelection_lead_months"):
        setting = rule_set.setting(key)
        unconfirmed = unconfirmed or setting.unconfirmed
        for citation in setting.citations:
            if citation not in citations:
                citations.append(citation)
    return TermStatus(
        committee_id=committee.id,
        term_starts_on=committee.term_starts_on,
        term_ends_on=committee.term_ends_on,
        reelection_due_on=reelection_due_on(committee.term_ends_on, lead_months),
        upcoming_from=add_months(committee.term_ends_on, -(lead_months + UPCOMING_MONTHS)),
        lead_months=lead_months,
        status=reelection_status(committee.term_ends_on, today, lead_months, upcoming_months=UPCOMING_MONTHS),
        days_left=(committee.term_ends_on - today).days,
        citations=tuple(citations),
        is_unconfirmed=unconfirmed,
        handover_due_on=handover.on,
        handover_counted=handover,
        reelection_due_counted=counted_before(committee.term_ends_on, lead_months, "months"),
        term_end_counted=default_end if default_end.on == committee.term_ends_on else None,
    )


ROLE_WORDS = {"主任": "chair", "副主任": "vice_chair", "委员": "member",
              "chair": "chair", "vice_chair": "vice_chair", "vice-chair": "vice_chair", "member": "member"}


def voter_id_for_unit(compound, label: str) -> int | None:
    """The voter owning the unit labelled ``楼栋-房号`` (as on the roll), or None."""
    from ..registry.models import Building, Unit

    label = (label or "").strip()
    if not label:
        return None
    return db.session.scalar(
        select(Unit.voter_id).join(Building, Unit.building_id == Building.id)
        .where(Unit.compound_id == compound.id, (Building.name + "-" + Unit.number) == label))


def parse_member_lines(compound, raw: str) -> list[tuple[str, int | None, str]]:
    """Members typed one per line as ``姓名，职务[，楼栋-房号]``; raises CommitteeError naming the line."""
    from flask_babel import gettext as _

    from .operations import CommitteeError

    members = []
    for number, line in enumerate((raw or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.replace("，", ",").split(",")]
        name = parts[0]
        role = ROLE_WORDS.get(parts[1] if len(parts) > 1 and parts[1] else "委员")
        if role is None:
            raise CommitteeError(_("第 %(n)s 行：职务须为主任、副主任或委员。", n=number))
        voter_id = None
        if len(parts) > 2 and parts[2]:
            voter_id = voter_id_for_unit(compound, parts[2])
            if voter_id is None:
                raise CommitteeError(_("第 %(n)s 行：名册中没有房屋 %(unit)s。", n=number, unit=parts[2]))
        if len(parts) > 3:
            raise CommitteeError(_("第 %(n)s 行：格式应为“姓名，职务，楼栋-房号”。", n=number))
        members.append((name, voter_id, role))
    if not members:
        raise CommitteeError(_("请至少填写一名委员。"))
    return members
