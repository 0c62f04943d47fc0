"""Procedure queries and the derived view of a procedure (due dates, overdue marks).

Interfaces other features code against:

- :func:`active_procedure` — the compound's active procedure, or None;
- :func:`procedure_overview` — one summary per compound, a fixed number of queries;
- :func:`vote_gate` — None when a vote may open on a date, else the reason with its citation.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import clock
from ..extensions import db
from ..rules import (CountedDate, DeadlineRule, RuleSet, StepRule, Violation, check_date, counted_due_date, due_date,
                     earliest_after, get_rule_set)
from ..rules.citations import cited
from ..rules.model import split_items
from ..web.rows import Unavailable, isolated
from .models import DONE, OPEN_STATES, SUBMITTED, Procedure, ProcedureStep

#: anchors the organiser chooses (moving them moves the step); violations of a "before"
#: deadline on these are legal minimums that are refused, not merely late.
MOVABLE_ANCHORS = ("meeting_on", "election_on")


# --------------------------------------------------------------------------- rules and settings


def effective_settings(compound) -> dict:
    """The compound's rule-set settings with its overrides applied (validated on save)."""
    rule_set = get_rule_set(compound.rule_set)
    try:
        return rule_set.effective_settings(compound.setting_overrides or {})
    except ValueError:  # an override written outside the app: fall back to the rule set's defaults
        return rule_set.default_settings()


def procedure_rules(procedure: Procedure) -> dict[str, StepRule]:
    """The step rules of ``procedure`` by key, from the rule set it was started under."""
    return {rule.key: rule for rule in get_rule_set(procedure.rule_set).procedure(procedure.kind)}


def procedure_title(procedure: Procedure) -> str:
    rule_set = get_rule_set(procedure.rule_set)
    for candidate in rule_set.procedures:
        if candidate.kind == procedure.kind:
            return candidate.title_zh
    return procedure.kind


def deadline_citations(rule: StepRule) -> tuple[str, ...]:
    return (rule.deadline.citations if rule.deadline and rule.deadline.citations else ()) or rule.citations


def step_due_counted(rule: StepRule, anchors: dict, settings: dict) -> CountedDate | None:
    """The step's deadline date with how it was counted (CC arts 200-204), or None."""
    if rule.deadline is None:
        return None
    return counted_due_date(rule.deadline, anchors, settings)


def step_due_on(rule: StepRule, anchors: dict, settings: dict) -> date | None:
    """The step's deadline date (latest allowed, or earliest for an "after" rule), or None."""
    if rule.deadline is None:
        return None
    return due_date(rule.deadline, anchors, settings)


def is_refusal(deadline: DeadlineRule, step_on: date, anchors: dict, violation: Violation) -> bool:
    """Whether ``violation`` breaks a legal minimum (refused) rather than a time limit (recorded late).

    Refused: a step before its anchor ("within"), too early ("after"), or too close to a date the
    organiser chooses ("before" the meeting or election: a notice that has not stood its period).
    Recorded late: a time limit that has simply passed (filing after 30 days, a re-election started
    less than 3 months before the term ends): refusing would not undo the delay.
    """
    if deadline.kind == "after":
        return True
    if deadline.kind == "within":
        return step_on < anchors[deadline.anchor]
    return deadline.anchor in MOVABLE_ANCHORS


def waiver_rule(rule: StepRule | None):
    """The rule data's waiver of ``rule`` (who may waive it), or None: a statutory step, or the vote,
    which nobody may waive."""
    if rule is None or rule.action == "vote":
        return None
    return rule.waiver


def is_street_office(user, compound) -> bool:
    """Whether ``user`` acts for the street office over ``compound`` (signs off its steps)."""
    if user is None or not getattr(user, "is_authenticated", True):
        return False
    from ..policy import Ability, can

    return can(user, Ability.SIGN_OFF, compound)


