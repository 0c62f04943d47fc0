"""Nominations, vetting and the candidate list: thin views over operations."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for, Response
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import clock
from ..extensions import db
from ..policy import Ability, authorize, can, compounds_where, get_compound_or_404, owner_voter
from ..registry.models import Compound
from ..storage import operations as storage
from ..web import listing
from ..web.transaction import attempt, transaction
from ..web.views import flash_errors
from . import operations, util
from .forms import (
    ActionForm,
    AnswerForm,
    DocumentsForm,
    NominationForm,
    ObjectionForm,
    OpenListForm,
    RoundForm,
    SelfNominationForm,
    WithdrawForm,
)
from .models import CHANNEL_LABELS, CHECK_LABELS, STATE_LABELS, CandidateList, Nomination, NominationDocument, Objection

bp = Blueprint("nominations", __name__)


def _files(field) -> list[tuple[str, bytes]]:
    return [(f.filename, f.read()) for f in (field.data or []) if getattr(f, "filename", "")]


def _nomination(compound, nomination_id: int) -> Nomination:
    nomination = db.session.get(Nomination, nomination_id)
    if nomination is None or nomination.compound_id != compound.id:
        abort(404)
    return nomination


def _back(compound):
    return redirect(url_for("nominations.index", code=compound.code))


def _index_url(code: str, **_ids) -> str:
    """Where a refused action on the nominations page sends the browser back."""
    return url_for("nominations.index", code=code)


def _detail_url(code: str, nomination_id: int) -> str:
    return url_for("nominations.detail", code=code, nomination_id=nomination_id)


# --------------------------------------------------------------------------- organisers' pages


NOMINATIONS_PER_PAGE = 25
#: the vetting state a nomination is filtered by (the badge the list shows)
VETTING_FILTERS = {"eligible": _l("符合条件"), "ineligible": _l("不符合条件"), "pending": _l("待审查"),
                   "withdrawn": _l("已撤回")}


def _matches(nomination, decision, *, q: str, channel: str, state: str) -> bool:
    if q and q.casefold() not in nomination.nominee_name.casefold():
        return False
    if channel and nomination.channel != channel:
        return False
    shown_state = "withdrawn" if nomination.is_withdrawn else (
        decision.state if decision.state in ("eligible", "ineligible") else "pending")
    return not state or shown_state == state


@bp.get("/compounds/<code>/nominations")
def index(code: str):
    compound = get_compound_or_404(code)
    authorize(Ability.READ, compound)
    candidate_list = util.current_list(compound)
    rule_set, settings = util.rules_of(compound)
    conditions = rule_set.conditions_in_force(settings)
    context = dict(compound=compound, candidate_list=candidate_list, settings=settings, conditions=conditions,
                   can_manage=can(current_user, Ability.MANAGE, compound), state_labels=STATE_LABELS,
                   channel_labels=CHANNEL_LABELS, open_form=OpenListForm(seats=settings["committee_seats_default"]),
                   round_form=RoundForm(vetted_on=clock.today()), action_form=ActionForm(), answer_form=AnswerForm(),
                   today=clock.today())
    if candidate_list is not None:
        rows = [(n, util.decision(n, conditions)) for n in candidate_list.nominations]
        filters = {"q": listing.search_text(request.args), "channel": listing.choice(request.args, "channel", CHANNEL_LABELS),
                   "state": listing.choice(request.args, "state", VETTING_FILTERS)}
        shown = [(n, d) for n, d in rows if _matches(n, d, **filters)]
        page = listing.ListPage(shown, listing.page_number(request.args), per_page=NOMINATIONS_PER_PAGE)
        context.update(
            rows=page.items, page=page, filters=filters, total=len(rows), vetting_filters=VETTING_FILTERS,
            composition=util.composition(compound, candidate_list),
            unanswered=util.unanswered_objections(candidate_list),
            can_reopen=operations.reopen_refusal(candidate_list) is None,
        )
    context["procedure"] = util.procedure_steps(compound)
    return render_template("nominations/index.html", **context)


@bp.post("/compounds/<code>/nominations/open")
@transaction(back=_index_url)
def open_list(code: str):
    compound = get_compound_or_404(code)
    authorize(Ability.MANAGE, compound)
    form = OpenListForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return _back(compound)
    operations.open_list(compound, seats=form.seats.data, on=clock.today(), actor=current_user)
    flash(_("已开始收集候选人推荐，候选人条件和推荐办法已张贴到公示栏。"), "success")
    return _back(compound)


def _nomination_form(compound, form=None) -> NominationForm:
    form = form or NominationForm()
    people = util.person_choices(compound)
    form.owner_id.choices = [(0, _("— 请选择 —"))] + people
    form.cosigner_ids.choices = people
    return form


@bp.get("/compounds/<code>/nominations/new")
def new(code: str):
    compound = get_compound_or_404(code)
    authorize(Ability.MANAGE, compound)
    _rule_set, settings = util.rules_of(compound)
    return render_template("nominations/new.html", compound=compound, form=_nomination_form(compound),
                           minimum=settings["joint_nomination_min_cosigners"],
                           candidate_list=util.current_list(compound))


@bp.post("/compounds/<code>/nominations/new")
@transaction
def create(code: str):
    compound = get_compound_or_404(code)
    authorize(Ability.MANAGE, compound)
    form = _nomination_form(compound, NominationForm())
    _rule_set, settings = util.rules_of(compound)
    if form.validate_on_submit():
        nomination, refusal = attempt(lambda: operations.nominate(
            compound, channel=form.channel.data, owner_id=form.owner_id.data or None,
            statement=form.statement.data, biography=form.biography.data,
            is_party_member=form.is_party_member.data, recommended_by=form.recommended_by.data,
            cosigner_owner_ids=form.cosigner_ids.data or [], is_paper_form=True, entered_by=current_user,
            files=_files(form.documents)))
        if not refusal:
            flash(_("推荐已登记。"), "success")
            return redirect(url_for("nominations.detail", code=compound.code, nomination_id=nomination.id))
    else:
        flash_errors(form)
    return render_template("nominations/new.html", compound=compound, form=form,
                           minimum=settings["joint_nomination_min_cosigners"],
                           candidate_list=util.current_list(compound)), 400


@bp.get("/compounds/<code>/nominations/<int:nomination_id>")
def detail(code: str, nomination_id: int):
    compound = get_compound_or_404(code)
    authorize(Ability.READ, compound)
    nomination = _nomination(compound, nomination_id)
    conditions = util.conditions(compound)
    checks = {check.condition_key: check for check in nomination.checks}
    return render_template("nominations/detail.html", compound=compound, nomination=nomination,
                           candidate_list=nomination.candidate_list, conditions=conditions, checks=checks,
                           decision=util.decision(nomination, conditions), check_labels=CHECK_LABELS,
                           can_manage=can(current_user, Ability.MANAGE, compound),
                           documents_form=DocumentsForm(), withdraw_form=WithdrawForm(), action_form=ActionForm())


@bp.post("/compounds/<code>/nominations/<int:nomination_id>/checks")
@transaction(back=_detail_url)
def record_checks(code: str, nomination_id: int):
    compound = get_compound_or_404(code)
    authorize(Ability.MANAGE, compound)
    nomination = _nomination(compound, nomination_id)
    marks = {}
    for condition in util.conditions(compound):
        status = request.form.get(f"status_{condition.key}", "")
        if status:
            marks[condition.key] = (status, request.form.get(f"note_{condition.key}", ""))
    all_met = request.form.get("all_met") == "1"
    operations.record_checks(nomination, marks, reviewer=current_user, all_met=all_met)
    flash(_("审查结果已保存。"), "success")
    return redirect(url_for("nominations.detail", code=compound.code, nomination_id=nomination_id))


@bp.post("/compounds/<code>/nominations/<int:nomination_id>/documents")
@transaction(back=_detail_url)
def add_documents(code: str, nomination_id: int):
    compound = get_compound_or_404(code)
    authorize(Ability.MANAGE, compound)
    nomination = _nomination(compound, nomination_id)
    form = DocumentsForm()
    if form.validate_on_submit():
        operations.add_documents(nomination, _files(form.documents), actor=current_user)
        flash(_("材料已上传。"), "success")
    else:
        flash_errors(form)
    return redirect(url_for("nominations.detail", code=compound.code, nomination_id=nomination_id))


@bp.get("/compounds/<code>/nominations/<int:nomination_id>/documents/<int:document_id>")
def document(code: str, nomination_id: int, document_id: int):
    compound = get_compound_or_404(code)
    authorize(Ability.READ, compound)
    nomination = _nomination(compound, nomination_id)
    document = db.session.get(NominationDocument, document_id)
    if document is None or document.nomination_id != nomination.id:
        abort(404)
    stored = operations.document_file(document)
    if stored is None:
        abort(404)
    return storage.send(stored, download_name=document.filename)


@bp.post("/compounds/<code>/nominations/<int:nomination_id>/withdraw")
@transaction(back=_detail_url)
def withdraw(code: str, nomination_id: int):
    compound = get_compound_or_404(code)
    authorize(Ability.MANAGE, compound)
    nomination = _nomination(compound, nomination_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        operations.withdraw(nomination, reason=form.reason.data, on=clock.today(), actor=current_user)
        flash(_("已记录撤回。"), "success")
    else:
        flash_errors(form)
    return redirect(url_for("nominations.detail", code=compound.code, nomination_id=nomination_id))


def _list_action(code: str, operation, success: str):
    compound = get_compound_or_404(code)
    authorize(Ability.MANAGE, compound)
    if ActionForm().validate_on_submit():
        operation(compound, on=clock.today(), actor=current_user)
        flash(success, "success")
    return _back(compound)


@bp.post("/compounds/<code>/nominations/close")
@transaction(back=_index_url)
def close(code: str):
    return _list_action(code, operations.close_nominations, _("推荐已截止，进入资格审查。"))


@bp.post("/compounds/<code>/nominations/reopen")
@transaction(back=_index_url)
def reopen(code: str):
    """Undo closing the nominations, while the vetting has not ended."""
    return _list_action(code, operations.reopen_nominations, _("推荐已重新开放，可以继续登记推荐。"))


@bp.post("/compounds/<code>/nominations/vetted")
@transaction(back=_index_url)
def finish_vetting(code: str):
    return _list_action(code, operations.finish_vetting, _("资格审查已结束。"))


@bp.post("/compounds/<code>/nominations/post")
@transaction(back=_index_url)
def post_list(code: str):
    return _list_action(code, operations.post_list, _("候选人名单已张贴到公示栏。"))


@bp.post("/compounds/<code>/nominations/finalise")
@transaction(back=_index_url)
def finalise(code: str):
    return _list_action(code, operations.finalise, _("候选人名单已确定。"))


@bp.post("/compounds/<code>/nominations/rounds")
@transaction(back=_index_url)
def record_round(code: str):
    compound = get_compound_or_404(code)
    authorize(Ability.MANAGE, compound)
    form = RoundForm()
    if form.validate_on_submit():
        operations.record_round(compound, vetted_on=form.vetted_on.data, reviewers=form.reviewers.data,
                                note=form.note.data, actor=current_user)
        flash(_("审查轮次已记录。"), "success")
    else:
        flash_errors(form)
    return _back(compound)


@bp.post("/compounds/<code>/nominations/objections/<int:objection_id>/answer")
@transaction(back=_index_url)
def answer_objection(code: str, objection_id: int):
    compound = get_compound_or_404(code)
    authorize(Ability.MANAGE, compound)
    objection = db.session.get(Objection, objection_id)
    if objection is None or db.session.get(CandidateList, objection.candidate_list_id).compound_id != compound.id:
        abort(404)
    form = AnswerForm()
    if form.validate_on_submit():
        operations.answer_objection(objection, answer=form.answer.data,
                                    is_upheld=form.outcome.data == "upheld", actor=current_user)
        flash(_("异议已答复。"), "success")
    else:
        flash_errors(form)
    return _back(compound)


@bp.get("/compounds/<code>/nominations/list.pdf")
def list_pdf(code: str):
    compound = get_compound_or_404(code)
    authorize(Ability.READ, compound)
    candidate_list = util.current_list(compound)
    if candidate_list is None:
        abort(404)
    from ..pdf import render_pdf

    pdf = render_pdf("candidate_list.html", **util.candidate_list_context(compound, candidate_list))
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename=candidate-list-{compound.code}.pdf"})


# --------------------------------------------------------------------------- owners' pages


@bp.get("/candidates")
def my_candidates():
    """An owner's way in (navigation, landing page): the candidates page of their compound."""
    authorize(Ability.VOTE)
    compound = db.session.scalars(compounds_where(current_user, Ability.VOTE).order_by(Compound.name)).first()
    if compound is None:
        abort(403)
    return redirect(url_for("nominations.candidates", code=compound.code))


