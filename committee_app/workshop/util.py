"""Workshop queries and the pure rules of the mentor's board."""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import selectinload

from .. import clock
from ..accounts.models import Role, RoleGrant, User
from ..extensions import db
from ..policy import Ability, compounds_where
from ..web import datacache
from ..registry.models import Community, Compound
from .models import (
    ActionItem,
    CoachingSession,
    EventInvitee,
    ItemStatus,
    SessionAttendee,
    WorkshopEvent,
)

# Topics of a coaching session: key -> Chinese label (the English is in the catalog).
TOPICS: dict[str, str] = {
    "formation": "成立业委会",
    "reelection": "换届选举",
    "chair": "选举主任",
    "handover": "资料交接",
    "property_contract": "物业服务合同",
    "maintenance_funds": "维修资金",
    "disputes": "矛盾纠纷",
    "other": "其他",
}

EVENT_KINDS: dict[str, str] = {"salon": "业委会主题沙龙", "microclass": "微学堂"}

PROCEDURE_KINDS = {"formation": "成立", "reelection": "换届"}


def topic_label(key: str) -> str:
    return _(TOPICS[key]) if key in TOPICS else key


def event_kind_label(kind: str) -> str:
    return _(EVENT_KINDS[kind]) if kind in EVENT_KINDS else kind


# ----------------------------------------------------------------------------- people


def organiser_accounts(compound_id: int) -> list[User]:
    """Accounts holding an organiser grant on the compound (its 筹备组/换届小组/业委会)."""
    return list(db.session.scalars(
        select(User).join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.role == Role.ORGANISER.value, RoleGrant.compound_id == compound_id,
               RoleGrant.revoked_at.is_(None), User.is_enabled)
        .distinct().order_by(User.display_name)
    ))


def community_people(community_id: int) -> dict[int, tuple[User, int, str]]:
    """Organiser accounts of the community's compounds: user id -> (user, compound id, compound name)."""
    rows = db.session.execute(
        select(User, Compound.id, Compound.name).join(RoleGrant, RoleGrant.user_id == User.id)
        .join(Compound, Compound.id == RoleGrant.compound_id)
        .where(RoleGrant.role == Role.ORGANISER.value, RoleGrant.revoked_at.is_(None),
               Compound.community_id == community_id, User.is_enabled)
        .order_by(Compound.name, User.display_name)
    ).all()
    people: dict[int, tuple[User, int, str]] = {}
    for user, compound_id, compound_name in rows:
        people.setdefault(user.id, (user, compound_id, compound_name))
    return people


def community_compound_ids(community_id: int) -> list[int]:
    return list(db.session.scalars(select(Compound.id).where(Compound.community_id == community_id)))


def coached_communities(user: Any) -> list[Community]:
    """Communities in which the user may run workshop events (mentor of, or admin)."""
    ids = compounds_where(user, Ability.COACH).with_only_columns(Compound.community_id).distinct()
    return list(db.session.scalars(select(Community).where(Community.id.in_(ids)).order_by(Community.name)))


def step_choices(compound: Compound) -> list[tuple[str, str]]:
    """(step key, label) of both procedures of the compound's rule set."""
    from ..rules import get_rule_set

    rule_set = get_rule_set(compound.rule_set)
    choices = []
    for kind, label in PROCEDURE_KINDS.items():
        for step in rule_set.procedure(kind):
            choices.append((step.key, f"{label} · {step.title_zh}"))
    return choices


def step_title(compound: Compound, key: str | None) -> str | None:
    if not key:
        return None
    return dict(step_choices(compound)).get(key, key)


# ----------------------------------------------------------------------------- procedures


def procedures_available() -> bool:
    return importlib.util.find_spec("committee_app.procedures") is not None


def procedure_overviews(compound_ids: list[int]) -> dict[int, Any]:
    """Procedure progress per compound from the procedures feature, when it is installed.

    The one place the workshop reads procedures: ``procedure_overview`` answers with a
    fixed number of queries whatever the number of compounds.
    """
    if not compound_ids or not procedures_available():
        return {}
    from ..procedures.util import procedure_overview

    return procedure_overview(list(compound_ids))