def waiver_option(rule: StepRule | None, user, compound) -> str | None:
    """What ``user`` may do to waive an open step: ``"waive"`` (settled at once: the street office
    approving, or the organiser where the rule lets it waive alone), ``"request"`` (the organiser
    waives and the street office must approve), or None (not waivable for this user)."""
    waiver = waiver_rule(rule)
    if waiver is None or user is None:
        return None
    from ..policy import Ability, can

    if is_street_office(user, compound) and waiver.street_office_may_approve:
        return "waive"
    if can(user, Ability.MANAGE, compound):
        if waiver.organiser_may_waive:
            return "waive"
        if waiver.street_office_may_approve:
            return "request"
    return None


def unapproved_waivers(procedure: Procedure) -> list[tuple[ProcedureStep, StepRule | None]]:
    """Steps waived without an approval the vote may rely on (awaiting the street office, or a
    statutory step waived before the rules said it may not be)."""
    rules = procedure_rules(procedure)
    return [(step, rules.get(step.key)) for step in procedure.steps if step.state == "waived" and not step.is_settled]


def violation_text(violation: Violation, citations: tuple[str, ...]) -> str:
    from flask_babel import get_locale

    locale = get_locale()
    message = violation.message_en if locale is not None and locale.language == "en" else violation.message_zh
    if citations:
        return _("%(message)s（依据：%(citations)s）", message=message, citations=cited(citations))
    return message


def step_is_overdue(step: ProcedureStep, rule: StepRule, due_on: date | None, today: date) -> bool:
    return (step.state in OPEN_STATES and due_on is not None and rule.deadline is not None
            and rule.deadline.kind in ("before", "within") and due_on < today)


# --------------------------------------------------------------------------- timeline


@dataclass(frozen=True)
class StepView:
    step: ProcedureStep
    rule: StepRule | None
    due_on: date | None
    is_overdue: bool
    late_note: str | None  # set when the step was done after a time limit (recorded, not refused)
    prerequisites_missing: tuple[str, ...]  # titles of unsettled prerequisite steps
    due_error: Unavailable | None = None  # the due date could not be computed ("无法计算" and why)
    due_counted: CountedDate | None = None  # how due_on was counted


def timeline(procedure: Procedure, settings: dict, today: date | None = None) -> list[StepView]:
    today = today or clock.today()
    rules = procedure_rules(procedure)
    anchors = procedure.anchors()
    by_key = {step.key: step for step in procedure.steps}
    views = []
    for step in procedure.steps:
        rule = rules.get(step.key)
        if rule is None:
            views.append(StepView(step, None, None, False, None, ()))
            continue
        due_counted = isolated(lambda: step_due_counted(rule, anchors, settings),
                               what=f"due date of step {step.key} of procedure {procedure.id}")
        due_error = due_counted if isinstance(due_counted, Unavailable) else None
        due_counted = None if due_error else due_counted
        due_on = due_counted.on if due_counted is not None else None
        late_note = None
        if step.done_on is not None and rule.deadline is not None and step.state not in OPEN_STATES and not due_error:
            violation = isolated(lambda: check_date(rule.deadline, step.done_on, anchors, settings),
                                 what=f"deadline check of step {step.key} of procedure {procedure.id}")
            if isinstance(violation, Unavailable):
                due_error = violation
            elif violation is not None:
                late_note = violation_text(violation, deadline_citations(rule))
        missing = tuple(
            rules[key].title_zh for key in rule.prerequisites
            if key in by_key and key in rules and not by_key[key].is_settled
        )
        views.append(StepView(step, rule, due_on, step_is_overdue(step, rule, due_on, today), late_note, missing,
                              due_error, due_counted))
    return views


# --------------------------------------------------------------------------- interfaces


def active_procedure(compound) -> Procedure | None:
    """The compound's active procedure (at most one exists), with its steps loaded."""
    return db.session.scalar(
        select(Procedure).where(Procedure.compound_id == compound.id, Procedure.status == "active")
        .options(selectinload(Procedure.steps))
    )


