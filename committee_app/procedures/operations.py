"""Running procedures: start, anchors, step transitions, sign-off, settings overrides.

Operations fill models, flush and write the audit log; they never commit. A refused
operation raises :class:`ProcedureError` with a message fit to show (Chinese, with the
rule's citation) and changes nothing (the view rolls back).
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from datetime import date

from flask import current_app
from flask_babel import gettext as _

from .. import clock, uploads
from ..audit.operations import record
from ..extensions import db
from ..rules import check_date, get_rule_set
from ..rules.citations import cited
from ..rules.model import split_items
from ..storage import operations as storage
from . import util
from .models import (
    ANCHOR_FIELDS,
    DONE,
    OPEN_STATES,
    PENDING,
    PROCEDURE_KINDS,
    SUBMITTED,
    Procedure,
    ProcedureStep,
    StepDocument,
    StepStateError,
)


class ProcedureError(ValueError):
    """A refused procedure operation; ``str(error)`` is the message for the user."""

    def __init__(self, message: str, citations: Iterable[str] = ()):
        super().__init__(message)
        self.citations = tuple(citations)


# --------------------------------------------------------------------------- helpers


def _actor_id(actor) -> int | None:
    return getattr(actor, "id", None)


def _step_snapshot(step: ProcedureStep) -> dict:
    return {"key": step.key, "state": step.state, "done_on": step.done_on, "note": step.note,
            "waived_reason": step.waived_reason, "returned_reason": step.returned_reason}



def _rule(step: ProcedureStep):
    rules = util.procedure_rules(step.procedure)
    if step.key not in rules:
        raise ProcedureError(_("规则集中已没有步骤 %(key)s。", key=step.key))
    return rules[step.key]


def _require_active(procedure: Procedure) -> None:
    if not procedure.is_active:
        raise ProcedureError(_("该程序已结束，不能再修改。"))


def _check_prerequisites(step: ProcedureStep, rule) -> None:
    rules = util.procedure_rules(step.procedure)
    by_key = {other.key: other for other in step.procedure.steps}
    missing = [rules[key].title_zh for key in rule.prerequisites
               if key in by_key and key in rules and not by_key[key].is_settled]
    if missing:
        raise ProcedureError(
            _("须先完成前置步骤：%(steps)s（已完成或豁免已获批准，需街道签核的须已签核）。", steps="；".join(missing)),
            rule.citations)


def _check_legal_date(step: ProcedureStep, rule, on: date, anchors: dict, settings: dict) -> None:
    """Refuse ``on`` when it breaks a legal minimum of the step's deadline rule."""
    if rule.deadline is None:
        return
    violation = check_date(rule.deadline, on, anchors, settings)
    if violation is not None and util.is_refusal(rule.deadline, on, anchors, violation):
        citations = util.deadline_citations(rule)
        raise ProcedureError(
            _("“%(step)s”的日期不合法：%(reason)s", step=rule.title_zh,
              reason=util.violation_text(violation, citations)),
            citations)


def _check_not_future(on: date) -> None:
    if on > clock.today():
        raise ProcedureError(_("完成日期 %(on)s 晚于今天，不能记录尚未发生的事。", on=on.isoformat()))


def _close_if_finished(procedure: Procedure, actor) -> None:
    if procedure.is_active and all(step.is_settled for step in procedure.steps):
        procedure.status = "completed"
        procedure.closed_at = clock.utcnow()
        db.session.flush()
        record("procedure.complete", procedure, compound_id=procedure.compound_id, actor=actor,
               after={"status": "completed"})


# --------------------------------------------------------------------------- procedures


def start_procedure(compound, kind: str, *, actor=None, on: date | None = None, **anchors) -> Procedure:
    """Start a formation or re-election for ``compound`` with every step of its rule set pending.

    A re-election without ``term_ends_on`` takes the sitting committee's term end (committees feature).
    """
    if kind not in PROCEDURE_KINDS:
        raise ProcedureError(_("未知的程序类型：%(kind)s", kind=kind))
    unknown = sorted(set(anchors) - set(ANCHOR_FIELDS))
    if unknown:
        raise ProcedureError(_("未知的关键日期：%(name)s", name=unknown[0]))
    if util.active_procedure(compound) is not None:
        raise ProcedureError(_("该小区已有进行中的程序，须先结束才能开始新的程序。"))
    if kind == "reelection" and anchors.get("term_ends_on") is None:
        anchors["term_ends_on"] = util.committee_term_end(compound)  # the sitting committee's, if recorded
    rule_set = get_rule_set(compound.rule_set)
    procedure = Procedure(compound_id=compound.id, kind=kind, rule_set=rule_set.key, status="active",
                          started_on=on or clock.today(), started_by_id=_actor_id(actor),
                          **{name: anchors.get(name) for name in ANCHOR_FIELDS})
    for position, rule in enumerate(rule_set.procedure(kind)):
        procedure.steps.append(ProcedureStep(key=rule.key, position=position, state=PENDING))
    db.session.add(procedure)
    db.session.flush()
    record("procedure.start", procedure, compound_id=compound.id, actor=actor,
           after={"kind": kind, "rule_set": rule_set.key, "anchors": procedure.anchors()})
    return procedure


