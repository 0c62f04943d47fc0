from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..extensions import db

MEMBER_ROLES = ("chair", "vice_chair", "member")
ROLE_LABELS = {"chair": "主任", "vice_chair": "副主任", "member": "委员"}
ROLE_ORDER = {role: index for index, role in enumerate(MEMBER_ROLES)}


class Committee(db.Model):
    """One term of a compound's owners' committee (业主委员会).

    ``term_ends_on`` is the last day of the term. At most one committee per compound is
    current; the database enforces it with a partial unique index.
    """

    __tablename__ = "committee"
    __table_args__ = (
        Index("uq_committee_current_compound", "compound_id", unique=True,
              sqlite_where=text("is_current"), postgresql_where=text("is_current")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"), index=True)
    elected_on: Mapped[date]
    term_starts_on: Mapped[date]
    term_ends_on: Mapped[date]
    is_current: Mapped[bool] = mapped_column(default=True)
    filed_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    members: Mapped[list["CommitteeMember"]] = relationship(
        back_populates="committee", order_by="CommitteeMember.id", cascade="all, delete-orphan")

    def members_on(self, day: date) -> list["CommitteeMember"]:
        """Members in office on ``day``, chair first."""
        return sorted((m for m in self.members if m.is_member_on(day)),
                      key=lambda m: (ROLE_ORDER.get(m.role, 9), m.id or 0))

    @property
    def active_members(self) -> list["CommitteeMember"]:
        today = clock.today()
        return sorted((m for m in self.members if m.left_on is None or m.left_on > today),
                      key=lambda m: (ROLE_ORDER.get(m.role, 9), m.id or 0))


class CommitteeMember(db.Model):
    """A member of one committee term. ``voter_id`` links to the roll when known;
    ``user_id`` to an account when the member signs in."""

    __tablename__ = "committee_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    voter_id: Mapped[int | None] = mapped_column(ForeignKey("voter.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    role: Mapped[str] = mapped_column(String(20), default="member")
    joined_on: Mapped[date]
    left_on: Mapped[date | None]

    committee: Mapped[Committee] = relationship(back_populates="members")
    voter = relationship("Voter")

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    def is_member_on(self, day: date) -> bool:
        return self.joined_on <= day and (self.left_on is None or day < self.left_on)
