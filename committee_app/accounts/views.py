from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..policy import Ability, authorize
from ..registry.models import Community, Compound, Street, Unit, Voter
from ..web.safe_redirect import safe_next
from ..web.transaction import transaction
from ..web.views import flash_errors
from . import operations, throttle
from .forms import MAX_ID, ROLE_FIELDS, ROLE_LABELS, GrantForm, LoginForm, UserForm
from .models import Role, RoleGrant, User

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
@transaction
def login():
    form = LoginForm()
    if form.validate_on_submit():
        username = form.username.data.strip()
        refusal = throttle.take_attempt(username, request.remote_addr)
        if refusal is not None:
            flash(_("登录失败次数过多，请 %(seconds)s 秒后再试。", seconds=refusal.retry_after), "danger")
            response = make_response(render_template("accounts/login.html", form=form), 429)
            response.headers["Retry-After"] = str(refusal.retry_after)
            return response
        user = operations.authenticate(username, form.password.data, request.remote_addr)
        if user is None:
            flash(_("用户名或密码不正确。"), "danger")
            return render_template("accounts/login.html", form=form), 200
        throttle.forget_failures(username, request.remote_addr)
        login_user(user)
        return redirect(safe_next(request.args.get("next"), url_for("web.index")))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@transaction
def logout():
    if current_user.is_authenticated:
        operations.end_sessions(current_user._get_current_object())
    logout_user()
    flash(_("您已退出登录。"), "info")
    return redirect(url_for("web.index"))


@bp.get("/admin/users")
def users():
    authorize(Ability.ADMIN)
    search = request.args.get("q", "", type=str).strip()[:60]
    query = select(User).order_by(User.username)
    if search:
        query = query.where(User.username.contains(search, autoescape=True)
                            | User.display_name.contains(search, autoescape=True))
    page = db.paginate(query, page=request.args.get("page", 1, type=int), per_page=50, error_out=False)
    return render_template("accounts/users.html", users=page.items, page=page, search=search, form=UserForm(),
                           role_labels=ROLE_LABELS)


@bp.post("/admin/users")
@transaction(back=lambda: url_for("accounts.users"))
def create_user():
    authorize(Ability.ADMIN)
    form = UserForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(url_for("accounts.users"))
    user = operations.create_user(form.username.data.strip(), form.display_name.data.strip(), form.password.data)
    flash(_("已创建账号 %(name)s。", name=user.username), "success")
    return redirect(url_for("accounts.user", user_id=user.id))


def _units_of(compound_id: int) -> list[dict]:
    """The buildings of a compound and the units of its current roll, for picking an owner."""
    units = db.session.scalars(
        select(Unit).join(Voter, Unit.voter_id == Voter.id)
        .where(Unit.compound_id == compound_id, Voter.is_on_roll)
        .options(selectinload(Unit.building)).order_by(Unit.sort_key)
    ).all()
    buildings: dict[int, dict] = {}
    for unit in units:
        entry = buildings.setdefault(unit.building_id, {"id": unit.building_id, "name": unit.building.name,
                                                        "units": []})
        entry["units"].append({"id": unit.id, "label": unit.number})
    return sorted(buildings.values(), key=lambda b: b["name"])


def _grant_form(owner_compound_id: int = 0) -> GrantForm:
    form = GrantForm()
    none = [(0, _("— 请选择 —"))]
    streets = [(s.id, s.name) for s in db.session.scalars(select(Street).order_by(Street.name))]
    communities = [(c.id, c.name) for c in db.session.scalars(select(Community).order_by(Community.name))]
    compounds = [(c.id, c.name) for c in db.session.scalars(select(Compound).order_by(Compound.name))]
    form.officer_street_id.choices = none + streets
    form.officer_community_id.choices = none + communities
    form.mentor_community_id.choices = none + communities
    form.organiser_compound_id.choices = none + compounds
    form.owner_compound_id.choices = none + compounds
    buildings = _units_of(owner_compound_id) if owner_compound_id else []
    form.owner_building_id.choices = none + [(b["id"], b["name"]) for b in buildings]
    form.owner_unit_id.choices = none + [(u["id"], f'{b["name"]}-{u["label"]}') for b in buildings for u in b["units"]]
    form.owner_buildings = buildings  # the template groups the units by building
    return form


