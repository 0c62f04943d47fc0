"""Account operations: fill models, flush, write the audit log. Never commit."""
from __future__ import annotations

import secrets
from functools import lru_cache

from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash
from sqlalchemy import func, select

from .. import clock
from ..audit.operations import record
from ..extensions import db
from .models import LoginAttempt, Role, RoleGrant, User


class AccountError(ValueError):
    """A refused account operation; the message is shown to the user."""


def create_user(username: str, display_name: str, password: str) -> User:
    if db.session.scalar(select(User.id).where(func.lower(User.username) == username.lower())):
        raise AccountError(_("用户名 %(name)s 已被使用。", name=username))
    user = User(username=username, display_name=display_name)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record("user.create", user, after={"username": username, "display_name": display_name})
    return user


def grant_role(user: User, role: Role, *, street_id=None, community_id=None, compound_id=None,
               voter_key=None, unit_id=None, building_id=None, granted_by: User | None = None) -> RoleGrant:
    """Grant ``role`` with its scope. An owner is named by a unit on the compound's roll
    (``unit_id``, optionally checked against ``building_id``) or by the voter's key (CLI, seed).
    Every id must exist and belong where the form said; a refusal changes nothing."""
    from ..registry.models import Building, Community, Compound, Street, Unit, Voter

    for model, value, message in ((Street, street_id, _("所选的街道不存在。")),
                                  (Community, community_id, _("所选的社区不存在。")),
                                  (Compound, compound_id, _("所选的小区不存在。"))):
        if value and db.session.get(model, value) is None:
            raise AccountError(message)
    if role == Role.OWNER and (unit_id or building_id):
        unit = db.session.get(Unit, unit_id) if unit_id else None
        if unit is None:
            raise AccountError(_("请从名册中选择业主的房号。") if not unit_id else _("所选的房号不存在。"))
        if unit.compound_id != compound_id:
            raise AccountError(_("所选的房号不属于所选的小区。"))
        building = db.session.get(Building, building_id) if building_id else None
        if building_id and (building is None or building.id != unit.building_id):
            raise AccountError(_("所选的房号不在所选的楼栋。"))
        voter_key = db.session.get(Voter, unit.voter_id).key
    required = {
        Role.ADMIN: (),
        Role.STREET_OFFICER: ("street_id|community_id",),
        Role.MENTOR: ("community_id",),
        Role.ORGANISER: ("compound_id",),
        Role.OWNER: ("compound_id", "voter_key"),
    }[role]
    scope_words = {"street_id|community_id": _("街道或社区"), "community_id": _("社区"), "compound_id": _("小区"),
                   "voter_key": _("业主的楼栋和房号")}
    given = {"street_id": street_id, "community_id": community_id, "compound_id": compound_id, "voter_key": voter_key}
    for need in required:
        if not any(given[name] for name in need.split("|")):
            raise AccountError(_("此角色需要指定范围：%(scope)s。", scope=scope_words[need]))
    if role == Role.OWNER:
        from ..registry.models import Voter

        if not db.session.scalar(select(Voter.id).where(Voter.compound_id == compound_id, Voter.key == voter_key,
                                                        Voter.is_on_roll)):
            if unit_id:
                raise AccountError(_("所选房号的业主不在当前名册中。"))
            raise AccountError(_("该小区名册中没有表决权人编号 %(key)s。", key=voter_key))
    scoped = {name: value for name, value in given.items() if name in "|".join(required) and value}
    grant = RoleGrant(user_id=user.id, role=role.value, granted_by_id=getattr(granted_by, "id", None), **scoped)
    db.session.add(grant)
    db.session.flush()
    record("role.grant", grant, after={"user": user.username, "role": role.value, **scoped},
           compound_id=scoped.get("compound_id"))
    db.session.expire(user, ["grants"])
    return grant


def revoke_role(grant: RoleGrant) -> None:
    if grant.revoked_at is not None:
        raise AccountError(_("该角色已被撤销。"))
    grant.revoked_at = clock.utcnow()
    db.session.flush()
    record("role.revoke", grant, before={"user": grant.user.username, "role": grant.role}, compound_id=grant.compound_id)
    db.session.expire(grant.user, ["grants"])


@lru_cache(maxsize=4)
def _dummy_hash_for(method: str) -> str:
    return generate_password_hash(secrets.token_hex(16), method=method)


def _dummy_hash() -> str:
    return _dummy_hash_for(current_app.config.get("PASSWORD_HASH_METHOD", "scrypt"))


def end_sessions(user: User) -> None:
    """Every session cookie of ``user`` issued so far stops working (logout, password change)."""
    user.session_generation = (user.session_generation or 0) + 1
    db.session.flush()


def authenticate(username: str, password: str, remote_addr: str | None) -> User | None:
    user = db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
    # An unknown name costs the same hash check as a known one: the answer's timing tells nothing.
    matches = user.check_password(password) if user is not None else check_password_hash(_dummy_hash(), password)
    ok = bool(user is not None and matches and user.is_enabled)
    db.session.add(LoginAttempt(username=username.lower(), remote_addr=remote_addr, succeeded=ok))
    if ok:
        record("user.login", user, actor=user)
    db.session.flush()
    return user if ok else None
