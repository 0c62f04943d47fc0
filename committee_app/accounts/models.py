from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .. import clock
from ..extensions import db


class Role(StrEnum):
    ADMIN = "admin"
    STREET_OFFICER = "street_officer"
    MENTOR = "mentor"
    ORGANISER = "organiser"
    OWNER = "owner"


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_enabled: Mapped[bool] = mapped_column(default=True)
    # Raised at logout: session cookies carry the generation they were issued under, so a
    # cookie copied before the logout no longer loads the user (see get_id / user_loader).
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=clock.utcnow)

    grants: Mapped[list["RoleGrant"]] = relationship(
        primaryjoin="and_(User.id == RoleGrant.user_id, RoleGrant.revoked_at.is_(None))",
        viewonly=True, lazy="selectin",
    )

    def set_password(self, password: str) -> None:
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:  # Flask-Login: what the session cookie holds
        return f"{self.id}.{self.session_generation or 0}"

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.is_enabled

    @property
    def roles(self) -> set[Role]:
        return {Role(grant.role) for grant in self.grants}


class RoleGrant(db.Model):
    """A role with its scope. Revoking sets ``revoked_at``; grants are never deleted.

    Scope by role: street officer → ``street_id`` or ``community_id``; mentor →
    ``community_id`` (the community's workshop); organiser → ``compound_id``;
    owner → ``compound_id`` and ``voter_key`` (their voter record, stable across
    roll re-imports); admin → none.
    """

    __tablename__ = "role_grant"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    street_id: Mapped[int | None] = mapped_column(ForeignKey("street.id"))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"))
    compound_id: Mapped[int | None] = mapped_column(ForeignKey("compound.id"))
    voter_key: Mapped[str | None] = mapped_column(String(120))
    granted_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    street = relationship("Street")
    community = relationship("Community")
    compound = relationship("Compound")

    def owner_label(self) -> str:
        """An owner's scope in words: the units on the roll and the voter's name, never the key."""
        from ..registry.models import Voter

        voter = db.session.scalar(select(Voter).where(Voter.compound_id == self.compound_id,
                                                      Voter.key == self.voter_key))
        if voter is None:
            return "—"
        units = "、".join(unit.label for unit in voter.units)
        return f"{units}（{voter.display_name}）" if units else voter.display_name

    def scope_label(self) -> str:
        if self.compound is not None:
            label = self.compound.name
            return f"{label} · {self.owner_label()}" if self.voter_key else label
        if self.community is not None:
            return self.community.name
        if self.street is not None:
            return self.street.name
        return "—"


class LoginAttempt(db.Model):
    """Failed and successful logins, used to throttle guessing per user name."""

    __tablename__ = "login_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), index=True)
    remote_addr: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=clock.utcnow, index=True)
    succeeded: Mapped[bool]
