"""Oversight queries: findings per compound, the board's rows, sign-offs waiting, CSV.

Every function here answers for many compounds with a fixed number of queries.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from flask_babel import get_locale
from sqlalchemy import select

from .. import clock
from ..extensions import db
from ..policy import Ability, compounds_where
from ..registry.models import Community, Compound
from ..rules import reelection_status
from ..web import datacache
from ..web.rows import Unavailable, isolated
from ..web.spreadsheet import safe_cells
from .checks import Check, CheckSet, get_checks
from .facts import gather
from .model import SEVERITIES, CompoundFacts, Outcome


# --------------------------------------------------------------------------- findings


@dataclass(frozen=True)
class Result:
    check: Check
    outcome: Outcome

    @property
    def ok(self) -> bool:
        return self.outcome.ok

    @property
    def severity(self) -> str:
        return self.check.severity

    def text(self, language: str = "zh") -> str:
        if self.outcome.message == UNAVAILABLE:
            reason = self.outcome.values.get("reason", "")
            return f"Cannot be computed: {reason}" if language == "en" else f"无法计算：{reason}"
        return self.check.text(self.outcome.message, self.outcome.values, language)

    def evidence(self, checks: CheckSet, language: str = "zh") -> list[tuple[str, str]]:
        values = self.outcome.values
        return [(checks.label(key, language), _evidence_text(values.get(key), language))
                for key in self.outcome.evidence]


#: the message of an outcome whose check raised (an impossible date, …): shown as "无法计算" with the reason
UNAVAILABLE = "__unavailable__"


def _evidence_text(value, language: str) -> str:
    if value is None:
        return "—"
    if hasattr(value, "explanation"):  # a rules.CountedDate: say how it was counted
        return value.explanation(language)
    return str(value)


def evaluate(facts: CompoundFacts, checks: CheckSet | None = None) -> list[Result]:
    """Every check that applies to the compound's recorded facts, ok or not."""
    checks = checks or get_checks()
    results = []
    for check in checks.checks:
        if not check.applies_to(facts):
            continue
        outcomes = isolated(lambda: list(check.checker(facts, check.params)),
                            what=f"check {check.key} of compound {facts.code}")
        if isinstance(outcomes, Unavailable):
            outcomes = [Outcome(ok=False, message=UNAVAILABLE, values={"reason": outcomes.reason},
                                evidence=("reason",))]
        for outcome in outcomes:
            results.append(Result(check, outcome))
    return results


def findings_of(results: list[Result]) -> list[Result]:
    order = {severity: index for index, severity in enumerate(SEVERITIES)}
    return sorted((r for r in results if not r.ok), key=lambda r: (order[r.severity], r.check.key))


def skipped_checks(facts: CompoundFacts, checks: CheckSet | None = None) -> list[Check]:
    """Checks whose facts no installed feature records (reported as not checked, never guessed)."""
    checks = checks or get_checks()
    return [check for check in checks.checks if not check.applies_to(facts)]


def _compound_rows(compound_ids: list[int] | None = None, scope_query=None) -> list:
    query = (select(Compound.id, Compound.code, Compound.name, Compound.rule_set, Compound.setting_overrides,
                    Compound.community_id, Community.name.label("community_name"))
             .outerjoin(Community, Community.id == Compound.community_id))
    if scope_query is not None:
        query = query.where(Compound.id.in_(scope_query.with_only_columns(Compound.id)))
    if compound_ids is not None:
        query = query.where(Compound.id.in_(compound_ids))
    return db.session.execute(query.order_by(Compound.name, Compound.id)).all()


def compound_results(compound) -> tuple[CompoundFacts, list[Result]]:
    row = (compound.id, compound.code, compound.name, compound.rule_set, compound.setting_overrides)
    facts = gather([row])[compound.id]
    return facts, evaluate(facts)


# --------------------------------------------------------------------------- the board