@dataclass(frozen=True)
class ProcedureOverview:
    procedure_id: int
    kind: str  # "formation" | "reelection"
    title: str  # Chinese title of the procedure
    current_step_key: str | None  # first step (in order) neither done nor waived; None when all are
    current_step_title: str | None
    next_due_on: date | None  # earliest due date on or after today among open steps
    overdue_steps: int  # open steps whose due date has passed
    is_overdue: bool
    signoffs_waiting: int  # steps completed and waiting for the street office's sign-off
    error: Unavailable | None = None  # a due date that could not be computed ("无法计算" and why)
    current_step_title_en: str | None = None  # the current step's title in English (rule data)


def procedure_overview(compound_ids: list[int]) -> dict[int, ProcedureOverview]:
    """Active procedures of ``compound_ids`` by compound id (compounds without one are absent).

    Two queries whatever the number of compounds.
    """
    from ..registry.models import Compound

    if not compound_ids:
        return {}
    today = clock.today()
    rows = db.session.execute(
        select(Procedure, Compound.rule_set, Compound.setting_overrides)
        .join(Compound, Compound.id == Procedure.compound_id)
        .where(Procedure.compound_id.in_(list(compound_ids)), Procedure.status == "active")
    ).all()
    if not rows:
        return {}
    steps_by_procedure: dict[int, list[ProcedureStep]] = {}
    for step in db.session.scalars(
        select(ProcedureStep).where(ProcedureStep.procedure_id.in_([row[0].id for row in rows]))
        .order_by(ProcedureStep.procedure_id, ProcedureStep.position)
    ):
        steps_by_procedure.setdefault(step.procedure_id, []).append(step)
    result = {}
    for procedure, rule_set_key, overrides in rows:
        rule_set: RuleSet = get_rule_set(procedure.rule_set)
        try:
            settings = rule_set.effective_settings(overrides or {})
        except ValueError:
            settings = rule_set.default_settings()
        rules = {rule.key: rule for rule in rule_set.procedure(procedure.kind)}
        anchors = procedure.anchors()
        current = None
        next_due = None
        overdue = 0
        waiting = 0
        error = None
        for step in steps_by_procedure.get(procedure.id, []):
            rule = rules.get(step.key)
            if rule is None:
                continue
            if current is None and not step.is_settled:
                current = rule
            if step.state == SUBMITTED:
                waiting += 1
            if step.state in OPEN_STATES:
                due_on = isolated(lambda: step_due_on(rule, anchors, settings),
                                  what=f"due date of step {step.key} of procedure {procedure.id}")
                if isinstance(due_on, Unavailable):
                    error = error or due_on
                    continue
                if step_is_overdue(step, rule, due_on, today):
                    overdue += 1
                elif due_on is not None and due_on >= today and rule.deadline.kind != "after":
                    next_due = due_on if next_due is None else min(next_due, due_on)
        result[procedure.compound_id] = ProcedureOverview(
            procedure_id=procedure.id, kind=procedure.kind, title=procedure_title(procedure),
            current_step_key=current.key if current else None,
            current_step_title=current.title_zh if current else None,
            current_step_title_en=current.title_en if current else None,
            next_due_on=next_due, overdue_steps=overdue, is_overdue=overdue > 0, signoffs_waiting=waiting,
            error=error,
        )
    return result


def meeting_notice_step(procedure: Procedure) -> ProcedureStep | None:
    rules = procedure_rules(procedure)
    for step in procedure.steps:
        rule = rules.get(step.key)
        if rule is not None and rule.action == "meeting_notice":
            return step
    return None


