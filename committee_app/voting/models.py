"""Votes of a general meeting, their candidates, voting codes, ballots and paper entries.

One ballot per voter per vote is a database constraint (``uq_ballot_vote_id``), not a
Python check. A ballot holds no name: the public ballot box shows it by the SHA-256 of
its receipt code. Paper ballots are entered twice (``PaperEntry`` slot 1 and 2) and only
matching entries become a ``Ballot``.
"""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..extensions import db

KINDS = ("election", "motion")
MATTERS = ("ordinary", "special")
SUBJECTS = {
    "committee": _l("选举业主委员会委员"),
    "covenant": _l("制定或修改管理规约"),
    "rules_of_procedure": _l("制定或修改业主大会议事规则"),
    "property_company": _l("选聘或解聘物业服务企业"),
    "maintenance_funds_use": _l("使用专项维修资金"),
    "maintenance_funds_raise": _l("筹集专项维修资金"),
    "rebuilding": _l("改建、重建建筑物及其附属设施"),
    "common_parts": _l("改变共有部分用途或利用共有部分从事经营活动"),
    "other": _l("其他共同决定事项"),
}  # labels; the matter of each, with its citation, is rule data (rules/data subjects, CC art 278)
STATES = ("draft", "open", "closed", "counted")
CHOICES = ("for", "against", "abstain")
CHANNELS = ("online_code", "online_account", "paper", "proxy")


class VoteStateError(ValueError):
    """An illegal state transition; the message is shown to the user."""


