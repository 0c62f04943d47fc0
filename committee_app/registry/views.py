from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from .. import clock
from ..extensions import db
from ..features import hooks
from ..policy import Ability, authorize, can, compounds_where, get_compound_or_404, scope_of
from ..privacy import audit_personal_data
from ..web import datacache
from ..web.rows import Unavailable, isolated
from ..web.transaction import attempt, transaction
from . import operations, util
from .forms import CommunityForm, CompoundForm, ConfirmForm, RollImportForm, StreetForm
from .models import Community, Compound, Street
from .rollfile import column_label, template_csv, template_xlsx

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
    readable = can(current_user, Ability.READ, compound)
    if not (readable or can(current_user, Ability.VOTE, compound)):
        authorize(Ability.READ, compound)
    can_see_roll = can(current_user, Ability.PERSONAL_DATA, compound)

    def body() -> tuple[str, tuple[bool, bool]]:
        """The roll's figures and the features' panels, rendered; kept unless a panel could not be
        computed."""
        panels, complete = [], True
        for panel in hooks().compound_panels:
            context = isolated(lambda: panel.context(compound, current_user),
                               what=f"panel {panel.template} of compound {compound.code}")
            if isinstance(context, Unavailable):
                panels.append(("web/_unavailable_panel.html", {"error": context}))
                complete = False
            elif context is not None:
                panels.append((panel.template, context))
        summary = operations.roll_summary(compound) if readable else None
        html = render_template("registry/_compound_body.html", compound=compound, summary=summary, panels=panels)
        return html, (complete, bool(summary))

    # what a panel shows depends on the reader's grants (and, for some, on the reader): the key
    # holds both, so nothing is shared between readers
    user_id = current_user.id if current_user.is_authenticated else None
    # (the path too: the workshop panel's forms send the reader back to it)
    key = (compound.id, user_id, repr(scope_of(current_user)), clock.today(), str(get_locale()), request.full_path)
    html, (_complete, has_summary) = datacache.render_kept(
        "registry.compound_body", key, body, depends_on=("compound", "community", "street", "role_grant", "user"),
        keep=lambda value: value[1][0])
    return render_template("registry/compound.html", compound=compound, body=html,
                           show_roll=has_summary and can_see_roll)


def _roll_page(compound, form, *, errors=None, more_errors=0, page: int = 1, search: str = "", status: int = 200):
    return render_template(
        "registry/roll.html", compound=compound, summary=operations.roll_summary(compound),
        voters=util.voters_page(compound, page, search=search), search=search, versions=util.versions_of(compound),
        pending=operations.pending_version(compound), form=form,
        can_manage=can(current_user, Ability.MANAGE, compound),
        lock_reason=operations.roll_lock_reason(compound), errors=errors, more_errors=more_errors,
        column_label=column_label,
    ), status


@bp.get("/compounds/<code>/roll")
@transaction
def roll(code: str):
    compound = get_compound_or_404(code)
    authorize(Ability.PERSONAL_DATA, compound)
    page = request.args.get("page", 1, type=int)
    search = request.args.get("q", "", type=str).strip()[:60]
    audit_personal_data("roll.page", compound, detail={"page": page, **({"q": search} if search else {})})
    return _roll_page(compound, RollImportForm(), page=page, search=search)


@bp.post("/compounds/<code>/roll")
@transaction
def import_roll(code: str):
    """Upload a roll: checked and kept as a pending version with its difference, to confirm."""
    compound = get_compound_or_404(code)
    authorize(Ability.MANAGE, compound)
    form = RollImportForm()
    errors, more_errors = None, 0
    if form.validate_on_submit():
        upload = form.roll_file.data
        version, refusal = attempt(lambda: operations.preview_roll(
            compound, upload.filename or "roll", upload.read(), uploaded_by=current_user))
        if isinstance(refusal, operations.RollRejected):
            errors, more_errors = refusal.errors, refusal.more
        elif not refusal:
            flash(_("名册文件已检查：请核对以下差异，确认后才会替换现行名册。"), "info")
            return redirect(url_for("registry.roll_version", code=compound.code, version_id=version.id))
    else:
        for messages in form.errors.values():
            for message in messages:
                flash(message, "danger")
    return _roll_page(compound, form, errors=errors, more_errors=more_errors, status=400)