def vote_gate(compound, opens_on: date) -> str | None:
    """None when a vote of the compound's procedure may open on ``opens_on``; else why not (Chinese,
    with citation).

    The meeting notice step must be done, and the notice must have stood its full period: posted at
    least ``meeting_notice_days`` (15, PMR art 14) before ``opens_on``; the posting day is not counted
    (CC art 201: posted on the 1st, a vote may open on the 16th; on the 17th when the compound's setting
    ``notice_period_excludes_meeting_day`` leaves out the meeting day too). The vote may not open before the
    meeting date the notice announced. A compound without an active procedure is not gated here
    (a vote outside a formation or re-election is the voting feature's business).
    """
    procedure = active_procedure(compound)
    if procedure is None:
        return None
    waived = unapproved_waivers(procedure)
    if waived:
        step, rule = waived[0]
        return _("“%(step)s”已被豁免但未经街道办事处批准，不能视为已完成，暂不能开始投票（依据：%(citations)s）",
                 step=rule.title_zh if rule else step.key,
                 citations=cited((rule.waiver.citations if rule and rule.waiver else rule.citations) if rule else ()))
    step = meeting_notice_step(procedure)
    if step is None:
        return None
    rule = procedure_rules(procedure)[step.key]
    citations = deadline_citations(rule)
    if step.state != DONE or step.done_on is None:
        return _("会议通知尚未发出：须先完成“%(step)s”，并公告满法定期限后方可开始投票（依据：%(citations)s）",
                 step=rule.title_zh, citations=cited(citations))
    settings = effective_settings(compound)
    violation = check_date(rule.deadline, step.done_on, {"meeting_on": opens_on}, settings) if rule.deadline else None
    if violation is not None:
        days = settings.get("meeting_notice_days", 15)
        return _("会议通知于 %(posted)s 发出，投票最早可于 %(earliest)s 开始（通知须提前至少 %(days)s 日，"
                 "张贴当日不计入，民法典第201条）；%(opens)s 不可开始投票（依据：%(citations)s）",
                 posted=step.done_on.isoformat(), earliest=_earliest_vote_on(rule.deadline, step.done_on, settings),
                 days=days, opens=opens_on.isoformat(), citations=cited(citations))
    if procedure.meeting_on is not None and opens_on < procedure.meeting_on:
        return _("投票开始日期 %(opens)s 早于会议通知载明的会议日期 %(meeting)s（依据：%(citations)s）",
                 opens=opens_on.isoformat(), meeting=procedure.meeting_on.isoformat(),
                 citations=cited(citations))
    return None


def _earliest_vote_on(deadline: DeadlineRule, posted_on: date, settings: dict) -> str:
    amount, unit = deadline.amount(settings)
    excludes = deadline.anchor == "meeting_on" and settings.get("notice_period_excludes_meeting_day") is True
    return earliest_after(posted_on, amount, unit, excludes_anchor_day=excludes).isoformat()


def deadline_text(rule: StepRule, settings: dict) -> str | None:
    """The deadline rule in words, e.g. "业主大会会议（表决）日前至少15日"."""
    from ..rules.model import ANCHOR_TITLES

    deadline = rule.deadline
    if deadline is None:
        return None
    try:
        amount, unit = deadline.amount(settings)
    except (KeyError, TypeError):
        return None
    span = _("%(n)s个月", n=amount) if unit == "months" else _("%(n)s日", n=amount)
    anchor = _(ANCHOR_TITLES[deadline.anchor][0])
    if deadline.kind == "before":
        return _("%(anchor)s前至少%(span)s", anchor=anchor, span=span)
    if deadline.kind == "within":
        return _("%(anchor)s后%(span)s内", anchor=anchor, span=span)
    return _("%(anchor)s后满%(span)s", anchor=anchor, span=span)


def anchors_used(procedure: Procedure) -> list[str]:
    """The anchor dates this procedure's deadlines count from, in a stable order."""
    from .models import ANCHOR_FIELDS

    used = {rule.deadline.anchor for rule in procedure_rules(procedure).values() if rule.deadline}
    return [name for name in ANCHOR_FIELDS if name in used]


def step_notices(procedure: Procedure) -> dict[int, list]:
    """Board notices posted by the procedure's steps, by step id (one query)."""
    from ..notices.models import Notice

    step_ids = [step.id for step in procedure.steps]
    if not step_ids:
        return {}
    result: dict[int, list] = {}
    for notice in db.session.scalars(
        select(Notice).where(Notice.source_type == "procedure_step", Notice.source_id.in_(step_ids))
        .order_by(Notice.posted_on, Notice.id)
    ):
        result.setdefault(notice.source_id, []).append(notice)
    return result


def compound_procedures(compound) -> list[Procedure]:
    return list(db.session.scalars(
        select(Procedure).where(Procedure.compound_id == compound.id).order_by(Procedure.started_at.desc())))


