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
from .risk import BAND_LABELS, risk_band, risk_score, risk_sort_key


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

    def problem(self, language: str = "zh") -> str:
        """What went wrong, as a sentence (the check's ``problem`` template with the values); the
        rule's title and citations stay the basis shown next to it."""
        if self.outcome.message == UNAVAILABLE:
            return self.text(language)
        return self.check.problem(self.outcome.message, self.outcome.values, language, translate=_translate)

    @property
    def fingerprint(self) -> str:
        return self.outcome.fingerprint(self.check.key)

    def evidence(self, checks: CheckSet, language: str = "zh") -> list[tuple[str, str]]:
        values = self.outcome.values
        return [(checks.label(key, language), _evidence_text(values.get(key), language))
                for key in self.outcome.evidence]


#: the message of an outcome whose check raised (an impossible date, …): shown as "无法计算" with the reason
UNAVAILABLE = "__unavailable__"


def _translate(text: str) -> str:
    from flask import has_app_context
    from flask_babel import gettext

    return gettext(text) if has_app_context() else text


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
        current_step_title_en=current.title_en if current else None,
        next_due_on=next_due, overdue_steps=overdue, is_overdue=overdue > 0, signoffs_waiting=waiting)


@dataclass(frozen=True)
class Handled:
    """A standing handling of a finding, as the board shows it."""

    id: int
    note: str
    handled_on: date
    handled_by: str


@dataclass(frozen=True)
class BoardFinding:
    """A finding on the board: the result, and the street office's handling when one stands."""

    result: Result
    handled: Handled | None = None

    @property
    def is_open(self) -> bool:
        return self.handled is None


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
    current_step_en: str | None = None
    next_due_on: date | None = None
    overdue_steps: int = 0
    signoffs_waiting: int = 0
    findings: dict = field(default_factory=lambda: {s: 0 for s in SEVERITIES})  # open findings by severity
    finding_titles: list = field(default_factory=list)  # (check key, title) of the open findings
    items: list = field(default_factory=list)  # every finding (BoardFinding), open first
    error: Unavailable | None = None  # set when the row could not be computed ("无法计算")

    @property
    def finding_count(self) -> int:
        return sum(self.findings.values())

    @property
    def handled_count(self) -> int:
        return sum(1 for item in self.items if not item.is_open)

    @property
    def risk(self) -> int | None:
        """The risk score of the open findings, overdue steps and term (None: not computed)."""
        if self.error is not None:
            return None
        severities = [item.result.severity for item in self.items if item.is_open]
        return risk_score(severities, self.overdue_steps, self.term_status)

    @property
    def band(self) -> str:
        return risk_band(self.risk)

    @property
    def is_overdue(self) -> bool:
        return self.overdue_steps > 0 or self.term_status == "overdue" or "reelection_started_on_time" in {
            key for key, _title in self.finding_titles}


TERM_LABELS = {"not_yet": "任期内", "upcoming": "即将启动换届", "due": "应当启动换届", "overdue": "任期已届满"}
SORTS = ("risk", "name", "community", "term", "deadline", "findings", "overdue")
DEFAULT_SORT = "risk"


def _fill_row(row: BoardRow, compound_facts, checks, today: date, handlings: dict | None = None) -> BoardRow:
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
        row.current_step_en = o.current_step_title_en
        row.overdue_steps, row.signoffs_waiting = o.overdue_steps, o.signoffs_waiting
    row.items = with_handlings(findings_of(evaluate(compound_facts, checks)), handlings or {})
    for item in row.items:
        if item.is_open:
            row.findings[item.result.severity] += 1
            row.finding_titles.append((item.result.check.key, item.result.check.title_zh))
    return row


def with_handlings(findings: list[Result], handlings: dict) -> list[BoardFinding]:
    """Each finding with its standing handling (matched by check and fingerprint), open ones first.
    A finding without a current result is never listed: a handling of facts that changed is shown
    nowhere, and the finding computed from the new facts is open."""
    items = [BoardFinding(r, handlings.get((r.check.key, r.fingerprint))) for r in findings]
    return sorted(items, key=lambda item: not item.is_open)  # stable: severity order kept within


def open_handlings(compound_ids: list[int]) -> dict[int, dict[tuple[str, str], Handled]]:
    """The standing handlings of these compounds, by compound and (check key, fingerprint): one query."""
    from ..accounts.models import User
    from .models import FindingHandling

    if not compound_ids:
        return {}
    rows = db.session.execute(
        select(FindingHandling.id, FindingHandling.compound_id, FindingHandling.check_key,
               FindingHandling.fingerprint, FindingHandling.note, FindingHandling.handled_on, User.display_name)
        .join(User, User.id == FindingHandling.handled_by_id)
        .where(FindingHandling.compound_id.in_(compound_ids), FindingHandling.reopened_at.is_(None))
        .order_by(FindingHandling.id)).all()
    result: dict[int, dict] = {}
    for row in rows:
        result.setdefault(row.compound_id, {})[(row.check_key, row.fingerprint)] = Handled(
            row.id, row.note, row.handled_on, row.display_name)
    return result


