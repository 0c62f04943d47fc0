from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..features import hooks
from ..pdf import render_pdf
from ..policy import Ability, authorize, can, compounds_where, get_compound_or_404
from ..privacy import audit_personal_data
from ..web.rows import Unavailable, isolated
from . import operations, util
from .forms import CommunityForm, CompoundForm, RollImportForm, StreetForm
from .models import Community, Compound, Street

bp = Blueprint("registry", __name__)


@bp.get("/compounds")
def compounds():
    authorize(Ability.READ)
    rows = db.session.scalars(
        compounds_where(current_user, Ability.READ).options(selectinload(Compound.community))
        .order_by(Compound.name)
    ).all()
    return render_template("registry/compounds.html", compounds=rows)


@bp.get("/compounds/<code>")
def compound(code: str):
    compound = get_compound_or_404(code)
    if not (can(current_user, Ability.READ, compound) or can(current_user, Ability.VOTE, compound)):
        authorize(Ability.READ, compound)
    panels = []
    for panel in hooks().compound_panels:
        context = isolated(lambda: panel.context(compound, current_user),
                           what=f"panel {panel.template} of compound {compound.code}")
        if isinstance(context, Unavailable):
            panels.append(("web/_unavailable_panel.html", {"error": context}))
        elif context is not None:
            panels.append((panel.template, context))
    summary = operations.roll_summary(compound) if can(current_user, Ability.READ, compound) else None
    return render_template("registry/compound.html", compound=compound, summary=summary, panels=panels,
                           can_see_roll=can(current_user, Ability.PERSONAL_DATA, compound))


@bp.get("/compounds/<code>/roll")
def roll(code: str):
    compound = get_compound_or_404(code)
    authorize(Ability.PERSONAL_DATA, compound)
    page = request.args.get("page", 1, type=int)
    audit_personal_data("roll.page", compound, detail={"page": page})
    db.session.commit()
    return render_template(
        "registry/roll.html", compound=compound, summary=operations.roll_summary(compound),
        voters=util.voters_page(compound, page), last_import=util.latest_import(compound),
        form=RollImportForm(), can_manage=can(current_user, Ability.MANAGE, compound),
        lock_reason=operations.roll_lock_reason(compound), errors=None,
    )


@bp.post("/compounds/<code>/roll")
def import_roll(code: str):
    compound = get_compound_or_404(code)
    authorize(Ability.MANAGE, compound)
    form = RollImportForm()
    errors = None
    if form.validate_on_submit():
        upload = form.roll_file.data
        try:
            roll_import = operations.import_roll(compound, upload.filename or "roll", upload.read(),
                                                 imported_by=current_user)
        except operations.RollRejected as rejected:
            db.session.rollback()
            flash(str(rejected), "danger")
            errors = rejected.errors
        except operations.RegistryError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            db.session.commit()
            flash(_("名册已导入：%(units)s 套房屋，%(voters)s 名表决权人。", units=roll_import.units,
                    voters=roll_import.voters), "success")
            return redirect(url_for("registry.roll", code=compound.code))
    else:
        for messages in form.errors.values():
            for message in messages:
                flash(message, "danger")
    return render_template(
        "registry/roll.html", compound=compound, summary=operations.roll_summary(compound),
        voters=util.voters_page(compound, 1), last_import=util.latest_import(compound), form=form,
        can_manage=True, lock_reason=operations.roll_lock_reason(compound), errors=errors,
    ), 400


@bp.get("/compounds/<code>/roll/notice.pdf")
def roll_notice(code: str):
    """The full roll notice (names unmasked): for the roles that need it, every download audited.
    The copy posted on the public board is masked (``roll_notice_context(public=True)``)."""
    compound = get_compound_or_404(code)
    authorize(Ability.PERSONAL_DATA, compound)
    pdf = render_pdf("roll_notice.html", **util.roll_notice_context(compound))
    audit_personal_data("roll.notice_pdf", compound)
    db.session.commit()
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f"inline; filename=roll-notice-{compound.code}.pdf", "Cache-Control": "no-store"})


@bp.get("/admin/registry")
def admin_registry():
    authorize(Ability.ADMIN)
    streets = db.session.scalars(
        select(Street).options(selectinload(Street.communities).selectinload(Community.compounds)).order_by(Street.name)
    ).all()
    unassigned = db.session.scalars(select(Compound).where(Compound.community_id.is_(None))).all()
    return render_template("registry/admin.html", streets=streets, unassigned=unassigned,
                           street_form=StreetForm(), community_form=_community_form(), compound_form=_compound_form())


def _community_form() -> CommunityForm:
    form = CommunityForm()
    form.street_id.choices = [(s.id, s.name) for s in db.session.scalars(select(Street).order_by(Street.name))]
    return form


def _compound_form() -> CompoundForm:
    form = CompoundForm()
    form.community_id.choices = [(c.id, c.name) for c in db.session.scalars(select(Community).order_by(Community.name))]
    return form


@bp.post("/admin/streets")
def create_street():
    authorize(Ability.ADMIN)
    form = StreetForm()
    _apply(form, lambda: operations.create_street(form.name.data.strip(), (form.district.data or "").strip() or None))
    return redirect(url_for("registry.admin_registry"))


@bp.post("/admin/communities")
def create_community():
    authorize(Ability.ADMIN)
    form = _community_form()
    _apply(form, lambda: operations.create_community(db.get_or_404(Street, form.street_id.data), form.name.data.strip()))
    return redirect(url_for("registry.admin_registry"))


@bp.post("/admin/compounds")
def create_compound():
    authorize(Ability.ADMIN)
    form = _compound_form()
    _apply(form, lambda: operations.create_compound(form.code.data, form.name.data,
                                                    db.get_or_404(Community, form.community_id.data)))
    return redirect(url_for("registry.admin_registry"))


def _apply(form, operation) -> None:
    if not form.validate_on_submit():
        for messages in form.errors.values():
            for message in messages:
                flash(message, "danger")
        return
    try:
        operation()
    except operations.RegistryError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash(_("已保存。"), "success")
