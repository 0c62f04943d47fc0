"""The committee page of a compound and the forms that record and edit the committee."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import clock
from ..extensions import db
from ..policy import Ability, authorize, can, get_compound_or_404
from ..web.transaction import transaction
from ..web.views import flash_errors
from . import operations, util
from .forms import CommitteeForm, MemberForm, MemberUpdateForm, TermForm
from .models import CommitteeMember

bp = Blueprint("committees", __name__)


def compound_panel(compound, user):
    """Term and re-election status on the compound page (readers and the compound's owners)."""
    if not (can(user, Ability.READ, compound) or can(user, Ability.VOTE, compound)):
        return None
    from ..features import hooks
    from ..procedures.util import active_procedure

    running = active_procedure(compound)
    provider = hooks().election_result
    result = provider(compound) if provider is not None else None
    if result is not None and running is not None and result["counted_at"] < running.started_at:
        result = None  # an election before this procedure: the procedure's own is still to come
    committee = util.current_committee(compound)
    return {"compound": compound, "committee": committee,
            "term": util.term_status(compound, clock.today(), committee) if committee else None,
            "labels": util.STATUS_LABELS,
            # once the procedure's election is counted the page shows its result, not "started"
            "reelection_running": running is not None and running.kind == "reelection" and result is None,
            "reelection_counted": running is not None and running.kind == "reelection" and result is not None,
            "result": result}


def _authorize_view(compound) -> None:
    if not can(current_user, Ability.VOTE, compound):
        authorize(Ability.READ, compound)


@bp.get("/compounds/<code>/committee")
def committee(code: str):
    compound = get_compound_or_404(code)
    _authorize_view(compound)
    return _page(compound)


def _page(compound, status: int = 200, **forms):
    current = util.current_committee(compound, with_voters=True)
    today = clock.today()
    can_manage = can(current_user, Ability.MANAGE, compound)
    term_form = forms.get("term_form") or (TermForm(obj=current) if current else None)
    member_form = forms.get("member_form") or MemberForm(joined_on=today)
    return render_template(
        "committees/committee.html", compound=compound, committee=current, today=today,
        term=util.term_status(compound, today), labels=util.STATUS_LABELS, past=util.past_committees(compound),
        can_manage=can_manage, committee_form=forms.get("committee_form") or CommitteeForm(),
        term_form=term_form, member_form=member_form,
        member_forms={m.id: MemberUpdateForm(prefix=f"m{m.id}", obj=m) for m in (current.members if current else [])},
    ), status


@bp.post("/compounds/<code>/committee")
@transaction(failure=lambda code: _page(get_compound_or_404(code), 400, committee_form=CommitteeForm()))
def record_committee(code: str):
    compound = get_compound_or_404(code)
    authorize(Ability.MANAGE, compound)
    form = CommitteeForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return _page(compound, 400, committee_form=form)
    members = util.parse_member_lines(compound, form.members.data)
    operations.record_committee(compound, members=members, elected_on=form.elected_on.data,
                                term_starts_on=form.term_starts_on.data, term_ends_on=form.term_ends_on.data,
                                filed_on=form.filed_on.data, actor=current_user)
    flash(_("已登记本届业委会。"), "success")
    return redirect(url_for("committees.committee", code=compound.code))


def _current_or_404(compound):
    current = util.current_committee(compound)
    if current is None:
        abort(404)
    return current


@bp.post("/compounds/<code>/committee/term")
@transaction(failure=lambda code: _page(get_compound_or_404(code), 400, term_form=TermForm()))
def update_term(code: str):
    compound = get_compound_or_404(code)
    authorize(Ability.MANAGE, compound)
    current = _current_or_404(compound)
    form = TermForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return _page(compound, 400, term_form=form)
    operations.update_committee(current, term_ends_on=form.term_ends_on.data, filed_on=form.filed_on.data,
                                actor=current_user)
    flash(_("已保存。"), "success")
    return redirect(url_for("committees.committee", code=compound.code))


@bp.post("/compounds/<code>/committee/members")
@transaction(failure=lambda code: _page(get_compound_or_404(code), 400, member_form=MemberForm()))
def add_member(code: str):
    compound = get_compound_or_404(code)
    authorize(Ability.MANAGE, compound)
    current = _current_or_404(compound)
    form = MemberForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return _page(compound, 400, member_form=form)
    voter_id = None
    if form.unit.data:
        voter_id = util.voter_id_for_unit(compound, form.unit.data)
        if voter_id is None:
            raise operations.CommitteeError(_("名册中没有房屋 %(unit)s。", unit=form.unit.data))
    operations.add_member(current, name=form.name.data, role=form.role.data, voter_id=voter_id,
                          joined_on=form.joined_on.data, actor=current_user)
    flash(_("已增加委员。"), "success")
    return redirect(url_for("committees.committee", code=compound.code))


@bp.post("/compounds/<code>/committee/members/<int:member_id>")
@transaction(back=lambda code, member_id: url_for("committees.committee", code=code))
def update_member(code: str, member_id: int):
    compound = get_compound_or_404(code)
    authorize(Ability.MANAGE, compound)
    current = _current_or_404(compound)
    member = db.session.get(CommitteeMember, member_id)
    if member is None or member.committee_id != current.id:
        abort(404)
    form = MemberUpdateForm(prefix=f"m{member.id}")
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(url_for("committees.committee", code=compound.code))
    operations.update_member(member, role=form.role.data, left_on=form.left_on.data, actor=current_user)
    flash(_("已保存。"), "success")
    return redirect(url_for("committees.committee", code=compound.code))
