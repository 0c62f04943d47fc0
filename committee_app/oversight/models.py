"""What the street office recorded about a finding: handled, with a note, by whom and when.

A finding is computed, never stored (:mod:`.checkers`); a handling names the finding it is about by
the check, the record it concerns (``subject``, e.g. ``committee:3``) and a fingerprint of the facts
it was computed from (:func:`.handling.fingerprint`). When those facts change, the fingerprint
changes and the finding shows again as open: a new occurrence is never hidden by an old note.

Nothing is deleted: re-opening sets ``reopened_at``/``reopened_by_id``; a handling counts while
``reopened_at`` is empty.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..extensions import db

NOTE_MAX = 2000


class FindingHandling(db.Model):
    __tablename__ = "finding_handling"
    __table_args__ = (Index("ix_finding_handling_compound_open", "compound_id", "reopened_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"))  # indexed with reopened_at
    check_key: Mapped[str] = mapped_column(String(80), info={"label": "检查项"})
    subject: Mapped[str] = mapped_column(String(120), info={"label": "记录"})
    fingerprint: Mapped[str] = mapped_column(String(64), info={"label": "指纹"})
    note: Mapped[str] = mapped_column(Text, info={"label": "处理说明"})
    handled_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    handled_on: Mapped[date]  # Asia/Shanghai date
    created_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    reopened_at: Mapped[datetime | None]
    reopened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    handled_by = relationship("User", foreign_keys=[handled_by_id])

    @property
    def is_open(self) -> bool:
        """Whether the handling still stands (not re-opened)."""
        return self.reopened_at is None