# ----------------------------------------------------------------------------- board


@dataclass
class BoardRow:
    compound_id: int
    code: str
    name: str
    procedure: Any = None  # ProcedureOverview or None
    open_items: int = 0
    overdue_items: int = 0
    next_item_due_on: date | None = None
    last_session_on: date | None = None
    sessions: int = 0
    # what the street office sees (oversight): findings as (severity, text), the term's status
    # (rules.reelection_status) and the titles of the overdue procedure steps
    findings: list = field(default_factory=list)
    term_status: str | None = None
    term_ends_on: date | None = None
    overdue_step_titles: list = field(default_factory=list)

    @property
    def has_street_concerns(self) -> bool:
        """Findings, or a term whose re-election is due or overdue: never a quiet compound."""
        return bool(self.findings) or self.term_status in ("due", "overdue")

    @property
    def has_street_danger(self) -> bool:
        """A term ended without re-election, or a high-severity finding."""
        return self.term_status == "overdue" or any(severity == "high" for severity, _text in self.findings)

    @property
    def is_procedure_overdue(self) -> bool:
        return bool(self.procedure is not None and self.procedure.is_overdue)

    @property
    def next_due_on(self) -> date | None:
        dates = [d for d in (self.procedure.next_due_on if self.procedure else None, self.next_item_due_on) if d]
        return min(dates) if dates else None


def attention_key(row: BoardRow) -> tuple:
    """Overdue procedure deadlines first, then overdue action items, then whatever is due soonest."""
    overdue_steps = row.procedure.overdue_steps if row.is_procedure_overdue else 0
    return (
        0 if row.is_procedure_overdue else 1,
        -overdue_steps,
        0 if row.overdue_items else 1,
        -row.overdue_items,
        0 if row.has_street_danger else 1,
        row.next_due_on or date.max,
        row.name,
    )


def attention_level(row: BoardRow, today: date, soon_days: int = 7) -> str:
    """danger (something overdue), warning (due within a week), ok."""
    if row.is_procedure_overdue or row.overdue_items or row.has_street_danger:
        return "danger"
    if row.has_street_concerns:
        return "warning"
    if row.next_due_on is not None and (row.next_due_on - today).days <= soon_days:
        return "warning"
    return "ok"


def board_rows(user: Any, today: date | None = None, language: str = "zh") -> list[BoardRow]:
    """Every compound the user coaches with its procedure and items, most urgent first; findings
    and step titles in ``language`` ("zh" or "en", from the rule data).

    Three queries plus the procedures feature's fixed number, whatever the number of compounds.
    """
    return rows_of(coached_compound_ids(user), today or clock.today(), language)


def coached_compound_ids(user: Any) -> tuple[int, ...]:
    """The compounds the user coaches (one query)."""
    return tuple(db.session.scalars(
        compounds_where(user, Ability.COACH).with_only_columns(Compound.id).order_by(Compound.id)))


def rows_of(compound_ids: tuple[int, ...], today: date, language: str = "zh") -> list[BoardRow]:
    """The board's rows of these compounds, most urgent first (kept in the data cache)."""
    if not compound_ids:
        return []
    return datacache.cached("workshop.board_rows", (compound_ids, today, str(get_locale()), language),
                            lambda: _board_rows_of(list(compound_ids), today, language))