def _requested_id(name: str) -> int:
    raw = request.args.get(name, "")
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < int(raw) <= MAX_ID else 0


@bp.get("/admin/users/<int:user_id>")
def user(user_id: int):
    authorize(Ability.ADMIN)
    account = db.get_or_404(User, user_id)
    history = db.session.scalars(
        select(RoleGrant).where(RoleGrant.user_id == account.id).order_by(RoleGrant.granted_at.desc())
    ).all()
    # without JavaScript, "列出楼栋和房号" reloads the page with the chosen role and compound; the
    # grant form's other fields (its CSRF token among them) are dropped from the address at once
    if set(request.args) - {"role", "owner_compound_id"}:
        kept = {name: request.args[name] for name in ("role", "owner_compound_id") if request.args.get(name)}
        return redirect(url_for("accounts.user", user_id=account.id, **kept))
    owner_compound_id = _requested_id("owner_compound_id")
    if owner_compound_id and db.session.get(Compound, owner_compound_id) is None:
        owner_compound_id = 0
    form = _grant_form(owner_compound_id)
    role = request.args.get("role", "")
    if role in {r.value for r in ROLE_LABELS}:
        form.role.data = role
    form.owner_compound_id.data = owner_compound_id
    return render_template("accounts/user.html", account=account, history=history, form=form,
                           role_labels=ROLE_LABELS, role_fields=ROLE_FIELDS)


@bp.get("/admin/compounds/<int:compound_id>/units")
def compound_units(compound_id: int):
    """The buildings and units on a compound's roll (admins picking an owner's scope)."""
    authorize(Ability.ADMIN)
    if compound_id > MAX_ID:
        abort(404)
    db.get_or_404(Compound, compound_id)
    return jsonify({"buildings": _units_of(compound_id)})


@bp.post("/admin/users/<int:user_id>/grants")
@transaction(back=lambda user_id: url_for("accounts.user", user_id=user_id))
def grant(user_id: int):
    authorize(Ability.ADMIN)
    account = db.get_or_404(User, user_id)
    form = _grant_form()
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(url_for("accounts.user", user_id=account.id))
    role = Role(form.role.data)
    stray = form.stray_fields(role)
    if stray:
        flash(_("所选角色“%(role)s”不使用这些范围：%(fields)s。请只填写该角色的范围。", role=ROLE_LABELS[role],
                fields="、".join(stray)), "danger")
        return redirect(url_for("accounts.user", user_id=account.id))
    scope = form.scope_of(role)
    operations.grant_role(
        account, role,
        street_id=scope.get("officer_street_id"),
        community_id=scope.get("officer_community_id") or scope.get("mentor_community_id"),
        compound_id=scope.get("organiser_compound_id") or scope.get("owner_compound_id"),
        building_id=scope.get("owner_building_id"), unit_id=scope.get("owner_unit_id"),
        granted_by=current_user,
    )
    flash(_("已授予角色。"), "success")
    return redirect(url_for("accounts.user", user_id=account.id))


def _revoke_back(grant_id: int) -> str:
    grant_row = db.session.get(RoleGrant, grant_id)
    return url_for("accounts.user", user_id=grant_row.user_id) if grant_row else url_for("accounts.users")


@bp.post("/admin/grants/<int:grant_id>/revoke")
@transaction(back=_revoke_back)
def revoke(grant_id: int):
    authorize(Ability.ADMIN)
    grant_row = db.get_or_404(RoleGrant, grant_id)
    operations.revoke_role(grant_row)
    flash(_("已撤销角色。"), "success")
    return redirect(url_for("accounts.user", user_id=grant_row.user_id))
