"""Procedure pages: start, timeline, anchors, step actions, sign-off, notices, settings."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from .. import clock
from ..extensions import db
from ..policy import Ability, authorize, can, get_compound_or_404
from ..rules import get_rule_set
from ..rules.model import split_items
from ..storage import operations as storage
from ..web.transaction import attempt, transaction
from . import forms, operations, util
from .models import ANCHOR_FIELDS, Procedure, ProcedureStep, StepDocument

bp = Blueprint("procedures", __name__)


@bp.context_processor
def _template_helpers():
    return {"procedure_labels": util, "local": util.local_text, "days_left": util.days_left_text}


# --------------------------------------------------------------------------- loading


def _procedure(code: str, procedure_id: int) -> tuple:
    compound = get_compound_or_404(code)
    procedure = db.session.get(Procedure, procedure_id, options=[
        selectinload(Procedure.steps).selectinload(ProcedureStep.documents),
        selectinload(Procedure.steps).selectinload(ProcedureStep.signed_off_by),
        selectinload(Procedure.steps).selectinload(ProcedureStep.returned_by),
    ])
    if procedure is None or procedure.compound_id != compound.id:
        abort(404)
    return compound, procedure


def _step(code: str, step_id: int) -> tuple:
    compound = get_compound_or_404(code)
    step = db.session.get(ProcedureStep, step_id)
    if step is None or step.procedure.compound_id != compound.id:
        abort(404)
    return compound, step


def _flash_errors(form) -> None:
    for messages in form.errors.values():
        for message in messages:
            flash(message, "danger")


def _to_timeline(compound, procedure_id: int, anchor: str | None = None):
    return redirect(url_for("procedures.timeline", code=compound.code, procedure_id=procedure_id,
                            _anchor=anchor))


def _step_url(code: str, step_id: int) -> str:
    """The step on its timeline: where a refused step action sends the browser back."""
    compound, step = _step(code, step_id)
    return url_for("procedures.timeline", code=compound.code, procedure_id=step.procedure_id,
                   _anchor=f"step-{step.id}")


def _uploads(field) -> list[tuple[str, bytes]]:
    return [(upload.filename or "document", upload.read()) for upload in (field.data or [])
            if upload and getattr(upload, "filename", "")]


# --------------------------------------------------------------------------- procedures


@bp.get("/compounds/<code>/procedures")
def index(code: str):
    compound = get_compound_or_404(code)
    authorize(Ability.READ, compound)
    procedures = util.compound_procedures(compound)
    active = next((p for p in procedures if p.is_active), None)
    form = forms.StartProcedureForm()
    if request.method == "GET" and not form.term_ends_on.data:
        form.term_ends_on.data = util.committee_term_end(compound)
    return render_template("procedures/index.html", compound=compound, procedures=procedures, active=active,
                           form=form, can_manage=can(current_user, Ability.MANAGE, compound),
                           titles={p.id: util.procedure_title(p) for p in procedures})


@bp.post("/compounds/<code>/procedures")
@transaction(back=lambda code: url_for("procedures.index", code=code))
def start(code: str):
    compound = get_compound_or_404(code)
    authorize(Ability.MANAGE, compound)
    form = forms.StartProcedureForm()
    if not form.validate_on_submit():
        _flash_errors(form)
        return redirect(url_for("procedures.index", code=compound.code))
    anchors = {}
    if form.kind.data == "reelection" and form.term_ends_on.data:
        anchors["term_ends_on"] = form.term_ends_on.data
    if form.kind.data == "formation" and form.application_on.data:
        anchors["application_on"] = form.application_on.data
    procedure = operations.start_procedure(compound, form.kind.data, actor=current_user, **anchors)
    flash(_("程序已开始。"), "success")
    return _to_timeline(compound, procedure.id)


@bp.get("/compounds/<code>/procedures/<int:procedure_id>")
def timeline(code: str, procedure_id: int):
    compound, procedure = _procedure(code, procedure_id)
    authorize(Ability.READ, compound)
    settings = util.effective_settings(compound)
    rule_set = get_rule_set(procedure.rule_set)
    anchors_form = forms.AnchorsForm(data=procedure.anchors())
    today = clock.today()
    complete_form = forms.CompleteStepForm(data={"done_on": today})
    steps = util.timeline(procedure, settings, today)
    can_manage = can(current_user, Ability.MANAGE, compound) and procedure.is_active
    can_sign_off = can(current_user, Ability.SIGN_OFF, compound) and procedure.is_active
    stepper = util.stepper(procedure, steps)
    statuses = {view.step.id: util.step_status(view.step, view.prerequisites_missing) for view in steps}
    # the steps shown open: the current one, and those waiting for this user's decision or work
    waiting_for_me = [view for view in steps if can_sign_off and statuses[view.step.id] in ("submitted", "waiver_pending")]
    opened = {view.step.id for view in waiting_for_me}
    if stepper.current is not None:
        opened.add(stepper.current.step.id)
    if can_manage:
        opened |= {view.step.id for view in steps if statuses[view.step.id] in ("returned", "in_progress")}
    from ..notices.util import pdf_jobs

    notices = util.step_notices(procedure)
    notice_pdf_jobs = pdf_jobs([n.id for listed in notices.values() for n in listed])
    if can_manage:  # a step whose notice's document is still being made (or failed) stays open to show it
        opened |= {step_id for step_id, listed in notices.items() if any(n.id in notice_pdf_jobs for n in listed)}
    return render_template(
        "procedures/timeline.html", compound=compound, procedure=procedure, title=util.procedure_title(procedure),
        rule_set=rule_set, steps=steps, today=today,
        deadline_texts={rule.key: util.deadline_text(rule, settings) for rule in rule_set.procedure(procedure.kind)},
        anchors_used=util.anchors_used(procedure), anchors_form=anchors_form, complete_form=complete_form,
        reason_form=forms.ReasonForm(), document_form=forms.DocumentForm(), plain_form=forms.PlainForm(),
        notices=notices, notice_pdf_jobs=notice_pdf_jobs, settings=settings,
        can_manage=can_manage, can_sign_off=can_sign_off, stepper=stepper, statuses=statuses, opened=opened,
        waiting_for_me=waiting_for_me,
        next_action={view.step.id: util.next_action_text(view, is_street_office=can_sign_off)
                     for view in steps if not view.step.is_settled},
        reopenable={view.step.id for view in steps if can_manage and operations.can_reopen(view.step, view.rule)},
        # a feature's page, when that feature is installed (features meet only through hooks)
        action_pages={action: endpoint for action, endpoint in util.ACTION_PAGES.items()
                      if endpoint in current_app.view_functions},
        waiver_options={view.step.id: util.waiver_option(view.rule, current_user, compound)
                        for view in steps} if procedure.is_active else {},
    )


@bp.post("/compounds/<code>/procedures/<int:procedure_id>/anchors")
@transaction(back=lambda code, procedure_id: url_for("procedures.timeline", code=code, procedure_id=procedure_id,
                                                     _anchor="anchors"))
def anchors(code: str, procedure_id: int):
    compound, procedure = _procedure(code, procedure_id)
    authorize(Ability.MANAGE, compound)
    form = forms.AnchorsForm()
    if not form.validate_on_submit():
        _flash_errors(form)
        return _to_timeline(compound, procedure.id, "anchors")
    # only the anchors shown for this procedure are posted; the others keep their value
    values = {name: getattr(form, name).data for name in ANCHOR_FIELDS if name in request.form}
    operations.set_anchors(procedure, actor=current_user, **values)
    flash(_("关键日期已保存，截止日期已重新计算。"), "success")
    return _to_timeline(compound, procedure.id, "anchors")


@bp.post("/compounds/<code>/procedures/<int:procedure_id>/abandon")
@transaction(back=lambda code, procedure_id: url_for("procedures.timeline", code=code, procedure_id=procedure_id))
def abandon(code: str, procedure_id: int):
    compound, procedure = _procedure(code, procedure_id)
    authorize(Ability.MANAGE, compound)
    form = forms.ReasonForm()
    if not form.validate_on_submit():
        _flash_errors(form)
        return _to_timeline(compound, procedure.id)
    operations.abandon_procedure(procedure, form.reason.data, actor=current_user)
    flash(_("程序已终止。"), "success")
    return _to_timeline(compound, procedure.id)


# --------------------------------------------------------------------------- steps


@bp.post("/compounds/<code>/steps/<int:step_id>/start")
@transaction(back=_step_url)
def start_step(code: str, step_id: int):
    compound, step = _step(code, step_id)
    authorize(Ability.MANAGE, compound)
    if forms.PlainForm().validate_on_submit():
        operations.start_step(step, actor=current_user)
        flash(_("已标记为进行中。"), "success")
    return _to_timeline(compound, step.procedure_id, f"step-{step.id}")


@bp.post("/compounds/<code>/steps/<int:step_id>/complete")
@transaction(back=_step_url)
def complete_step(code: str, step_id: int):
    compound, step = _step(code, step_id)
    authorize(Ability.MANAGE, compound)
    form = forms.CompleteStepForm()
    rule = util.procedure_rules(step.procedure).get(step.key)
    if rule is not None and rule.completed_by != "manual":
        flash(_("此步骤由相应功能完成（如发布公示、投票），不能在此手工记录。"), "danger")
    elif not form.validate_on_submit():
        _flash_errors(form)
    else:
        message = _("已记录完成，等待街道办事处签核。") if rule and rule.street_signoff else _("已记录完成。")
        operations.complete_step(step, on=form.done_on.data, actor=current_user, note=form.note.data,
                                 documents=_uploads(form.documents))
        flash(message, "success")
    return _to_timeline(compound, step.procedure_id, f"step-{step.id}")


@bp.post("/compounds/<code>/steps/<int:step_id>/waive")
@transaction(back=_step_url)
def waive_step(code: str, step_id: int):
    """The organiser waives a step (alone, or for the street office to approve), or the street office
    waives one, as the rule data allows; the operation refuses a statutory step."""
    compound, step = _step(code, step_id)
    if not can(current_user, Ability.SIGN_OFF, compound):
        authorize(Ability.MANAGE, compound)
    form = forms.ReasonForm()
    if form.validate_on_submit():
        operations.waive_step(step, form.reason.data, actor=current_user)
        if step.is_waiver_pending:
            flash(_("已申请豁免，须经街道办事处批准后才视为已完成。"), "info")
        else:
            flash(_("已豁免此步骤。"), "success")
    else:
        _flash_errors(form)
    return _to_timeline(compound, step.procedure_id, f"step-{step.id}")


@bp.post("/compounds/<code>/steps/<int:step_id>/waiver/withdraw")
@transaction(back=_step_url)
def withdraw_waiver(code: str, step_id: int):
    """The organiser withdraws its waiver request before the street office decides (undo)."""
    compound, step = _step(code, step_id)
    authorize(Ability.MANAGE, compound)
    if forms.PlainForm().validate_on_submit():
        operations.withdraw_waiver(step, actor=current_user)
        flash(_("已撤回豁免申请，此步骤须继续办理。"), "success")
    return _to_timeline(compound, step.procedure_id, f"step-{step.id}")


@bp.post("/compounds/<code>/steps/<int:step_id>/reopen")
@transaction(back=_step_url)
def reopen_step(code: str, step_id: int):
    """The organiser takes back a completion the street office has not signed off yet (undo)."""
    compound, step = _step(code, step_id)
    authorize(Ability.MANAGE, compound)
    if forms.PlainForm().validate_on_submit():
        operations.reopen_step(step, actor=current_user)
        flash(_("已撤回完成记录，此步骤重新进行中；改正后请重新记录完成。"), "success")
    return _to_timeline(compound, step.procedure_id, f"step-{step.id}")


@bp.post("/compounds/<code>/steps/<int:step_id>/waiver/approve")
@transaction(back=_step_url)
def approve_waiver(code: str, step_id: int):
    compound, step = _step(code, step_id)
    authorize(Ability.SIGN_OFF, compound)
    if forms.PlainForm().validate_on_submit():
        operations.approve_waiver(step, current_user)
        flash(_("已批准豁免。"), "success")
    return _to_timeline(compound, step.procedure_id, f"step-{step.id}")


@bp.post("/compounds/<code>/steps/<int:step_id>/waiver/reject")
@transaction(back=_step_url)
def reject_waiver(code: str, step_id: int):
    compound, step = _step(code, step_id)
    authorize(Ability.SIGN_OFF, compound)
    form = forms.ReasonForm()
    if form.validate_on_submit():
        operations.reject_waiver(step, current_user, form.reason.data)
        flash(_("已不批准豁免，组织方须完成此步骤。"), "success")
    else:
        _flash_errors(form)
    return _to_timeline(compound, step.procedure_id, f"step-{step.id}")


@bp.post("/compounds/<code>/steps/<int:step_id>/documents")
@transaction(back=_step_url)
def upload_documents(code: str, step_id: int):
    compound, step = _step(code, step_id)
    authorize(Ability.MANAGE, compound)
    form = forms.DocumentForm()
    files = _uploads(form.documents) if form.validate_on_submit() else []
    if not files:
        flash(_("请选择要上传的文件。"), "danger")
    elif not step.procedure.is_active:
        flash(_("该程序已结束，不能再修改。"), "danger")
    else:
        for name, data in files:
            operations.add_document(step, name, data, actor=current_user)
        flash(_("已上传 %(n)s 个文件。", n=len(files)), "success")
    return _to_timeline(compound, step.procedure_id, f"step-{step.id}")


@bp.get("/compounds/<code>/documents/<int:document_id>")
def document(code: str, document_id: int):
    compound = get_compound_or_404(code)
    document = db.session.get(StepDocument, document_id)
    if document is None or document.step.procedure.compound_id != compound.id:
        abort(404)
    authorize(Ability.READ, compound)
    stored = operations.document_file(document)
    if stored is None:
        abort(404)
    response = storage.send(stored)
    response.headers["Content-Disposition"] = content_disposition(document.filename)
    return response


def content_disposition(filename: str) -> str:
    from urllib.parse import quote

    return f"inline; filename=document; filename*=UTF-8''{quote(filename)}"


@bp.post("/compounds/<code>/steps/<int:step_id>/sign-off")
@transaction(back=_step_url)
def sign_off(code: str, step_id: int):
    compound, step = _step(code, step_id)
    authorize(Ability.SIGN_OFF, compound)
    if forms.PlainForm().validate_on_submit():
        operations.sign_off_step(step, current_user)
        flash(_("已签核。"), "success")
    return _to_timeline(compound, step.procedure_id, f"step-{step.id}")


@bp.post("/compounds/<code>/steps/<int:step_id>/return")
@transaction(back=_step_url)
def return_step(code: str, step_id: int):
    compound, step = _step(code, step_id)
    authorize(Ability.SIGN_OFF, compound)
    form = forms.ReasonForm()
    if form.validate_on_submit():
        operations.return_step(step, current_user, form.reason.data)
        flash(_("已退回并责令改正，组织方将看到退回理由。"), "success")
    else:
        _flash_errors(form)
    return _to_timeline(compound, step.procedure_id, f"step-{step.id}")


# --------------------------------------------------------------------------- notices


@bp.post("/compounds/<code>/procedures/<int:procedure_id>/roll-notice")
@transaction(back=lambda code, procedure_id: url_for("procedures.timeline", code=code, procedure_id=procedure_id))
def roll_notice(code: str, procedure_id: int):
    compound, procedure = _procedure(code, procedure_id)
    authorize(Ability.MANAGE, compound)
    if forms.PostRollNoticeForm().validate_on_submit():
        _step, _notice, job = operations.post_roll_notice(procedure, actor=current_user)
        from ..jobs.views import send_after_commit

        send_after_commit(job)
        flash(_("名册公示已张贴到公示栏，该步骤已完成。公示文件（PDF）正在后台生成，完成后自动附在公告上；"
                "进度见时间线上该公告旁的链接。"), "success")
    return _to_timeline(compound, procedure.id)


@bp.route("/compounds/<code>/procedures/<int:procedure_id>/meeting-notice", methods=["GET", "POST"])
@transaction
def meeting_notice(code: str, procedure_id: int):
    compound, procedure = _procedure(code, procedure_id)
    authorize(Ability.MANAGE, compound)
    form = forms.MeetingNoticeForm()
    settings = util.effective_settings(compound)
    if request.method == "GET":
        form.posted_on.data = clock.today()
        form.meeting_on.data = procedure.meeting_on
        form.meeting_time.data = procedure.meeting_time
        form.place.data = procedure.meeting_place
        form.form.data = procedure.meeting_form or "meeting"
        form.agenda.data = procedure.meeting_agenda or _default_agenda(procedure)
    elif form.validate_on_submit():
        _result, refusal = attempt(lambda: operations.post_meeting_notice(
            procedure, posted_on=form.posted_on.data, meeting_on=form.meeting_on.data,
            meeting_time=form.meeting_time.data, place=form.place.data, form=form.form.data,
            agenda=form.agenda.data, actor=current_user, reason=form.reason.data))
        if not refusal:
            flash(_("会议通知已张贴到公示栏，该步骤已完成。"), "success")
            return _to_timeline(compound, procedure.id)
    else:
        _flash_errors(form)
    status = 400 if request.method == "POST" else 200
    step = util.meeting_notice_step(procedure)
    view = next((v for v in util.timeline(procedure, settings) if step is not None and v.step.id == step.id), None)
    return render_template("procedures/meeting_notice.html", compound=compound, procedure=procedure, form=form,
                           notice_days=settings.get("meeting_notice_days", 15), view=view), status


def _default_agenda(procedure: Procedure) -> str:
    if procedure.kind == "formation":
        return "\n".join([_("表决通过《管理规约》"), _("表决通过《业主大会议事规则》"), _("选举第一届业主委员会委员")])
    return _("选举新一届业主委员会委员")


# --------------------------------------------------------------------------- settings


@bp.get("/compounds/<code>/settings")
def settings(code: str):
    compound = get_compound_or_404(code)
    authorize(Ability.READ, compound)
    return _render_settings(compound)


def _render_settings(compound, status: int = 200, submitted: dict | None = None):
    rule_set = get_rule_set(compound.rule_set)
    values = util.effective_settings(compound)
    rows = [{"setting": s, "value": values[s.key], "is_overridden": s.key in (compound.setting_overrides or {}),
             "editable": operations.overridable(s), "submitted": (submitted or {}).get(s.key),
             "chosen": split_items((submitted or {}).get(s.key, values[s.key])) if s.items_from else []}
            for s in rule_set.settings]
    return render_template("procedures/settings.html", compound=compound, rule_set=rule_set, rows=rows,
                           form=forms.PlainForm(), can_manage=can(current_user, Ability.MANAGE, compound)), status


@bp.post("/compounds/<code>/settings")
@transaction
def save_settings(code: str):
    compound = get_compound_or_404(code)
    authorize(Ability.MANAGE, compound)
    if not forms.PlainForm().validate_on_submit():
        flash(_("表单已过期，请重试。"), "danger")
        return redirect(url_for("procedures.settings", code=compound.code))
    rule_set = get_rule_set(compound.rule_set)
    current = util.effective_settings(compound)
    values = {}
    for setting in rule_set.settings:
        if not operations.overridable(setting):
            continue
        if setting.type == "bool":
            if f"present-{setting.key}" in request.form:
                values[setting.key] = "true" if request.form.get(setting.key) else "false"
        elif setting.items_from:
            if f"present-{setting.key}" in request.form:
                raw = ",".join(request.form.getlist(setting.key))
                if split_items(raw) != split_items(current[setting.key]):
                    values[setting.key] = raw
        elif setting.key in request.form:
            raw = request.form[setting.key].strip()
            if raw != operations._storable(current[setting.key]) and raw != str(current[setting.key]):
                values[setting.key] = raw
    changes, refusal = attempt(lambda: operations.update_settings(compound, values, actor=current_user))
    if refusal:
        submitted = {key: ",".join(request.form.getlist(key)) for key in request.form}
        return _render_settings(compound, 400, submitted=submitted)
    flash(_("已保存 %(n)s 项设置。", n=len(changes)) if changes else _("没有修改。"), "success")
    return redirect(url_for("procedures.settings", code=compound.code))