@bp.get("/compounds/<code>/candidates")
def candidates(code: str):
    compound = get_compound_or_404(code)
    if not can(current_user, Ability.VOTE, compound):
        authorize(Ability.READ, compound)
    candidate_list = util.current_list(compound)
    voter = owner_voter(current_user, compound)
    listed, mine, my_objections = [], [], []
    if candidate_list is not None:
        conditions = util.conditions(compound)
        if candidate_list.state in ("posted", "final"):
            listed = util.candidates(candidate_list, conditions)
        if voter is not None:
            mine = [(n, util.decision(n, conditions)) for n in candidate_list.nominations if n.voter_id == voter.id]
            my_objections = [o for o in candidate_list.objections if o.voter_id == voter.id]
    form = ObjectionForm()
    form.nomination_id.choices = [(0, _("整个候选人名单"))] + [(n.id, n.nominee_name) for n in listed]
    is_open = (candidate_list is not None and candidate_list.state == "posted"
               and candidate_list.posted_on <= clock.today() <= candidate_list.objection_ends_on)
    return render_template("nominations/candidates.html", compound=compound, candidate_list=candidate_list,
                           listed=listed, mine=mine, my_objections=my_objections, voter=voter, form=form,
                           objections_open=is_open, state_labels=STATE_LABELS,
                           composition=util.composition(compound, candidate_list) if listed else None)