class Vote(db.Model):
    """A committee election or a motion put to one general meeting (业主大会)."""

    __tablename__ = "vote"

    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # election | motion
    subject: Mapped[str] = mapped_column(String(40), default="other")
    matter: Mapped[str] = mapped_column(String(20), default="ordinary")  # ordinary | special
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    seats: Mapped[int | None] = mapped_column(Integer)  # elections: vote for at most this many
    meeting_on: Mapped[date | None]
    opens_at: Mapped[datetime | None]  # planned, naive UTC
    closes_at: Mapped[datetime | None]
    state: Mapped[str] = mapped_column(String(20), default="draft")
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    counted_at: Mapped[datetime | None]
    is_by_election: Mapped[bool] = mapped_column(Boolean, default=False)  # 补选: fills vacancies
    close_reason: Mapped[str | None] = mapped_column(Text)  # why it closed before the announced end
    reopened_at: Mapped[datetime | None]
    reopen_reason: Mapped[str | None] = mapped_column(Text)
    opened_in_procedure: Mapped[bool | None] = mapped_column(Boolean)  # None until opened
    result: Mapped[dict | None] = mapped_column(JSON)  # the tally as counted (tally --json shape)
    result_notice_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id"))
    committee_installed_at: Mapped[datetime | None]
    # the roll version current when the vote opened: its count reads that version for ever
    roll_version_id: Mapped[int | None] = mapped_column(ForeignKey("roll_version.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    candidates: Mapped[list["Candidate"]] = relationship(
        back_populates="vote", order_by="Candidate.position, Candidate.id", cascade="all, delete-orphan")
    roll_version = relationship("RollVersion")

    @property
    def is_election(self) -> bool:
        return self.kind == "election"

    @property
    def subject_label(self) -> str:
        return str(SUBJECTS.get(self.subject, self.subject))

    def accepts_ballots_at(self, moment: datetime) -> bool:
        return (self.state == "open" and (self.opens_at is None or moment >= self.opens_at)
                and (self.closes_at is None or moment < self.closes_at))

    # guarded transitions: each refuses an illegal move
    def _move(self, allowed_from: str, to: str) -> None:
        if self.state != allowed_from:
            from flask_babel import gettext as _

            raise VoteStateError(_("表决当前状态为“%(state)s”，不能转为“%(to)s”。",
                                   state=STATE_LABELS[self.state], to=STATE_LABELS[to]))
        self.state = to

    def open(self, at: datetime) -> None:
        self._move("draft", "open")
        self.opened_at = at

    def close(self, at: datetime) -> None:
        self._move("open", "closed")
        self.closed_at = at

    def reopen(self, at: datetime) -> None:
        self._move("closed", "open")
        self.reopened_at = at
        self.closed_at = None

    @property
    def closed_early(self) -> bool:
        return bool(self.closed_at and self.closes_at and self.closed_at < self.closes_at)

    def mark_counted(self, at: datetime, result: dict) -> None:
        self._move("closed", "counted")
        self.counted_at = at
        self.result = result


STATE_LABELS = {"draft": _l("草稿"), "open": _l("投票中"), "closed": _l("已截止"), "counted": _l("已计票")}


class Candidate(db.Model):
    __tablename__ = "vote_candidate"
    __table_args__ = (UniqueConstraint("vote_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    statement: Mapped[str] = mapped_column(Text, default="")
    biography: Mapped[str] = mapped_column(Text, default="")
    voter_id: Mapped[int | None] = mapped_column(ForeignKey("voter.id"))
    nomination_id: Mapped[int | None] = mapped_column(Integer)
    is_party_member: Mapped[bool] = mapped_column(Boolean, default=False)
    is_write_in: Mapped[bool] = mapped_column(Boolean, default=False)  # 另选他人: named on ballots, not on the list
    position: Mapped[int] = mapped_column(Integer, default=0)

    vote: Mapped[Vote] = relationship(back_populates="candidates")


LETTER_KINDS = ("original", "reprint")


class LetterBatch(db.Model):
    """One printing of voter letters (each carries a voting code).

    Letters are issued once per voter (``original``); a lost letter is reprinted for
    that voter alone (``reprint``, with a reason), which voids only that voter's earlier
    code. A bulk reprint is possible only before the vote opens. ``number`` counts the
    vote's batches from 1 and is printed on each letter and in the ballot's audit entry.
    """

    __tablename__ = "letter_batch"
    __table_args__ = (UniqueConstraint("vote_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))  # original | reprint
    reason: Mapped[str] = mapped_column(Text, default="")  # required for a reprint
    voter_ids: Mapped[list] = mapped_column(JSON, default=list)  # whose letters were printed
    printed_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    printed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    printed_by_name: Mapped[str] = mapped_column(String(120), default="")

    @property
    def is_reprint(self) -> bool:
        return self.kind == "reprint"


class VotingCode(db.Model):
    """A single-use voting code of one voter for one vote, stored only as an HMAC.

    ``batch_id``: the letter batch that printed it (the ballot's audit entry names it).
    """

    __tablename__ = "voting_code"
    __table_args__ = (UniqueConstraint("vote_id", "voter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id", ondelete="CASCADE"), index=True)
    voter_id: Mapped[int] = mapped_column(ForeignKey("voter.id"))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    used_at: Mapped[datetime | None]
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("letter_batch.id", ondelete="CASCADE"), index=True)


class Ballot(db.Model):
    """One voter's ballot in one vote. No second ballot: unique (vote_id, voter_id)."""

    __tablename__ = "ballot"
    __table_args__ = (UniqueConstraint("vote_id", "voter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id"), index=True)
    voter_id: Mapped[int] = mapped_column(ForeignKey("voter.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20))  # online_code | online_account | paper | proxy
    choice: Mapped[str | None] = mapped_column(String(10))  # motions: for | against | abstain; None = blank
    is_blank: Mapped[bool] = mapped_column(Boolean, default=False)
    is_spoilt: Mapped[bool] = mapped_column(Boolean, default=False)
    receipt_hash: Mapped[str] = mapped_column(String(64), unique=True)
    proxy_name: Mapped[str | None] = mapped_column(String(120))
    proxy_document_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"))  # the authorisation (storage)
    cast_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    # online casts commit first and are appended to the audit chain right after, in batches
    # (operations.drain_ballot_audit); False until their audit entry is written
    is_audited: Mapped[bool] = mapped_column(Boolean, default=True, index=True)

    choices: Mapped[list["BallotChoice"]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class BallotChoice(db.Model):
    """A candidate marked on an election ballot (none for a spoilt ballot)."""

    __tablename__ = "ballot_choice"

    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballot.id", ondelete="CASCADE"), primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("vote_candidate.id"), primary_key=True, index=True)


class PaperEntry(db.Model):
    """One counter's entry of one returned paper ballot (slot 1 or 2)."""

    __tablename__ = "paper_entry"
    __table_args__ = (UniqueConstraint("vote_id", "voter_id", "slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id", ondelete="CASCADE"), index=True)
    voter_id: Mapped[int] = mapped_column(ForeignKey("voter.id"))
    slot: Mapped[int] = mapped_column(Integer)  # 1 or 2: the first and the second counter
    counter_name: Mapped[str] = mapped_column(String(120), default="")
    choice: Mapped[str | None] = mapped_column(String(10))
    candidate_ids: Mapped[list] = mapped_column(JSON, default=list)  # sorted
    is_spoilt: Mapped[bool] = mapped_column(Boolean, default=False)
    proxy_name: Mapped[str | None] = mapped_column(String(120))
    proxy_document_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"))
    source: Mapped[str] = mapped_column(String(120), default="页面录入")  # "页面录入" or "file.csv 第3行"
    entered_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    def content(self) -> tuple:
        """What two entries must agree on."""
        return (bool(self.is_spoilt), self.choice, tuple(sorted(self.candidate_ids or [])),
                (self.proxy_name or "").strip())