def _board_rows_of(compound_ids: list[int], today: date, language: str = "zh") -> list[BoardRow]:
    """The board's rows of these compounds (kept in the data cache: the same for every mentor
    coaching them)."""
    compounds = db.session.execute(
        select(Compound.id, Compound.code, Compound.name, Compound.rule_set, Compound.setting_overrides)
        .where(Compound.id.in_(compound_ids))
    ).all()
    rows = {c.id: BoardRow(c.id, c.code, c.name) for c in compounds}
    if not rows:
        return []
    scoped = list(rows)
    is_open = ActionItem.status == ItemStatus.OPEN.value
    for compound_id, open_items, overdue, next_due in db.session.execute(
        select(ActionItem.compound_id, func.count(ActionItem.id),
               func.coalesce(func.sum(case((ActionItem.due_on < today, 1), else_=0)), 0),
               func.min(ActionItem.due_on))
        .where(is_open, ActionItem.compound_id.in_(scoped)).group_by(ActionItem.compound_id)
    ):
        row = rows[compound_id]
        row.open_items, row.overdue_items, row.next_item_due_on = open_items, int(overdue), next_due
    for compound_id, last_on, count in db.session.execute(
        select(CoachingSession.compound_id, func.max(CoachingSession.held_on), func.count(CoachingSession.id))
        .where(CoachingSession.compound_id.in_(scoped)).group_by(CoachingSession.compound_id)
    ):
        rows[compound_id].last_session_on, rows[compound_id].sessions = last_on, count
    for compound_id, overview in procedure_overviews(list(rows)).items():
        if compound_id in rows:
            rows[compound_id].procedure = overview
    add_street_view(rows, compounds, today, language)
    return sorted(rows.values(), key=attention_key)


def add_street_view(rows: dict[int, BoardRow], compounds: list, today: date, language: str = "zh") -> None:
    """What the street office sees, from the oversight feature's facts (when installed): findings,
    term status and the overdue procedure steps by title, for all rows with the oversight's fixed
    number of queries."""
    if not rows or importlib.util.find_spec("committee_app.oversight") is None:
        return
    from ..oversight.facts import gather
    from ..oversight.util import evaluate, findings_of
    from ..procedures.util import step_due_on, step_is_overdue
    from ..rules import reelection_status

    from ..web.rows import Unavailable, isolated

    def street_view(row: BoardRow, facts) -> None:
        row.findings = [(r.severity, r.problem(language)) for r in findings_of(evaluate(facts))]
        current = next((c for c in facts.committees or () if c.is_current), None)
        reelecting = any(p.status == "active" and p.kind == "reelection" for p in facts.procedures or ())
        if current is not None and not reelecting:
            row.term_ends_on = current.term_ends_on
            row.term_status = reelection_status(current.term_ends_on, today,
                                                int(facts.settings.get("reelection_lead_months", 3)))
        active = next((p for p in facts.procedures or () if p.status == "active"), None)
        for step in active.steps if active is not None else ():
            if step.rule is not None and step_is_overdue(step, step.rule,
                                                         step_due_on(step.rule, active.anchors, facts.settings), today):
                row.overdue_step_titles.append(
                    step.rule.title_en if language == "en" and step.rule.title_en else step.title)

    for compound_id, facts in gather([tuple(c) for c in compounds], today).items():
        row = rows[compound_id]
        # one compound's data that cannot be computed (an impossible date) never fails the board
        outcome = isolated(lambda: street_view(row, facts), what=f"street view of compound {compound_id} on the mentor's board")
        if isinstance(outcome, Unavailable):
            row.findings.append(("high", str(outcome)))


def board_scope(user: Any, today: date) -> tuple[tuple[int, ...], list, list]:
    """(compound ids, communities, coming events) of the mentor's board as plain data (kept in
    the data cache: no ORM objects)."""
    from types import SimpleNamespace

    communities = coached_communities(user)
    events = upcoming_events(user, today, communities=communities)
    return (coached_compound_ids(user), [SimpleNamespace(id=c.id, name=c.name) for c in communities],
            [SimpleNamespace(id=e.id, title=e.title, held_on=e.held_on, place=e.place) for e in events])


def board_summary(rows: list[BoardRow]) -> dict:
    return {
        "compounds": len(rows),
        "procedure_overdue": sum(1 for r in rows if r.is_procedure_overdue),
        "open_items": sum(r.open_items for r in rows),
        "overdue_items": sum(r.overdue_items for r in rows),
    }


def upcoming_events(user: Any, today: date, limit: int = 3, communities: list[Community] | None = None
                    ) -> list[WorkshopEvent]:
    ids = [c.id for c in (coached_communities(user) if communities is None else communities)]
    if not ids:
        return []
    return list(db.session.scalars(
        select(WorkshopEvent).where(WorkshopEvent.community_id.in_(ids), WorkshopEvent.held_on >= today)
        .order_by(WorkshopEvent.held_on).limit(limit)))