def abandon_procedure(procedure: Procedure, reason: str, *, actor=None) -> None:
    _require_active(procedure)
    if not reason or not reason.strip():
        raise ProcedureError(_("终止程序须写明理由。"))
    procedure.status = "abandoned"
    procedure.closed_at = clock.utcnow()
    procedure.closed_reason = reason.strip()
    db.session.flush()
    record("procedure.abandon", procedure, compound_id=procedure.compound_id, actor=actor,
           after={"status": "abandoned", "reason": procedure.closed_reason})


def set_anchors(procedure: Procedure, *, actor=None, _reissue: bool = False,
                **anchors: date | None) -> dict[str, tuple]:
    """Change anchor dates; due dates follow (they are derived). Returns {name: (old, new)}.

    Refused when a step already completed would then break a legal minimum (e.g. moving the
    meeting to 10 days after the roll notice was posted), and for the meeting date once the
    meeting notice is out (that takes a new notice: :func:`post_meeting_notice` with a reason).
    """
    _require_active(procedure)
    unknown = sorted(set(anchors) - set(ANCHOR_FIELDS))
    if unknown:
        raise ProcedureError(_("未知的关键日期：%(name)s", name=unknown[0]))
    changes = {name: (getattr(procedure, name), value) for name, value in anchors.items()
               if getattr(procedure, name) != value}
    if not changes:
        return {}
    if "meeting_on" in changes and not _reissue:
        notice_step = util.meeting_notice_step(procedure)
        if notice_step is not None and notice_step.state in (DONE, SUBMITTED):
            citations = util.deadline_citations(util.procedure_rules(procedure)[notice_step.key])
            raise ProcedureError(
                _("会议通知已于 %(on)s 发出：改期须重新发出会议通知（替换原通知），不能只改日期。",
                  on=notice_step.done_on.isoformat()) + _("（依据：%(citations)s）", citations=cited(citations)),
                citations)
    new_anchors = {**procedure.anchors(), **anchors}
    settings = util.effective_settings(procedure.compound)
    rules = util.procedure_rules(procedure)
    refusals: list[ProcedureError] = []
    for step in procedure.steps:
        if step.done_on is None or step.state in OPEN_STATES or step.key not in rules:
            continue
        try:
            _check_legal_date(step, rules[step.key], step.done_on, new_anchors, settings)
        except ProcedureError as refused:
            refusals.append(refused)
    if refusals:
        raise ProcedureError(
            _("不能这样修改日期，已完成的步骤将不合法：%(reasons)s", reasons=" ".join(str(r) for r in refusals)),
            tuple(dict.fromkeys(c for r in refusals for c in r.citations)))
    for name, (_old, new) in changes.items():
        setattr(procedure, name, new)
    db.session.flush()
    record("procedure.anchors", procedure, compound_id=procedure.compound_id, actor=actor,
           before={name: old for name, (old, _new) in changes.items()},
           after={name: new for name, (_old, new) in changes.items()})
    return changes


# --------------------------------------------------------------------------- steps


def start_step(step: ProcedureStep, *, actor=None, on: date | None = None) -> None:
    _require_active(step.procedure)
    before = _step_snapshot(step)
    try:
        step.start(on or clock.today())
    except StepStateError:
        raise ProcedureError(_("该步骤不是待办状态，不能开始。")) from None
    db.session.flush()
    record("procedure.step.start", step, compound_id=step.procedure.compound_id, actor=actor,
           before=before, after=_step_snapshot(step))


def complete_step(step: ProcedureStep, *, on: date, actor=None, note: str | None = None,
                  documents: Iterable[tuple[str, bytes]] = ()) -> ProcedureStep:
    """Record that ``step`` happened on ``on``.

    Gates: the procedure is active; the step is pending or in progress; its prerequisites
    are done or waived; ``on`` is not in the future and breaks no legal minimum of its
    deadline rule (a late completion of a time limit is recorded and marked late). A step
    the street office signs off becomes ``submitted`` and counts as done once signed off.
    ``documents`` are ``(filename, bytes)`` pairs, PDF/JPEG/PNG.
    """
    procedure = step.procedure
    _require_active(procedure)
    rule = _rule(step)
    if step.state not in OPEN_STATES:
        raise ProcedureError(_("“%(step)s”已完成或已豁免，不能再次完成。", step=rule.title_zh))
    _check_not_future(on)
    _check_prerequisites(step, rule)
    settings = util.effective_settings(procedure.compound)
    _check_legal_date(step, rule, on, procedure.anchors(), settings)
    before = _step_snapshot(step)
    step.complete(on, needs_signoff=rule.street_signoff, by_id=_actor_id(actor))
    if note is not None:
        step.note = note.strip() or None
    for filename, data in documents:
        add_document(step, filename, data, actor=actor, audit=False)
    db.session.flush()
    record("procedure.step.complete", step, compound_id=procedure.compound_id, actor=actor,
           before=before, after={**_step_snapshot(step), "documents": [d.filename for d in step.documents]})
    _close_if_finished(procedure, actor)
    return step


