from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from .. import clock
from ..extensions import db

NOTICE_KINDS = {
    "roll_notice": _l("业主名册公示"),
    "group_members": _l("筹备组/换届小组成员公示"),
    "meeting_notice": _l("业主大会会议通知"),
    "nomination_notice": _l("候选人条件和推荐办法公告"),
    "candidate_list": _l("候选人名单公示"),
    "result_notice": _l("表决结果公告"),
    "committee_decision": _l("业委会决定公告"),
    "proposal_decision": _l("议题答复公告"),
    "other": _l("公告"),
}


class Notice(db.Model):
    """A notice posted on a compound's public board.

    A posted notice is never edited: a correction posts a new notice that supersedes
    it, and the old one shows the reason. The notice is up from ``posted_on``; its publicity
    period is counted from the next day (CC art 201) and ends at 24:00 on ``publicity_ends_on``.
    """

    __tablename__ = "notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text, default="")
    posted_on: Mapped[date]
    publicity_ends_on: Mapped[date | None]
    citations: Mapped[list] = mapped_column(JSON, default=list)
    # where it came from, e.g. ("procedure_step", 12) — lets a feature find its notices
    source_type: Mapped[str | None] = mapped_column(String(40))
    source_id: Mapped[int | None]
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    posted_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    posted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id"))
    superseded_reason: Mapped[str | None] = mapped_column(Text)

    superseded_by: Mapped["Notice | None"] = relationship(remote_side=[id])

    @property
    def is_current(self) -> bool:
        return self.superseded_by_id is None

    @property
    def kind_label(self) -> str:
        return NOTICE_KINDS.get(self.kind, self.kind)

    def is_in_publicity(self, today: date) -> bool:
        return self.publicity_ends_on is not None and self.posted_on <= today <= self.publicity_ends_on