@bp.get("/compounds/<code>/roll/versions/<int:version_id>")
@transaction
def roll_version(code: str, version_id: int):
    """A pending upload's preview (joins, leaves, area and owner changes, warnings), or the
    record of a confirmed version."""
    compound = get_compound_or_404(code)
    authorize(Ability.PERSONAL_DATA, compound)  # it names who joins and leaves the roll
    version = util.version_in(compound, version_id)
    if version is None:
        abort(404)
    audit_personal_data("roll.version", compound, detail={"version": version.number})
    return render_template(
        "registry/version.html", compound=compound, version=version, form=ConfirmForm(),
        current=operations.current_version(compound), can_manage=can(current_user, Ability.MANAGE, compound),
        lock_reason=operations.roll_lock_reason(compound) if version.is_pending else None,
        lists=VERSION_LISTS, shown=SHOWN_ITEMS,
    )


VERSION_LISTS = (("joins", _l("新加入名册")), ("leaves", _l("退出名册")),
                 ("area_changes", _l("面积变化")), ("owner_changes", _l("业主姓名变化")))
SHOWN_ITEMS = 200


@bp.post("/compounds/<code>/roll/versions/<int:version_id>/confirm")
@transaction(back=lambda code, version_id: url_for("registry.roll_version", code=code, version_id=version_id))
def confirm_roll(code: str, version_id: int):
    compound = get_compound_or_404(code)
    authorize(Ability.MANAGE, compound)
    version = util.version_in(compound, version_id)
    if version is None:
        abort(404)
    try:
        version = operations.confirm_roll(version, actor=current_user)
    except IntegrityError as conflict:  # someone else confirmed a roll of this compound at the same moment
        raise operations.RegistryError(_("名册刚刚被其他人更改，请刷新页面后重新上传。")) from conflict
    flash(_("名册第 %(number)s 版已生效：%(units)s 套房屋，%(voters)s 名表决权人。", number=version.number,
            units=version.units, voters=version.voters), "success")
    return redirect(url_for("registry.roll", code=compound.code))


@bp.post("/compounds/<code>/roll/versions/<int:version_id>/cancel")
@transaction(back=lambda code, version_id: url_for("registry.roll", code=code))
def cancel_roll(code: str, version_id: int):
    compound = get_compound_or_404(code)
    authorize(Ability.MANAGE, compound)
    version = util.version_in(compound, version_id)
    if version is None:
        abort(404)
    operations.cancel_roll(version, actor=current_user)
    flash(_("已取消这次上传，现行名册没有改变。"), "info")
    return redirect(url_for("registry.roll", code=compound.code))


@bp.get("/compounds/<code>/roll/template.<fmt>")
def roll_template(code: str, fmt: str):
    """A roll template to fill in, with the headers in the page's language."""
    compound = get_compound_or_404(code)
    authorize(Ability.MANAGE, compound)
    lang = str(get_locale() or "zh")
    if fmt == "csv":
        data, mimetype = template_csv(lang), "text/csv"
    elif fmt == "xlsx":
        data, mimetype = template_xlsx(lang), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        abort(404)
    name = ("名册模板" if lang.startswith("zh") else "roll-template") + f".{fmt}"
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name, max_age=0)


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
@transaction(back=lambda: url_for("registry.admin_registry"))
def create_street():
    authorize(Ability.ADMIN)
    form = StreetForm()
    _apply(form, lambda: operations.create_street(form.name.data.strip(), (form.district.data or "").strip() or None))
    return redirect(url_for("registry.admin_registry"))


@bp.post("/admin/communities")
@transaction(back=lambda: url_for("registry.admin_registry"))
def create_community():
    authorize(Ability.ADMIN)
    form = _community_form()
    _apply(form, lambda: operations.create_community(db.get_or_404(Street, form.street_id.data), form.name.data.strip()))
    return redirect(url_for("registry.admin_registry"))


@bp.post("/admin/compounds")
@transaction(back=lambda: url_for("registry.admin_registry"))
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
    operation()
    flash(_("已保存。"), "success")