def overview_of(procedure, settings: dict, today: date):
    """The procedures feature's overview of an active procedure (current step, next due date,
    overdue steps, sign-offs waiting), computed from facts already gathered with its own rules
    (:func:`committee_app.procedures.util.step_due_on` / ``step_is_overdue``), so the board
    needs no further query. A test keeps it equal to ``procedure_overview``."""
    from ..procedures.util import ProcedureOverview, step_due_on, step_is_overdue

    current, next_due, overdue, waiting = None, None, 0, 0
    for step in procedure.steps:
        rule = step.rule
        if rule is None:
            continue
        settled = step.state == "done" or (step.state == "waived" and step.waiver is not None
                                           and step.waiver.approved_on is not None)
        if current is None and not settled:  # as ProcedureStep.is_settled: a waiver counts once approved
            current = rule
        if step.state == "submitted":
            waiting += 1
        if step.state in ("pending", "in_progress"):
            due_on = step_due_on(rule, procedure.anchors, settings)
            if step_is_overdue(step, rule, due_on, today):
                overdue += 1
            elif due_on is not None and due_on >= today and rule.deadline.kind != "after":
                next_due = due_on if next_due is None else min(next_due, due_on)
    return ProcedureOverview(
        procedure_id=procedure.id, kind=procedure.kind, title=procedure.title,
        current_step_key=current.key if current else None, current_step_title=current.title_zh if current else None,
        next_due_on=next_due, overdue_steps=overdue, is_overdue=overdue > 0, signoffs_waiting=waiting)


@dataclass
class BoardRow:
    compound_id: int
    code: str
    name: str
    community_id: int | None
    community: str
    term_ends_on: date | None = None
    term_status: str | None = None  # not_yet | upcoming | due | overdue (rules.reelection_status)
    procedure_id: int | None = None
    procedure_title: str | None = None
    current_step: str | None = None
    next_due_on: date | None = None
    overdue_steps: int = 0
    signoffs_waiting: int = 0
    findings: dict = field(default_factory=lambda: {s: 0 for s in SEVERITIES})
    finding_titles: list = field(default_factory=list)
    error: Unavailable | None = None  # set when the row could not be computed ("无法计算")

    @property
    def finding_count(self) -> int:
        return sum(self.findings.values())

    @property
    def is_overdue(self) -> bool:
        return self.overdue_steps > 0 or self.term_status == "overdue" or "reelection_started_on_time" in {
            key for key, _title in self.finding_titles}


TERM_LABELS = {"not_yet": "任期内", "upcoming": "即将启动换届", "due": "应当启动换届", "overdue": "任期已届满"}
SORTS = ("name", "community", "term", "deadline", "findings", "overdue")


def _fill_row(row: BoardRow, compound_facts, checks, today: date) -> BoardRow:
    current = next((c for c in compound_facts.committees or () if c.is_current), None)
    if current is not None:
        row.term_ends_on = current.term_ends_on
        row.term_status = reelection_status(current.term_ends_on, today,
                                            int(compound_facts.settings.get("reelection_lead_months", 3)))
    active = next((p for p in compound_facts.procedures or () if p.status == "active"), None)
    if active is not None:
        o = overview_of(active, compound_facts.settings, today)
        row.procedure_id, row.procedure_title = o.procedure_id, o.title
        row.current_step, row.next_due_on = o.current_step_title, o.next_due_on
        row.overdue_steps, row.signoffs_waiting = o.overdue_steps, o.signoffs_waiting
    for result in findings_of(evaluate(compound_facts, checks)):
        row.findings[result.severity] += 1
        row.finding_titles.append((result.check.key, result.check.title_zh))
    return row


def board_rows(user, *, community_id: int | None = None, only_findings: bool = False, only_overdue: bool = False,
               sort: str = "name") -> list[BoardRow]:
    """One row per compound the user may sign off for (street or community scope).

    A fixed number of queries: the compounds, then the facts (one per kind of record) —
    whatever the number of compounds.
    """
    return rows_of(board_compound_ids(user), community_id=community_id, only_findings=only_findings,
                   only_overdue=only_overdue, sort=sort)


def board_compound_ids(user) -> tuple[int, ...]:
    """The compounds the user may sign off for (one query)."""
    return tuple(db.session.scalars(
        compounds_where(user, Ability.SIGN_OFF).with_only_columns(Compound.id).order_by(Compound.id)))


def rows_of(compound_ids: tuple[int, ...], *, community_id: int | None = None, only_findings: bool = False,
            only_overdue: bool = False, sort: str = "name") -> list[BoardRow]:
    """The board's rows of these compounds, filtered and sorted (kept in the data cache)."""
    today = clock.today()
    rows = datacache.cached("oversight.board_rows", (compound_ids, today, str(get_locale())),
                            lambda: _board_rows_of(list(compound_ids), today))
    if community_id is not None:
        rows = [r for r in rows if r.community_id == community_id]
    if only_findings:
        rows = [r for r in rows if r.finding_count]
    if only_overdue:
        rows = [r for r in rows if r.is_overdue]
    return sort_rows(rows, sort)