def waive_step(step: ProcedureStep, reason: str, *, actor=None, as_street_office: bool | None = None) -> None:
    """Waive ``step`` with a reason, as the rule data's ``waiver`` allows (who may waive, on what basis).

    - no ``waiver`` (a statutory step: roll notice, vetting, candidate list, meeting notice, ...) or
      the vote step: refused, for everyone;
    - the street office, where the rule lets it approve: waived and approved at once;
    - the organiser, where the rule lets the organiser waive alone: waived and settled;
    - the organiser, where only the street office may approve: waived, awaiting approval; it does
      not count as settled (prerequisites, vote gate) until a street officer approves it.

    ``as_street_office`` defaults to whether ``actor`` may sign off the compound's steps.
    """
    procedure = step.procedure
    _require_active(procedure)
    rule = _rule(step)
    waiver = util.waiver_rule(rule)
    if waiver is None:
        citations = rule.citations
        raise ProcedureError(
            _("“%(step)s”是法定步骤，任何人不得豁免，须依法完成（依据：%(citations)s）。", step=rule.title_zh,
              citations=cited(citations) or "—"), citations)
    if not reason or not reason.strip():
        raise ProcedureError(_("豁免步骤须写明理由。"))
    if as_street_office is None:
        as_street_office = util.is_street_office(actor, procedure.compound)
    if as_street_office and not waiver.street_office_may_approve:
        raise ProcedureError(_("规则未允许街道办事处豁免“%(step)s”（依据：%(citations)s）。", step=rule.title_zh,
                               citations=cited(waiver.citations)), waiver.citations)
    before = _step_snapshot(step)
    try:
        if as_street_office:
            step.waive(reason, by_id=_actor_id(actor), approved_by_id=_actor_id(actor), by_street=True)
        elif waiver.organiser_may_waive:
            step.waive(reason, by_id=_actor_id(actor), approved_by_id=_actor_id(actor), by_street=False)
        else:
            step.waive(reason, by_id=_actor_id(actor))
    except StepStateError:
        raise ProcedureError(_("只有未完成的步骤可以豁免。")) from None
    db.session.flush()
    record("procedure.step.waive", step, compound_id=procedure.compound_id, actor=actor,
           before=before, after={**_step_snapshot(step), "approved": step.waiver_approved_at is not None,
                                 "by_street": bool(step.waiver_approved_by_street),
                                 "basis": list(waiver.citations)})
    _close_if_finished(procedure, actor)


def approve_waiver(step: ProcedureStep, officer, *, reason: str | None = None) -> None:
    """The street office approves an organiser's waiver where the rule data allows it; the step
    now counts as settled."""
    procedure = step.procedure
    _require_active(procedure)
    rule = _rule(step)
    waiver = util.waiver_rule(rule)
    if waiver is None or not waiver.street_office_may_approve:
        raise ProcedureError(_("规则未允许街道办事处批准豁免“%(step)s”。", step=rule.title_zh), rule.citations)
    before = _step_snapshot(step)
    try:
        step.approve_waiver(_actor_id(officer), by_street=True)
    except StepStateError:
        raise ProcedureError(_("该步骤没有待批准的豁免。")) from None
    db.session.flush()
    record("procedure.step.waiver_approve", step, compound_id=procedure.compound_id, actor=officer,
           before=before, after={**_step_snapshot(step), "approved": True, "note": (reason or "").strip() or None,
                                 "basis": list(waiver.citations)})
    _close_if_finished(procedure, officer)


def reject_waiver(step: ProcedureStep, officer, reason: str) -> None:
    """The street office refuses an organiser's waiver, with a reason: the step is to be done."""
    _require_active(step.procedure)
    if not reason or not reason.strip():
        raise ProcedureError(_("不批准豁免须写明理由。"))
    before = _step_snapshot(step)
    try:
        step.reject_waiver(reason, _actor_id(officer))
    except StepStateError:
        raise ProcedureError(_("该步骤没有待批准的豁免。")) from None
    db.session.flush()
    record("procedure.step.waiver_reject", step, compound_id=step.procedure.compound_id, actor=officer,
           before=before, after=_step_snapshot(step))