# ----------------------------------------------------------------------------- items and sessions


def item_order():
    """Open items first (soonest due first), then closed ones, latest first."""
    return (case((ActionItem.status == ItemStatus.OPEN.value, 0), else_=1), ActionItem.due_on, ActionItem.id)


ITEM_STATES = ("open", "overdue", "done", "dropped")


def filtered_items(compound_ids: list[int] | Any, *, today: date, state: str = "", text: str = ""):
    """A query of the action items of ``compound_ids``: ``state`` open (overdue included),
    overdue, done or dropped; ``text`` found in the title, the assignee or the outcome note."""
    query = (select(ActionItem).where(ActionItem.compound_id.in_(compound_ids))
             .options(selectinload(ActionItem.session), selectinload(ActionItem.compound))
             .order_by(*item_order()))
    if state == "open":
        query = query.where(ActionItem.status == ItemStatus.OPEN.value)
    elif state == "overdue":
        query = query.where(ActionItem.status == ItemStatus.OPEN.value, ActionItem.due_on < today)
    elif state in ("done", "dropped"):
        query = query.where(ActionItem.status == state)
    if text:
        query = query.where(ActionItem.title.contains(text, autoescape=True)
                            | ActionItem.assignee.contains(text, autoescape=True)
                            | ActionItem.outcome_note.contains(text, autoescape=True))
    return query


def compound_items(compound_ids: list[int] | Any, only_open: bool = False) -> list[ActionItem]:
    query = (select(ActionItem).where(ActionItem.compound_id.in_(compound_ids))
             .options(selectinload(ActionItem.session), selectinload(ActionItem.compound))
             .order_by(*item_order()))
    if only_open:
        query = query.where(ActionItem.status == ItemStatus.OPEN.value)
    return list(db.session.scalars(query))


def compound_sessions(compound: Compound) -> list[CoachingSession]:
    return list(db.session.scalars(
        select(CoachingSession).where(CoachingSession.compound_id == compound.id)
        .options(selectinload(CoachingSession.attendees).selectinload(SessionAttendee.user),
                 selectinload(CoachingSession.items), selectinload(CoachingSession.files),
                 selectinload(CoachingSession.mentor))
        .order_by(CoachingSession.held_on.desc(), CoachingSession.id.desc())))


def _member_growth(compound: Compound) -> list[dict]:
    """Each sitting committee member's participation per year (trainings, salons, deliberations,
    meetings, minutes signed), from the deliberation feature's ledger when it is installed."""
    if compound.community is None or importlib.util.find_spec("committee_app.deliberation") is None:
        return []
    from ..deliberation import rules as deliberation_rules
    from ..deliberation.util import growth

    kinds = deliberation_rules.default_points()
    return [{"name": m.name, "points": m.points,
             "years": [{"year": year, "text": "、".join(f"{kinds[k].title if k in kinds else k} {n} 次"
                                                      for k, n in sorted(counts.items()))}
                       for year, counts in m.years.items()]}
            for m in growth(compound.community) if m.compound == compound.name]