def _self_form(compound, voter, form=None) -> SelfNominationForm:
    form = form or SelfNominationForm()
    form.owner_id.choices = [(o.id, o.name) for o in voter.owners] if voter else []
    return form


@bp.get("/compounds/<code>/candidates/nominate")
def self_nominate(code: str):
    compound = get_compound_or_404(code)
    authorize(Ability.VOTE, compound)
    voter = owner_voter(current_user, compound)
    return render_template("nominations/self.html", compound=compound, form=_self_form(compound, voter),
                           voter=voter, candidate_list=util.current_list(compound),
                           conditions=util.conditions(compound))


@bp.post("/compounds/<code>/candidates/nominate")
@transaction
def submit_self_nomination(code: str):
    compound = get_compound_or_404(code)
    authorize(Ability.VOTE, compound)
    voter = owner_voter(current_user, compound)
    form = _self_form(compound, voter, SelfNominationForm())
    if form.validate_on_submit():
        _result, refusal = attempt(lambda: operations.self_nominate(
            compound, current_user, owner_id=form.owner_id.data, statement=form.statement.data,
            biography=form.biography.data, is_party_member=form.is_party_member.data,
            files=_files(form.documents)))
        if not refusal:
            flash(_("您的自荐已提交，换届小组将进行资格审查。"), "success")
            return redirect(url_for("nominations.candidates", code=compound.code))
    else:
        flash_errors(form)
    return render_template("nominations/self.html", compound=compound, form=form, voter=voter,
                           candidate_list=util.current_list(compound), conditions=util.conditions(compound)), 400


@bp.post("/compounds/<code>/candidates/objections")
@transaction(back=lambda code: url_for("nominations.candidates", code=code))
def lodge_objection(code: str):
    compound = get_compound_or_404(code)
    authorize(Ability.VOTE, compound)
    form = ObjectionForm()
    if form.validate_on_submit():
        operations.lodge_objection(compound, current_user, nomination_id=form.nomination_id.data or None,
                                   text=form.text.data, on=clock.today())
        flash(_("您的异议已提交，换届小组将答复。"), "success")
    else:
        flash_errors(form)
    return redirect(url_for("nominations.candidates", code=compound.code))