def withdraw_waiver(step: ProcedureStep, *, actor=None) -> None:
    """The organiser withdraws its waiver request before the street office approves it.

    Lawful while it is pending: a waiver awaiting approval settles nothing (prerequisites, the vote
    gate), so no later step and no legal period relied on it. Refused once approved or refused.
    """
    _require_active(step.procedure)
    rule = _rule(step)
    if not step.is_waiver_pending:
        raise ProcedureError(_("“%(step)s”没有待批准的豁免申请，不能撤回（已批准的豁免不能撤回）。", step=rule.title_zh))
    before = _step_snapshot(step)
    step.withdraw_waiver()
    db.session.flush()
    record("procedure.step.waiver_withdraw", step, compound_id=step.procedure.compound_id, actor=actor,
           before=before, after=_step_snapshot(step))


def can_reopen(step: ProcedureStep, rule) -> bool:
    """Whether the organiser may take back its completion of ``step``: a step it records by hand,
    submitted and not yet signed off by the street office."""
    return (step.procedure.is_active and rule is not None and rule.completed_by == "manual"
            and step.state == SUBMITTED)


def reopen_step(step: ProcedureStep, *, actor=None) -> None:
    """The organiser takes back a completion the street office has not yet signed off.

    Lawful: a submitted step counts as done only once signed off, so no later step, no deadline
    and no vote relied on it; the date it was recorded on is kept in the audit log. Refused once
    signed off (the street office's sign-off stands), and for steps a feature completes (a notice
    posted, a vote) — those are undone, where the law allows it, in their feature.
    """
    _require_active(step.procedure)
    rule = _rule(step)
    if rule.completed_by != "manual":
        raise ProcedureError(_("“%(step)s”由相应功能完成，不能在此撤销。", step=rule.title_zh))
    if step.state != SUBMITTED:
        raise ProcedureError(_("只有已提交、街道办事处尚未签核的步骤可以撤回重办；“%(step)s”当前不能撤回。",
                               step=rule.title_zh))
    before = _step_snapshot(step)
    step.reopen()
    db.session.flush()
    record("procedure.step.reopen", step, compound_id=step.procedure.compound_id, actor=actor,
           before=before, after=_step_snapshot(step))


def sign_off_step(step: ProcedureStep, officer) -> None:
    """The street officer confirms a submitted step; it now counts as done."""
    _require_active(step.procedure)
    before = _step_snapshot(step)
    try:
        step.sign_off(_actor_id(officer))
    except StepStateError:
        raise ProcedureError(_("只有已提交、等待签核的步骤可以签核。")) from None
    db.session.flush()
    record("procedure.step.sign_off", step, compound_id=step.procedure.compound_id, actor=officer,
           before=before, after=_step_snapshot(step))
    _close_if_finished(step.procedure, officer)


def return_step(step: ProcedureStep, officer, reason: str) -> None:
    """The street officer orders a correction (PMR art 19): the step goes back to the organiser."""
    _require_active(step.procedure)
    if not reason or not reason.strip():
        raise ProcedureError(_("退回须写明理由（责令改正的内容）。"))
    before = _step_snapshot(step)
    try:
        step.return_for_correction(reason, _actor_id(officer))
    except StepStateError:
        raise ProcedureError(_("只有已提交、等待签核的步骤可以退回。")) from None
    db.session.flush()
    record("procedure.step.return", step, compound_id=step.procedure.compound_id, actor=officer,
           before=before, after=_step_snapshot(step))


def _action_step(compound, action: str) -> ProcedureStep | None:
    procedure = util.active_procedure(compound)
    if procedure is None:
        return None
    rules = util.procedure_rules(procedure)
    return next((s for s in procedure.steps if s.key in rules and rules[s.key].action == action), None)


def start_action(compound, action: str, *, on: date, actor=None) -> ProcedureStep | None:
    """Mark the active procedure's step done by ``action`` in progress when its work begins (the
    nominations are opened, the candidate list is posted): the timeline then says "进行中", not "待办".
    Nothing happens when there is no such step or it is not pending."""
    step = _action_step(compound, action)
    if step is None or step.state != PENDING:
        return None
    start_step(step, actor=actor, on=on)
    return step