STATE_LABELS = {"pending": "待办", "in_progress": "进行中", "submitted": "待街道签核", "done": "已完成",
                "waived": "已豁免"}
STATE_BADGES = {"pending": "text-bg-light border", "in_progress": "text-bg-primary", "submitted": "text-bg-info",
                "done": "text-bg-success", "waived": "text-bg-secondary"}
ACTOR_LABELS = {"organiser": "筹备组/换届小组", "street_officer": "街道办事处", "owners": "全体业主",
                "committee": "业主委员会", "developer": "建设单位"}
ACTION_LABELS = {"roll_notice": "名册公示", "nominations": "候选人推荐", "vetting": "资格审查",
                 "candidate_list": "候选人名单公示", "meeting_notice": "会议通知", "vote": "投票",
                 "count": "计票", "result_notice": "结果公告"}
DOCUMENT_LABELS = {
    "handover_record": "移交记录", "group_decision": "组建筹备组决定", "member_notice": "成员名单公示",
    "roll_notice": "业主名册公示", "draft_covenant": "管理规约草案", "draft_rules_of_procedure": "议事规则草案",
    "nomination_notice": "候选人推荐公告", "eligibility_record": "资格审查记录", "candidate_list": "候选人名单",
    "objection_record": "异议处理记录", "meeting_notice": "会议通知", "ballot": "选票/表决票",
    "count_record": "计票记录", "result_notice": "结果公告", "minutes": "会议纪要", "filing_package": "备案材料",
    "start_report": "换届启动报告", "handover_list": "移交清单",
}
ANCHOR_LABELS = {"application_on": "业主书面申请日", "group_formed_on": "筹备组成立日",
                 "meeting_on": "业主大会会议（表决）日", "election_on": "选举日", "term_ends_on": "任期届满日"}


def local_text(obj, field: str) -> str:
    """``obj.<field>_en`` in the English UI (when the rule data has it), else ``obj.<field>_zh``."""
    from flask_babel import get_locale

    locale = get_locale()
    if locale is not None and locale.language == "en":
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, f"{field}_zh", "")


def setting_text(value) -> str:
    """A setting value as typed into a form ("1/3" for fractions)."""
    from fractions import Fraction

    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    return str(value)


_ZH_DIGITS = "零一二三四五六七八九十"
_EN_COUNTS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine",
              10: "ten"}
_EN_PARTS = {2: ("half", "halves"), 3: ("third", "thirds"), 4: ("quarter", "quarters"), 5: ("fifth", "fifths"),
             6: ("sixth", "sixths"), 7: ("seventh", "sevenths"), 8: ("eighth", "eighths"), 9: ("ninth", "ninths"),
             10: ("tenth", "tenths")}


def _zh_number(n: int) -> str:
    if 0 <= n <= 10:
        return _ZH_DIGITS[n]
    if n < 20:
        return "十" + _ZH_DIGITS[n - 10]
    return str(n)


def fraction_words(value, language: str = "zh") -> str:
    """A share in words: 三分之一 / one third (the figure for shares with no common name)."""
    numerator, denominator = value.numerator, value.denominator
    if language == "en":
        if numerator in _EN_COUNTS and denominator in _EN_PARTS:
            one, many = _EN_PARTS[denominator]
            return f"{_EN_COUNTS[numerator]} {one if numerator == 1 else many}"
        return f"{numerator}/{denominator}"
    if numerator <= 20 and denominator <= 20:
        return f"{_zh_number(denominator)}分之{_zh_number(numerator)}"
    return f"{numerator}/{denominator}"


def _language() -> str:
    from flask_babel import get_locale

    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else "zh"


def setting_display(value, setting=None, rule_set=None) -> str:
    """A setting's value in words for the page: never the raw key of a choice or a subject."""
    from fractions import Fraction

    language = _language()
    if value is True:
        return _("是")
    if value is False:
        return _("否")
    if setting is not None and setting.type == "choice":
        return setting.choice_label(value, language)
    if setting is not None and setting.items_from == "subjects" and rule_set is not None:
        titles = [local_text(subject, "title") for subject in rule_set.subjects if subject.key in split_items(value)]
        return "；".join(titles) if titles else _("无")
    if isinstance(value, Fraction):
        return fraction_words(value, language)
    return setting_text(value)