def coaching_record_context(compound: Compound) -> dict:
    """Plain values for the coaching record PDF (辅导记录) of one compound."""
    today = clock.today()
    sessions = list(reversed(compound_sessions(compound)))
    state_labels = {"open": "进行中", "overdue": "已逾期", "done": "已完成", "dropped": "已撤销"}
    items = []
    for session in sessions:
        for item in session.items:
            state = item.state(today)
            outcome = ""
            if state == "done":
                outcome = f"{item.completed_on.isoformat()} 完成：{item.outcome_note or ''}"
            elif state == "dropped":
                outcome = f"撤销理由：{item.outcome_note or ''}"
            elif state == "overdue":
                outcome = f"逾期 {item.days_overdue(today)} 天"
            items.append({"title": item.title, "assignee": item.assignee, "due_on": item.due_on.isoformat(),
                          "session_on": session.held_on.isoformat(), "state": state,
                          "state_label": state_labels[state], "outcome": outcome})
    mentors = sorted({s.mentor.display_name for s in sessions if s.mentor is not None})
    overview = procedure_overviews([compound.id]).get(compound.id)
    procedure = None if overview is None else {
        "title": overview.title, "step": overview.current_step_title or "已完成全部步骤",
        "next_due_on": overview.next_due_on.isoformat() if overview.next_due_on else "",
        "overdue_steps": overview.overdue_steps,
    }
    counts = {state: sum(1 for i in items if i["state"] == state) for state in state_labels}
    return {
        "growth": _member_growth(compound),
        "title": "业委会主任工作室辅导记录",
        "compound_name": compound.name,
        "community_name": compound.community.name if compound.community else "",
        "generated_on": today.isoformat(),
        "issuer": f"{compound.community.name}业委会主任工作室" if compound.community else "业委会主任工作室",
        "mentors": mentors,
        "procedure": procedure,
        "sessions": [{
            "held_on": s.held_on.isoformat(),
            "place": s.place or "",
            "attendees": [a.name for a in s.attendees],
            "topics": [TOPICS.get(t, t) for t in s.topics],
            "step": step_title(compound, s.step_key) or "",
            "advice": s.advice,
            "mentor": s.mentor.display_name if s.mentor is not None else "",
        } for s in sessions],
        "items": items,
        "counts": counts,
    }


# ----------------------------------------------------------------------------- events and training records


def events_of(community_ids: list[int]) -> list[WorkshopEvent]:
    if not community_ids:
        return []
    return list(db.session.scalars(
        select(WorkshopEvent).where(WorkshopEvent.community_id.in_(community_ids))
        .options(selectinload(WorkshopEvent.invitees), selectinload(WorkshopEvent.community))
        .order_by(WorkshopEvent.held_on.desc(), WorkshopEvent.id.desc())))


@dataclass
class Person:
    user_id: int | None
    guest_name: str | None
    name: str
    compound: str = ""
    invited: int = 0
    attended: int = 0
    events: list = field(default_factory=list)


def training_people(community_ids: list[int]) -> list[Person]:
    """Everyone invited to the communities' events, with how many they attended."""
    if not community_ids:
        return []
    rows = db.session.execute(
        select(EventInvitee, Compound.name).join(WorkshopEvent, WorkshopEvent.id == EventInvitee.event_id)
        .outerjoin(Compound, Compound.id == EventInvitee.compound_id)
        .where(WorkshopEvent.community_id.in_(community_ids))
        .options(selectinload(EventInvitee.user))
    ).all()
    people: dict[tuple, Person] = {}
    for invitee, compound_name in rows:
        key = ("u", invitee.user_id) if invitee.user_id else ("g", invitee.guest_name)
        person = people.setdefault(key, Person(invitee.user_id, invitee.guest_name, invitee.name,
                                               compound_name or ""))
        person.invited += 1
        person.attended += 1 if invitee.attended else 0
    return sorted(people.values(), key=lambda p: (-p.attended, p.compound, p.name))


def training_record(community_ids: list[int], *, user_id: int | None = None,
                    guest_name: str | None = None) -> list[tuple[WorkshopEvent, EventInvitee]]:
    """The events of the communities one person was invited to, newest first."""
    if not community_ids:
        return []
    person = EventInvitee.user_id == user_id if user_id is not None else and_(
        EventInvitee.guest_name == guest_name, EventInvitee.user_id.is_(None))
    return [tuple(row) for row in db.session.execute(
        select(WorkshopEvent, EventInvitee).join(EventInvitee, EventInvitee.event_id == WorkshopEvent.id)
        .where(WorkshopEvent.community_id.in_(community_ids), person)
        .order_by(WorkshopEvent.held_on.desc()))]


def own_training_record(user_id: int) -> list[tuple[WorkshopEvent, EventInvitee]]:
    return [tuple(row) for row in db.session.execute(
        select(WorkshopEvent, EventInvitee).join(EventInvitee, EventInvitee.event_id == WorkshopEvent.id)
        .where(EventInvitee.user_id == user_id).order_by(WorkshopEvent.held_on.desc()))]