def undo_action(compound, action: str, *, actor=None, reason: str = "") -> ProcedureStep | None:
    """The feature undid the work that completed ``action``'s step (nominations reopened): the step
    goes back to in progress. Refused when a later step already relies on it (settled, submitted or
    with work recorded); a later step that was only marked in progress goes back to pending."""
    step = _action_step(compound, action)
    if step is None or step.state in OPEN_STATES:
        return None
    procedure = step.procedure
    rules = util.procedure_rules(procedure)
    rule = rules[step.key]
    if step.state != DONE or step.signed_off_at is not None:
        raise ProcedureError(_("“%(step)s”不是已完成状态或已经街道办事处签核，不能撤销。", step=rule.title_zh))
    dependants = [s for s in procedure.steps if s.key in rules and step.key in rules[s.key].prerequisites]
    for later in dependants:
        if not later.is_open or later.documents or later.returned_reason is not None:
            raise ProcedureError(_("后续步骤“%(step)s”已经办理，不能再撤销“%(this)s”。",
                                   step=rules[later.key].title_zh, this=rule.title_zh))
    before = _step_snapshot(step)
    step.reopen_done()
    for later in dependants:
        if later.state != PENDING:
            later_before = _step_snapshot(later)
            later.unstart()
            db.session.flush()
            record("procedure.step.unstart", later, compound_id=procedure.compound_id, actor=actor,
                   before=later_before, after=_step_snapshot(later))
    db.session.flush()
    record("procedure.step.reopen", step, compound_id=procedure.compound_id, actor=actor,
           before=before, after={**_step_snapshot(step), "reason": reason or action})
    return step


def complete_action(compound, action: str, *, on: date, actor=None, note: str | None = None,
                    documents: Iterable[tuple[str, bytes]] = ()) -> ProcedureStep | None:
    """Complete the active procedure's step that the feature ``action`` completes.

    Returns None when the compound has no active procedure or its procedure has no such step.
    Raises :class:`ProcedureError` (message with citation) when a gate refuses: prerequisites
    not done, a date breaking a legal minimum, the step already completed. The ``vote`` action
    also sets the election date when it is not yet recorded. ``documents``: (filename, bytes).
    """
    procedure = util.active_procedure(compound)
    if procedure is None:
        return None
    rules = util.procedure_rules(procedure)
    candidates = [step for step in procedure.steps if step.key in rules and rules[step.key].action == action]
    if not candidates:
        return None
    step = next((s for s in candidates if s.state in OPEN_STATES), candidates[0])
    rule = rules[step.key]
    if action == "meeting_notice" and procedure.meeting_on is None:
        raise ProcedureError(_("须先确定业主大会会议日期，才能发出会议通知（依据：%(citations)s）。",
                               citations=cited(util.deadline_citations(rule))), util.deadline_citations(rule))
    if action == "vote" and procedure.election_on is None:
        set_anchors(procedure, actor=actor, election_on=on)
    return complete_step(step, on=on, actor=actor, note=note, documents=documents)


# --------------------------------------------------------------------------- documents