def setting_items(setting, rule_set) -> list:
    """The rule data entries a list setting may name: for ``subjects``, the ordinary ones
    (only an ordinary subject can be made stricter; CC art 278 ¶2 fixes the special ones)."""
    if setting.items_from == "subjects":
        return [subject for subject in rule_set.subjects if subject.matter == "ordinary"]
    return []


def setting_choices(setting) -> list[tuple[str, str]]:
    """(value, words) of a choice setting for the form's select, in the UI's language."""
    language = _language()
    return [(value, setting.choice_label(value, language)) for value in setting.choices]


def committee_term_end(compound) -> date | None:
    """The sitting committee's last day of term, from the committees feature when installed."""
    try:
        from ..committees.util import current_committee
    except ImportError:  # the committees feature is optional
        return None
    committee = current_committee(compound)
    return getattr(committee, "term_ends_on", None) if committee is not None else None


# --------------------------------------------------------------------------- the stepper

#: what a step shows, from its state and its prerequisites (a pending step is "ready" once every
#: prerequisite is settled, else "blocked"; an organiser's waiver awaiting approval is its own status)
STATUS_LABELS = {"blocked": "未开始", "ready": "可以办理", "in_progress": "进行中", "returned": "退回改正",
                 "submitted": "待街道签核", "waiver_pending": "豁免待批准", "done": "已完成", "waived": "已豁免"}
STATUS_BADGES = {"blocked": "text-bg-light border", "ready": "text-bg-warning", "in_progress": "text-bg-primary",
                 "returned": "text-bg-danger", "submitted": "text-bg-info", "waiver_pending": "text-bg-info",
                 "done": "text-bg-success", "waived": "text-bg-secondary"}
#: statuses of a step nobody needs to look at again (collapsed on the stepper)
FINISHED_STATUSES = ("done", "waived")
#: where the work of an action step is done (endpoint of the feature's page)
ACTION_PAGES = {"nominations": "nominations.index", "vetting": "nominations.index",
                "candidate_list": "nominations.index", "vote": "voting.index", "count": "voting.index",
                "result_notice": "voting.index"}


def step_status(step: ProcedureStep, prerequisites_missing: tuple[str, ...] = ()) -> str:
    """The status the stepper shows for ``step`` (a key of :data:`STATUS_LABELS`)."""
    if step.state == "waived":
        return "waiver_pending" if step.is_waiver_pending else "waived"
    if step.state == DONE:
        return "done"
    if step.state == SUBMITTED:
        return "submitted"
    if step.is_returned:
        return "returned"
    if step.state == "in_progress":
        return "in_progress"
    return "blocked" if prerequisites_missing else "ready"


@dataclass(frozen=True)
class PhaseView:
    key: str
    title_zh: str
    title_en: str
    number: int  # 1-based
    steps: tuple[StepView, ...]
    settled: int  # steps done or waived (approved)

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def is_finished(self) -> bool:
        return self.settled == self.total


@dataclass(frozen=True)
class Stepper:
    phases: tuple[PhaseView, ...]
    current: StepView | None  # the first step (in order) not yet settled; None when all are
    current_phase: PhaseView | None
    also_open: tuple[StepView, ...]  # other steps that may be worked on now (ready or in progress)
    settled: int
    total: int

    def phase_of(self, step_view: StepView) -> PhaseView | None:
        return next((phase for phase in self.phases if step_view in phase.steps), None)


