from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from ..extensions import db
from ..policy import Ability, authorize
from ..registry.models import Community, Compound, Street
from ..web.safe_redirect import safe_next
from ..web.transaction import transaction
from ..web.views import flash_errors
from . import operations, throttle
from .forms import ROLE_LABELS, GrantForm, LoginForm, UserForm
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


def _grant_form() -> GrantForm:
    form = GrantForm()
    none = [(0, "—")]
    form.street_id.choices = none + [(s.id, s.name) for s in db.session.scalars(select(Street).order_by(Street.name))]
    form.community_id.choices = none + [(c.id, c.name) for c in db.session.scalars(select(Community).order_by(Community.name))]
    form.compound_id.choices = none + [(c.id, c.name) for c in db.session.scalars(select(Compound).order_by(Compound.name))]
    return form


@bp.get("/admin/users/<int:user_id>")
def user(user_id: int):
    authorize(Ability.ADMIN)
    account = db.get_or_404(User, user_id)
    history = db.session.scalars(
        select(RoleGrant).where(RoleGrant.user_id == account.id).order_by(RoleGrant.granted_at.desc())
    ).all()
    return render_template("accounts/user.html", account=account, history=history, form=_grant_form(),
                           role_labels=ROLE_LABELS)


@bp.post("/admin/users/<int:user_id>/grants")
@transaction(back=lambda user_id: url_for("accounts.user", user_id=user_id))
def grant(user_id: int):
    authorize(Ability.ADMIN)
    account = db.get_or_404(User, user_id)
    form = _grant_form()
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(url_for("accounts.user", user_id=account.id))
    operations.grant_role(
        account, Role(form.role.data), street_id=form.street_id.data or None,
        community_id=form.community_id.data or None, compound_id=form.compound_id.data or None,
        voter_key=(form.voter_key.data or "").strip() or None, granted_by=current_user,
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