def add_document(step: ProcedureStep, filename: str, data: bytes, *, actor=None, audit: bool = True) -> StepDocument:
    """Attach a PDF, JPEG or PNG (checked by its first bytes and size) to ``step``."""
    limit = current_app.config.get("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
    name = os.path.basename((filename or "").replace("\\", "/")).strip() or "document"
    if not data:
        raise ProcedureError(_("文件“%(name)s”是空的。", name=name))
    if len(data) > limit:
        raise ProcedureError(_("文件“%(name)s”超过 %(mb)s MB 的上限。", name=name, mb=limit // (1024 * 1024)))
    kind = uploads.sniff(data)
    content_type = kind.content_type if kind else None
    if content_type is None:
        raise ProcedureError(_("文件“%(name)s”不是 PDF、JPEG 或 PNG 文件。", name=name))
    stored = storage.store(data, filename=name, content_type=content_type, purpose="procedures.step_document",
                           created_by=getattr(actor, "username", None))
    document = StepDocument(step=step, filename=name[:255], stored_file_id=stored.id, content_type=content_type,
                            size=len(data), sha256=hashlib.sha256(data).hexdigest(), uploaded_by_id=_actor_id(actor))
    db.session.add(document)
    db.session.flush()
    if audit:
        record("procedure.step.document", step, compound_id=step.procedure.compound_id, actor=actor,
               after={"filename": document.filename, "sha256": document.sha256, "size": document.size})
    return document


def document_file(document: StepDocument):
    """The stored bytes of ``document`` (a StoredFile)."""
    return storage.get(document.stored_file_id)


# --------------------------------------------------------------------------- settings


def overridable(setting) -> bool:
    """Settings a compound may override: those to be confirmed locally, and per-compound ones."""
    return setting.unconfirmed or setting.per_compound


def update_settings(compound, values: dict, *, actor=None) -> dict:
    """Set the compound's overrides for the settings in ``values`` (raw form values).

    A value equal to the rule set's default removes the override. Validated with
    ``RuleSet.effective_settings``; refused as a whole on any bad value. Returns
    {key: (old effective, new effective)} of what changed; each change audited.
    """
    rule_set = get_rule_set(compound.rule_set)
    defaults = rule_set.default_settings()
    overrides = dict(compound.setting_overrides or {})
    for key, raw in values.items():
        try:
            setting = rule_set.setting(key)
        except KeyError:
            raise ProcedureError(_("未知的设置项：%(key)s", key=key)) from None
        if not overridable(setting):
            raise ProcedureError(_("“%(title)s”由法律确定，不能按小区修改。", title=setting.title_zh))
        if setting.items_from:
            raw = _listed_items(setting, rule_set, raw)
        try:
            value = setting.coerce(raw)
        except ValueError:
            raise ProcedureError(_("“%(title)s”的值“%(value)s”无效%(hint)s。", title=setting.title_zh, value=raw,
                                   hint=_allowed_hint(setting))) from None
        if value == defaults[key]:
            overrides.pop(key, None)
        else:
            overrides[key] = _storable(value)
    try:
        new = rule_set.effective_settings(overrides)
    except ValueError as error:
        raise ProcedureError(_("设置无效：%(reason)s", reason=str(error))) from None
    old = util.effective_settings(compound)
    changes = {key: (old[key], new[key]) for key in new if old.get(key) != new[key]}
    if not changes:
        return {}
    compound.setting_overrides = overrides
    db.session.flush()
    for key, (before, after) in changes.items():
        record("compound.setting", compound, compound_id=compound.id, actor=actor,
               before={key: _storable(before)}, after={key: _storable(after)})
    return changes


def _listed_items(setting, rule_set, raw) -> str:
    """A list setting's value checked item by item against the rule data, stored as "a,b"."""
    allowed = {subject.key for subject in rule_set.subjects}  # a special one listed changes nothing
    items = split_items(str(raw or ""))
    for item in items:
        if item not in allowed:
            raise ProcedureError(_("“%(title)s”只能选择名单中的表决事项。", title=setting.title_zh))
    return ",".join(items)


def _allowed_hint(setting) -> str:
    if setting.type == "int":
        parts = []
        if setting.minimum is not None:
            parts.append(_("不少于 %(n)s", n=setting.minimum))
        if setting.maximum is not None:
            parts.append(_("不超过 %(n)s", n=setting.maximum))
        if setting.must_be_odd:
            parts.append(_("须为单数"))
        return "（" + "，".join(parts) + "）" if parts else ""
    if setting.type == "choice":
        return "（" + _("可选：%(choices)s", choices="、".join(words for _v, words in util.setting_choices(setting))) + "）"
    if setting.type == "bool":
        return "（" + _("是或否") + "）"
    return ""


def _storable(value):
    from fractions import Fraction

    return f"{value.numerator}/{value.denominator}" if isinstance(value, Fraction) else value


# --------------------------------------------------------------------------- notices posted by steps


def _render_pdf(template: str, **context) -> bytes:
    """``render_pdf``, also from a CLI command or the demo seeder (no request): the layout's context
    processor reads ``current_user``, which needs a request, so one is borrowed for the render."""
    from flask import has_request_context

    from ..pdf import render_pdf

    if has_request_context():
        return render_pdf(template, **context)
    with current_app.test_request_context():
        return render_pdf(template, **context)


def issuer_of(procedure: Procedure) -> str:
    name = procedure.compound.name
    return (_("%(name)s首次业主大会筹备组", name=name) if procedure.kind == "formation"
            else _("%(name)s业主委员会换届小组", name=name))


def post_roll_notice(procedure: Procedure, *, on: date | None = None, actor=None, in_background: bool = True):
    """Post the roll notice on the board for the publicity period and complete the step; its PDF
    (the board's copy, names masked) is rendered by a job that attaches it to the notice.

    The step's gates run first (prerequisites, at least ``roll_publicity_days`` before the meeting),
    so a refused notice is never posted and no job is started. What the PDF shows is fixed here:
    the roll version current now (versions never change) and the publicity dates, so the document
    shows the roll as it was when posted even if a new version is confirmed before the job runs.

    Returns ``(step, notice, job)``; the caller sends the job to the queue once committed
    (``jobs.views.send_after_commit``). ``in_background=False`` (the demo seeder, a command: no
    request to keep short) renders the PDF here and starts no job (``job`` None); so does a call
    without an ``actor`` (a job is always someone's).
    """
    from ..notices.operations import post_notice
    from ..registry.models import Voter

    _require_active(procedure)
    compound = procedure.compound
    on = on or clock.today()
    if not db.session.scalar(db.select(db.func.count(Voter.id)).where(Voter.compound_id == compound.id)):
        raise ProcedureError(_("业主名册为空：请先导入名册，再发布名册公示。"))
    settings = util.effective_settings(compound)
    step = complete_action(compound, "roll_notice", on=on, actor=actor)
    if step is None:
        raise ProcedureError(_("本程序没有名册公示步骤。"))
    rule = _rule(step)
    days = int(settings.get("roll_publicity_days", 15))
    params, totals = roll_notice_params(procedure, on=on, days=days, settings=settings)
    notice = post_notice(compound, kind="roll_notice", title=_("%(name)s业主名册公示", name=compound.name),
                         posted_on=on, publicity_days=days, citations=list(rule.citations),
                         body=_("表决权人 %(voters)s 人，专有部分 %(units)s 个，总面积 %(area)s ㎡。对名册有异议的，请于公示期内书面提出。",
                                voters=totals["headcount"], units=totals["units"], area=totals["area"]),
                         source=("procedure_step", step.id), posted_by=actor)
    if not in_background or actor is None:  # no one to show a job to: a command renders it here
        pdf, _count = render_roll_notice(compound, params)
        attach_roll_notice_pdf(notice, pdf, actor=actor)
        return step, notice, None
    from ..jobs.operations import start_job
    from ..policy import Ability

    job = start_job(ROLL_NOTICE_JOB, actor=actor, ability=Ability.MANAGE, compound_id=compound.id,
                    target_id=notice.id, params={**params, "subject": notice.title})
    return step, notice, job


ROLL_NOTICE_JOB = "procedures.roll_notice"


def roll_notice_params(procedure: Procedure, *, on: date, days: int, settings: dict) -> tuple[dict, dict]:
    """What the board's roll notice PDF shows, fixed when it is posted (JSON-able), and the totals.

    A confirmed roll version never changes, so the version's id is enough: the job reads its
    entries. A roll loaded before versions existed has none: its masked rows are copied here.
    """
    from ..notices.operations import publicity_end
    from ..registry.operations import current_version
    from ..registry.util import roll_notice_context

    compound = procedure.compound
    issuer = issuer_of(procedure)
    params = {"issuer": issuer, "generated_on": on.isoformat(),
              "publicity": {"starts_on": on.isoformat(), "ends_on": publicity_end(on, days).isoformat(),
                            "contact": issuer},
              "parking_counts": bool(settings.get("parking_area_counts", True))}
    version = current_version(compound)
    if version is not None:
        params["roll_version_id"] = version.id
        totals = {"units": version.units, "voters": version.voters, "headcount": version.voters,
                  "area": str(version.area)}
    else:
        context = roll_notice_context(compound, public=True)  # the board's copy: names masked (PIPL)
        totals = {key: str(value) if key == "area" else value for key, value in context["totals"].items()}
        params["rows"] = [{**row, "area": str(row["area"])} for row in context["voters"]]
        params["totals"] = totals
    return params, totals


def render_roll_notice(compound, params: dict) -> tuple[bytes, int]:
    """The board's roll notice PDF (names masked) from :func:`roll_notice_params`; and how many voters it lists."""
    from ..registry.models import RollVersion
    from ..registry.util import roll_notice_context

    if params.get("roll_version_id") is not None:
        version = db.session.get(RollVersion, params["roll_version_id"])
        if version is None or version.compound_id != compound.id:
            raise ProcedureError(_("公示时的名册版本已不存在。"))
        context = roll_notice_context(compound, version, public=True)
    else:
        context = {"compound_name": compound.name, "voters": params.get("rows", []), "is_public": True,
                   "totals": params.get("totals", {}), "roll_version": None}
    context.update(issuer=params["issuer"], generated_on=params["generated_on"], publicity=params["publicity"],
                   parking_counts=params["parking_counts"])
    return _render_pdf("roll_notice.html", **context), len(context["voters"])


def attach_roll_notice_pdf(notice, pdf: bytes, *, actor=None) -> None:
    """Attach the rendered PDF to its posted notice, once (a posted notice's document is never replaced)."""
    from ..notices.models import Notice

    if db.session.scalar(db.select(Notice.id).where(Notice.id == notice.id, Notice.pdf.is_not(None))):
        raise ProcedureError(_("该公告已附有公示文件。"))
    notice.pdf = pdf
    db.session.flush()
    record("notice.attach_pdf", notice, compound_id=notice.compound_id, actor=actor,
           after={"sha256": hashlib.sha256(pdf).hexdigest(), "size": len(pdf)})


def post_meeting_notice(procedure: Procedure, *, posted_on: date, meeting_on: date, meeting_time: str,
                        place: str, form: str, agenda: str, actor=None, reason: str | None = None):
    """Set the meeting date, check the notice period (PMR art 14), post the notice PDF, complete the step.

    Once the notice is posted it is never edited: a correction or a new date (``reason`` required)
    posts a new notice that supersedes the old one on the board, and the notice period counts
    again from the new posting date. Refused once the vote has started.
    """
    from ..notices.models import Notice
    from ..notices.operations import post_notice, supersede_notice
    from .models import MEETING_FORMS

    _require_active(procedure)
    if form not in MEETING_FORMS:
        raise ProcedureError(_("未知的会议形式：%(form)s", form=form))
    items = [line.strip() for line in (agenda or "").splitlines() if line.strip()]
    if not items:
        raise ProcedureError(_("请填写会议议题。"))
    if not (meeting_time or "").strip() or not (place or "").strip():
        raise ProcedureError(_("请填写会议时间和地点。"))
    compound = procedure.compound
    step = util.meeting_notice_step(procedure)
    if step is None:
        raise ProcedureError(_("本程序没有会议通知步骤。"))
    rule = _rule(step)
    old_notice = None
    if step.state == DONE:
        if not reason or not reason.strip():
            raise ProcedureError(_("会议通知已发出：更正或改期须写明理由，新通知将替换原通知。"))
        rules = util.procedure_rules(procedure)
        if any(rules[s.key].action == "vote" and not s.is_open for s in procedure.steps if s.key in rules):
            raise ProcedureError(_("投票已开始或已完成，不能再更正会议通知。"))
        _check_not_future(posted_on)
        before = _step_snapshot(step)
        step.reissue(posted_on, by_id=_actor_id(actor))
        set_anchors(procedure, actor=actor, meeting_on=meeting_on, _reissue=True)
        # the new posting date must give the full notice period before the (new) meeting date
        _check_legal_date(step, rule, posted_on, procedure.anchors(), util.effective_settings(compound))
        db.session.flush()
        record("procedure.step.reissue", step, compound_id=compound.id, actor=actor,
               before=before, after={**_step_snapshot(step), "reason": reason.strip()})
        old_notice = db.session.scalar(
            db.select(Notice).where(Notice.source_type == "procedure_step", Notice.source_id == step.id,
                                    Notice.kind == "meeting_notice", Notice.superseded_by_id.is_(None))
            .order_by(Notice.id.desc()).limit(1))
    else:
        set_anchors(procedure, actor=actor, meeting_on=meeting_on)
        step = complete_action(compound, "meeting_notice", on=posted_on, actor=actor)
    procedure.meeting_form = form
    procedure.meeting_time = meeting_time.strip()
    procedure.meeting_place = place.strip()
    procedure.meeting_agenda = "\n".join(items)
    settings = util.effective_settings(compound)
    context = _meeting_notice_context(procedure, step, settings, posted_on=posted_on, items=items)
    pdf = _render_pdf("meeting_notice.html", **context)
    fields = dict(title=context["title"], posted_on=posted_on, publicity_ends_on=meeting_on,
                  citations=list(rule.citations),
                  body=_("会议日期：%(date)s %(time)s；地点：%(place)s；形式：%(form)s。议题：%(agenda)s",
                         date=meeting_on.isoformat(), time=procedure.meeting_time, place=procedure.meeting_place,
                         form=context["form_label"], agenda="；".join(items)),
                  source=("procedure_step", step.id), pdf=pdf, posted_by=actor)
    if old_notice is not None:
        notice = supersede_notice(old_notice, reason=reason, kind="meeting_notice", **fields)
    else:
        notice = post_notice(compound, kind="meeting_notice", **fields)
    db.session.flush()
    record("procedure.meeting", procedure, compound_id=compound.id, actor=actor,
           after={"meeting_on": meeting_on, "form": form, "time": procedure.meeting_time,
                  "place": procedure.meeting_place, "agenda": items, "notice_id": notice.id})
    return step, notice


def _meeting_notice_context(procedure: Procedure, step: ProcedureStep, settings: dict, *, posted_on: date,
                            items: list[str]) -> dict:
    from ..registry.operations import roll_summary
    from .models import MEETING_FORMS

    compound = procedure.compound
    summary = roll_summary(compound)
    formation = procedure.kind == "formation"
    return {
        "title": _("关于召开%(name)s%(meeting)s的通知", name=compound.name,
                   meeting=_("首次业主大会会议") if formation else _("业主大会会议（换届选举）")),
        "compound_name": compound.name,
        "generated_on": posted_on.isoformat(),
        "issuer": issuer_of(procedure),
        "posted_on": posted_on.isoformat(),
        "meeting_on": procedure.meeting_on.isoformat(),
        "meeting_time": procedure.meeting_time,
        "place": procedure.meeting_place,
        "form": procedure.meeting_form,
        "form_label": MEETING_FORMS[procedure.meeting_form],
        "agenda": items,
        "notice_days": int(settings.get("meeting_notice_days", 15)),
        "headcount": summary.headcount,
        "area": str(summary.area),
        "is_formation": formation,
    }