def stepper(procedure: Procedure, views: list[StepView]) -> Stepper:
    """Group the timeline's steps into the rule data's phases (one group when it declares none) and
    find the step the procedure is at: the first one not settled."""
    rule_procedure = next((p for p in get_rule_set(procedure.rule_set).procedures if p.kind == procedure.kind), None)
    declared = rule_procedure.phases if rule_procedure is not None else ()
    groups: list[tuple[str, str, str, list[StepView]]] = []
    if declared:
        by_key = {phase.key: (phase.key, phase.title_zh, phase.title_en, []) for phase in declared}
        groups = list(by_key.values())
        for view in views:
            key = view.rule.phase if view.rule is not None and view.rule.phase in by_key else declared[-1].key
            by_key[key][3].append(view)
        groups = [group for group in groups if group[3]]
    else:
        groups = [("all", "步骤", "Steps", list(views))]
    phases = tuple(PhaseView(key, zh, en, number, tuple(steps), sum(1 for v in steps if v.step.is_settled))
                   for number, (key, zh, en, steps) in enumerate(groups, 1))
    current = next((view for view in views if not view.step.is_settled), None)
    current_phase = next((phase for phase in phases if current in phase.steps), None) if current else None
    also_open = tuple(view for view in views if view is not current and not view.step.is_settled
                      and step_status(view.step, view.prerequisites_missing) in ("ready", "in_progress", "returned"))
    return Stepper(phases, current, current_phase, also_open, sum(phase.settled for phase in phases), len(views))


def next_action_text(view: StepView, *, is_street_office: bool = False) -> str:
    """What to do next about ``view``'s step, in plain words."""
    step, rule = view.step, view.rule
    status = step_status(step, view.prerequisites_missing)
    if status == "submitted":
        return (_("组织方已记录完成，请核对材料后签核通过，或退回责令改正。") if is_street_office
                else _("已记录完成，等待街道办事处签核；签核前发现有误可以撤回重办。"))
    if status == "waiver_pending":
        return (_("组织方申请豁免此步骤，请批准或不批准。") if is_street_office
                else _("已申请豁免，等待街道办事处批准；批准前可以撤回申请。"))
    if status == "returned":
        return _("街道办事处退回：%(reason)s。请改正后重新记录完成。", reason=step.returned_reason)
    if status == "blocked":
        return _("须先完成：%(steps)s。", steps="；".join(view.prerequisites_missing))
    if rule is None:
        return ""
    action = rule.action
    if action == "roll_notice":
        return _("核对业主名册后发布名册公示，公示期内受理异议。")
    if action == "meeting_notice":
        return _("填写会议日期、地点和议题，张贴会议通知。")
    if action == "nominations":
        return (_("正在收集候选人推荐；推荐结束后在“候选人推荐”页截止推荐。") if status == "in_progress"
                else _("在“候选人推荐”页开始收集推荐，公布候选人条件和推荐办法。"))
    if action == "vetting":
        return _("在“候选人推荐”页逐一审查候选人资格，记录审查轮次后结束资格审查。")
    if action == "candidate_list":
        return (_("候选人名单公示中；异议期满、异议全部答复后确定名单。") if status == "in_progress"
                else _("在“候选人推荐”页公示候选人名单。"))
    if action == "vote":
        return _("在“投票”页安排并开始投票；会议通知须已公告满法定期限。")
    if action == "count":
        return _("投票结束后在“投票”页计票并形成计票记录。")
    if action == "result_notice":
        return _("在“投票”页公告表决和选举结果。")
    if step.state == "in_progress":
        return _("办好后登记完成日期，并上传相关材料。")
    return _("开始办理此步骤；办好后登记完成日期并上传材料。")


def days_left_text(due_on: date | None, today: date, kind: str | None) -> str | None:
    """"还剩 5 天" / "已逾期 3 天" / "今天截止" for a deadline; "5 天后可办理" for an earliest date."""
    from flask_babel import ngettext

    if due_on is None:
        return None
    days = (due_on - today).days
    if kind == "after":
        return ngettext("%(num)s 天后可以办理", "%(num)s 天后可以办理", days) if days > 0 else _("现在可以办理")
    if days > 0:
        return ngettext("还剩 %(num)s 天", "还剩 %(num)s 天", days)
    if days == 0:
        return _("今天截止")
    return ngettext("已逾期 %(num)s 天", "已逾期 %(num)s 天", -days)
