"""Nominations, eligibility vetting and the candidate list (C4)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..extensions import db



def _l(text: str) -> str:
    """Marks a label for the translation extractor; pages translate it with ``_()`` where
    shown, while notices and PDFs keep the Chinese text."""
    return text


CHANNEL_LABELS = {
    "self": _l("本人自荐"),
    "joint": _l("业主联名推荐"),
    "party": _l("社区党组织推荐"),
    "community": _l("社区（居委会）推荐"),
}
CHECK_LABELS = {"met": _l("符合"), "not_met": _l("不符合"), "not_applicable": _l("不适用")}
STATE_LABELS = {
    "none": _l("尚未开始"),
    "collecting": _l("收集推荐中"),
    "vetting": _l("资格审查中"),
    "posted": _l("名单公示中"),
    "final": _l("名单已确定"),
}


class CandidateList(db.Model):
    """One round of nominations for a compound's committee election.

    Its ``state`` follows the dates recorded: collecting → vetting (nominations closed)
    → posted (candidate list notice on the board) → final (objection period over and
    every objection answered). The latest list of a compound is its current one.
    """

    __tablename__ = "candidate_list"

    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"), index=True)
    seats: Mapped[int]
    opened_on: Mapped[date]
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    nomination_notice_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id"))
    closed_on: Mapped[date | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    vetted_on: Mapped[date | None]
    vetted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    posted_on: Mapped[date | None]
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id"))
    objection_ends_on: Mapped[date | None]
    finalised_on: Mapped[date | None]
    finalised_at: Mapped[datetime | None]
    finalised_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    final_notice_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id"))

    nominations: Mapped[list["Nomination"]] = relationship(back_populates="candidate_list",
                                                           order_by="Nomination.id")
    rounds: Mapped[list["VettingRound"]] = relationship(order_by="VettingRound.number")
    objections: Mapped[list["Objection"]] = relationship(order_by="Objection.id")

    @property
    def state(self) -> str:
        if self.finalised_at is not None:
            return "final"
        if self.posted_on is not None:
            return "posted"
        if self.closed_on is not None:
            return "vetting"
        return "collecting"


class Nomination(db.Model):
    """A nominee (an owner on the roll) put forward through one channel."""

    __tablename__ = "nomination"
    # One standing nomination per voter and list, kept by the database too.
    __table_args__ = (Index("uq_nomination_active_voter", "candidate_list_id", "voter_id", unique=True,
                            sqlite_where=text("withdrawn_on IS NULL"), postgresql_where=text("withdrawn_on IS NULL")),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_list_id: Mapped[int] = mapped_column(ForeignKey("candidate_list.id"), index=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"), index=True)
    voter_id: Mapped[int] = mapped_column(ForeignKey("voter.id"), index=True)
    nominee_name: Mapped[str] = mapped_column(String(120))  # the person, as named on the roll
    units_label: Mapped[str] = mapped_column(String(255), default="")
    channel: Mapped[str] = mapped_column(String(20))  # self | joint | party | community
    recommended_by: Mapped[str | None] = mapped_column(String(255))  # the organisation, for party/community
    is_paper_form: Mapped[bool] = mapped_column(default=False)  # entered by an organiser from a paper form
    is_party_member: Mapped[bool] = mapped_column(default=False)
    statement: Mapped[str] = mapped_column(Text, default="")
    biography: Mapped[str] = mapped_column(Text, default="")
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    entered_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    withdrawn_on: Mapped[date | None]
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    candidate_list: Mapped[CandidateList] = relationship(back_populates="nominations")
    voter = relationship("Voter")
    entered_by = relationship("User", foreign_keys=[entered_by_id])
    withdrawn_by = relationship("User", foreign_keys=[withdrawn_by_id])
    cosigners: Mapped[list["Cosigner"]] = relationship(back_populates="nomination", order_by="Cosigner.id",
                                                       cascade="all, delete-orphan")
    documents: Mapped[list["NominationDocument"]] = relationship(order_by="NominationDocument.id")
    checks: Mapped[list["EligibilityCheck"]] = relationship(order_by="EligibilityCheck.id")

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_on is not None

    @property
    def channel_label(self) -> str:
        return CHANNEL_LABELS.get(self.channel, self.channel)


class Cosigner(db.Model):
    """An owner who signed a joint nomination; one voter signs a nomination once."""

    __tablename__ = "nomination_cosigner"
    __table_args__ = (UniqueConstraint("nomination_id", "voter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id", ondelete="CASCADE"), index=True)
    voter_id: Mapped[int] = mapped_column(ForeignKey("voter.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    units_label: Mapped[str] = mapped_column(String(255), default="")

    nomination: Mapped[Nomination] = relationship(back_populates="cosigners")


class NominationDocument(db.Model):
    """A supporting document (PDF, JPEG or PNG); its bytes are a stored file (storage)."""

    __tablename__ = "nomination_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    stored_file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id"), unique=True)
    content_type: Mapped[str] = mapped_column(String(60))
    size: Mapped[int]
    uploaded_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class EligibilityCheck(db.Model):
    """One vetting item for one candidate: met / not met / not applicable, why, and who said so."""

    __tablename__ = "eligibility_check"
    __table_args__ = (UniqueConstraint("nomination_id", "condition_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id"), index=True)
    condition_key: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(20))  # met | not_met | not_applicable
    note: Mapped[str] = mapped_column(Text, default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reviewed_at: Mapped[datetime] = mapped_column(default=clock.utcnow)

    reviewed_by = relationship("User")


class VettingRound(db.Model):
    """A review session of the 三审 practice: who vetted, when, with what result."""

    __tablename__ = "vetting_round"
    __table_args__ = (UniqueConstraint("candidate_list_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_list_id: Mapped[int] = mapped_column(ForeignKey("candidate_list.id"), index=True)
    number: Mapped[int]
    vetted_on: Mapped[date]
    reviewers: Mapped[str] = mapped_column(String(255))  # e.g. 换届小组、社区、派出所
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=clock.utcnow)

    recorded_by = relationship("User")


class Objection(db.Model):
    """An owner's objection to the posted candidate list, tied to their voter record."""

    __tablename__ = "candidate_objection"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_list_id: Mapped[int] = mapped_column(ForeignKey("candidate_list.id"), index=True)
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nomination.id"))
    voter_id: Mapped[int] = mapped_column(ForeignKey("voter.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    lodged_on: Mapped[date]
    lodged_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    lodged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    answer: Mapped[str | None] = mapped_column(Text)
    is_upheld: Mapped[bool | None]
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    voter = relationship("Voter")
    nomination = relationship("Nomination")
    answered_by = relationship("User", foreign_keys=[answered_by_id])

    @property
    def is_answered(self) -> bool:
        return self.answer is not None