@dataclass
class Board:
    """The board's rows (filtered and sorted), the communities of the whole scope (for the filter),
    and the street's compliance at a glance (over the rows shown)."""

    rows: list[BoardRow]
    communities: list[tuple[int, str]]

    @property
    def bands(self) -> list[tuple[str, int]]:
        """Compounds per risk band, highest first (``unknown`` only when some row failed)."""
        counts = {band: 0 for band in ("high", "attention", "none", "unknown")}
        for row in self.rows:
            counts[row.band] += 1
        return [(band, n) for band, n in counts.items() if n or band != "unknown"]

    def by_check(self) -> list[tuple[Check, int]]:
        """Open findings per check over the rows shown, most first (checks with none left out)."""
        counts: dict[str, int] = {}
        for row in self.rows:
            for item in row.items:
                if item.is_open:
                    counts[item.result.check.key] = counts.get(item.result.check.key, 0) + 1
        checks = get_checks().by_key()
        order = {key: index for index, key in enumerate(checks)}
        return [(checks[key], n) for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], order.get(kv[0], 0)))
                if key in checks]


def board(user, *, community_id: int | None = None, only_findings: bool = False, only_overdue: bool = False,
          sort: str = DEFAULT_SORT) -> Board:
    """One row per compound the user may sign off for (street or community scope).

    A fixed number of queries: the compounds (with their communities), the facts (one per kind
    of record) and the standing handlings — whatever the number of compounds.
    """
    return board_of(board_compound_ids(user), community_id=community_id, only_findings=only_findings,
                    only_overdue=only_overdue, sort=sort)


def board_rows(user, **filters) -> list[BoardRow]:
    return board(user, **filters).rows


def board_compound_ids(user) -> tuple[int, ...]:
    """The compounds the user may sign off for (one query)."""
    return tuple(db.session.scalars(
        compounds_where(user, Ability.SIGN_OFF).with_only_columns(Compound.id).order_by(Compound.id)))


def board_of(compound_ids: tuple[int, ...], *, community_id: int | None = None, only_findings: bool = False,
             only_overdue: bool = False, sort: str = DEFAULT_SORT) -> Board:
    """The board of these compounds, filtered and sorted (the rows kept in the data cache: they
    depend on the compounds, their facts and the standing finding handlings, all read by SQL)."""
    today = clock.today()
    rows, communities = datacache.cached("oversight.board_rows", (compound_ids, today, str(get_locale())),
                                         lambda: _board_rows_of(list(compound_ids), today))
    if community_id is not None:
        rows = [r for r in rows if r.community_id == community_id]
    if only_findings:
        rows = [r for r in rows if r.finding_count]
    if only_overdue:
        rows = [r for r in rows if r.is_overdue]
    return Board(sort_rows(rows, sort), communities)


def _board_rows_of(compound_ids: list[int], today: date) -> tuple[list[BoardRow], list[tuple[int, str]]]:
    """The rows of these compounds, in no particular order, and their communities (what
    :func:`board_of` keeps in the data cache: the same for every officer whose scope holds these
    compounds)."""
    if not compound_ids:
        return [], []
    compounds = _compound_rows(compound_ids=compound_ids)
    communities = sorted({(c.community_id, c.community_name) for c in compounds if c.community_id is not None},
                         key=lambda pair: (pair[1], pair[0]))
    facts = gather([(r.id, r.code, r.name, r.rule_set, r.setting_overrides) for r in compounds], today)
    handlings = open_handlings([c.id for c in compounds])
    checks = get_checks()
    rows = []
    for compound in compounds:
        row = BoardRow(compound.id, compound.code, compound.name, compound.community_id,
                       compound.community_name or "")
        computed = isolated(lambda: _fill_row(row, facts[compound.id], checks, today,
                                              handlings.get(compound.id, {})),
                            what=f"oversight board row of compound {compound.code}")
        if isinstance(computed, Unavailable):
            row = BoardRow(compound.id, compound.code, compound.name, compound.community_id,
                           compound.community_name or "", error=computed)
        rows.append(row)
    return rows, communities


def sort_rows(rows: list[BoardRow], sort: str) -> list[BoardRow]:
    far = date.max
    keys = {
        "risk": lambda r: risk_sort_key(r.risk, r.name, r.code),
        "name": lambda r: (r.name, r.code),
        "community": lambda r: (r.community, r.name),
        "term": lambda r: (r.term_ends_on or far, r.name),
        "deadline": lambda r: (r.next_due_on or far, r.name),
        "findings": lambda r: (-r.findings["high"], -r.findings["medium"], -r.findings["low"], r.name),
        "overdue": lambda r: (not r.is_overdue, -r.overdue_steps, r.name),
    }
    return sorted(rows, key=keys.get(sort, keys[DEFAULT_SORT]))


CSV_HEADER = ["小区编号", "小区", "社区", "任期届满日", "任期状态", "程序", "当前步骤", "下一截止日", "逾期步骤",
              "待签核", "高风险问题", "中风险问题", "低风险问题", "问题", "风险分", "风险等级", "已处理问题"]


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
            "；".join(item.result.problem("zh") for item in r.items if item.is_open),
            "" if r.risk is None else r.risk, BAND_LABELS[r.band],
            "；".join(f"{item.result.problem('zh')}（已处理：{item.handled.note}，{item.handled.handled_by}，"
                     f"{item.handled.handled_on}）" for item in r.items if not item.is_open),
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