def _board_rows_of(compound_ids: list[int], today: date) -> list[BoardRow]:
    """The rows of these compounds, in no particular order (what :func:`board_rows` keeps in
    the data cache: the same for every officer whose scope holds these compounds)."""
    if not compound_ids:
        return []
    compounds = _compound_rows(compound_ids=compound_ids)
    facts = gather([(r.id, r.code, r.name, r.rule_set, r.setting_overrides) for r in compounds], today)
    checks = get_checks()
    rows = []
    for compound in compounds:
        row = BoardRow(compound.id, compound.code, compound.name, compound.community_id,
                       compound.community_name or "")
        computed = isolated(lambda: _fill_row(row, facts[compound.id], checks, today),
                            what=f"oversight board row of compound {compound.code}")
        if isinstance(computed, Unavailable):
            row = BoardRow(compound.id, compound.code, compound.name, compound.community_id,
                           compound.community_name or "", error=computed)
        rows.append(row)
    return rows


def sort_rows(rows: list[BoardRow], sort: str) -> list[BoardRow]:
    far = date.max
    keys = {
        "name": lambda r: (r.name, r.code),
        "community": lambda r: (r.community, r.name),
        "term": lambda r: (r.term_ends_on or far, r.name),
        "deadline": lambda r: (r.next_due_on or far, r.name),
        "findings": lambda r: (-r.findings["high"], -r.findings["medium"], -r.findings["low"], r.name),
        "overdue": lambda r: (not r.is_overdue, -r.overdue_steps, r.name),
    }
    return sorted(rows, key=keys.get(sort, keys["name"]))


def communities_in_scope(user) -> list[tuple[int, str]]:
    scope = compounds_where(user, Ability.SIGN_OFF).with_only_columns(Compound.community_id)
    return [tuple(row) for row in db.session.execute(
        select(Community.id, Community.name).where(Community.id.in_(scope)).order_by(Community.name))]


CSV_HEADER = ["小区编号", "小区", "社区", "任期届满日", "任期状态", "程序", "当前步骤", "下一截止日", "逾期步骤",
              "待签核", "高风险问题", "中风险问题", "低风险问题", "问题"]


def board_csv(rows: list[BoardRow]) -> bytes:
    """The board as CSV in UTF-8 with a BOM, so Excel opens the Chinese correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for r in rows:
        writer.writerow(safe_cells([
            r.code, r.name, r.community, r.term_ends_on.isoformat() if r.term_ends_on else "",
            TERM_LABELS.get(r.term_status, "") if r.term_status else ("" if r.error else "无业委会"),
            f"无法计算：{r.error.reason}" if r.error else (r.procedure_title or ""),
            r.current_step or "", r.next_due_on.isoformat() if r.next_due_on else "", r.overdue_steps,
            r.signoffs_waiting, r.findings["high"], r.findings["medium"], r.findings["low"],
            "；".join(title for _key, title in r.finding_titles),
        ]))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# --------------------------------------------------------------------------- sign-offs


@dataclass(frozen=True)
class WaitingSignoff:
    step_id: int
    procedure_id: int
    compound_code: str
    compound_name: str
    procedure_title: str
    step_title: str
    done_on: date | None
    completed_at: object
    note: str | None
    was_returned: bool


def signoffs_waiting(user) -> list[WaitingSignoff]:
    """Steps completed and waiting for the street office, in the user's sign-off scope (one query)."""
    from ..procedures.models import SUBMITTED, Procedure, ProcedureStep
    from ..procedures.util import procedure_rules, procedure_title

    scope = compounds_where(user, Ability.SIGN_OFF).with_only_columns(Compound.id)
    rows = db.session.execute(
        select(ProcedureStep, Procedure, Compound.code, Compound.name)
        .join(Procedure, Procedure.id == ProcedureStep.procedure_id)
        .join(Compound, Compound.id == Procedure.compound_id)
        .where(ProcedureStep.state == SUBMITTED, Procedure.status == "active", Compound.id.in_(scope))
        .order_by(ProcedureStep.completed_at, ProcedureStep.id)).all()
    result = []
    for step, procedure, code, name in rows:
        rule = procedure_rules(procedure).get(step.key)
        result.append(WaitingSignoff(step.id, procedure.id, code, name, procedure_title(procedure),
                                     rule.title_zh if rule else step.key, step.done_on, step.completed_at,
                                     step.note, step.returned_reason is not None))
    return result
