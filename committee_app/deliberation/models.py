from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..extensions import db

OPEN, CLOSED = "open", "closed"
# motion states: moved -> open (seconded) -> decided; moved -> lapsed (no seconder)
MOVED, DEBATE, DECIDED, LAPSED = "moved", "open", "decided", "lapsed"
QUEUED, SPEAKING, DONE, WITHDRAWN = "queued", "speaking", "done", "withdrawn"


class DeliberationSession(db.Model):
    """One sitting of a body that deliberates: the committee, a 议事会 or an owners' consultation."""

    __tablename__ = "deliberation_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"), index=True)
    body: Mapped[str] = mapped_column(String(20))  # a key of bodies in rules/data/deliberation.yaml
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date]
    place: Mapped[str] = mapped_column(String(200), default="")
    chair_name: Mapped[str] = mapped_column(String(120))
    member_count: Mapped[int] = mapped_column(Integer)
    present_names: Mapped[list] = mapped_column(JSON, default=list)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("committee_meeting.id"), index=True)
    state: Mapped[str] = mapped_column(String(10), default=OPEN)
    minutes_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    closed_at: Mapped[datetime | None]

    compound = relationship("Compound")
    meeting = relationship("CommitteeMeeting")
    motions: Mapped[list["DeliberationMotion"]] = relationship(
        back_populates="session", order_by="DeliberationMotion.position", cascade="all, delete-orphan")

    @property
    def present_count(self) -> int:
        return len(self.present_names or [])

    @property
    def is_open(self) -> bool:
        return self.state == OPEN


class DeliberationMotion(db.Model):
    """A motion or an amendment (``parent_id`` set) put to the body."""

    __tablename__ = "deliberation_motion"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("deliberation_session.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("deliberation_motion.id"), index=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    original_text: Mapped[str] = mapped_column(Text)
    moved_by: Mapped[str] = mapped_column(String(120))
    seconded_by: Mapped[str | None] = mapped_column(String(120))
    state: Mapped[str] = mapped_column(String(10), default=MOVED)
    votes_for: Mapped[int | None]
    votes_against: Mapped[int | None]
    votes_abstain: Mapped[int | None]
    outcome: Mapped[str | None] = mapped_column(String(12))  # passed | failed | no_quorum
    decided_at: Mapped[datetime | None]

    session: Mapped[DeliberationSession] = relationship(back_populates="motions")
    parent: Mapped["DeliberationMotion | None"] = relationship(remote_side="DeliberationMotion.id")
    floor: Mapped[list["FloorRequest"]] = relationship(
        back_populates="motion", order_by="FloorRequest.id", cascade="all, delete-orphan")

    @property
    def is_amendment(self) -> bool:
        return self.parent_id is not None

    @property
    def depth(self) -> int:
        depth, motion = 0, self
        while motion.parent is not None:
            depth, motion = depth + 1, motion.parent
        return depth

    @property
    def is_pending(self) -> bool:
        return self.state in (MOVED, DEBATE)


class FloorRequest(db.Model):
    """A request for the floor on a motion; once given, the speech it became."""

    __tablename__ = "deliberation_floor"

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("deliberation_motion.id", ondelete="CASCADE"), index=True)
    speaker: Mapped[str] = mapped_column(String(120))
    side: Mapped[str] = mapped_column(String(10))  # for | against
    state: Mapped[str] = mapped_column(String(10), default=QUEUED)
    requested_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    seconds: Mapped[int | None]
    is_over_time: Mapped[bool] = mapped_column(default=False)
    summary: Mapped[str] = mapped_column(Text, default="")

    motion: Mapped[DeliberationMotion] = relationship(back_populates="floor")


class PointRate(db.Model):
    """How many points one kind of participation earns in a community, from a date.

    Never edited: a change is a new row, so the table's history stays readable."""

    __tablename__ = "point_rate"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    activity: Mapped[str] = mapped_column(String(40))
    points: Mapped[int] = mapped_column(Integer)
    valid_from: Mapped[date]
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    created_by: Mapped[str] = mapped_column(String(120))


class PointEntry(db.Model):
    """One line of a person's participation ledger: an award, an exchange at the points
    supermarket (negative) or an adjustment with its reason. Never edited in place."""

    __tablename__ = "point_entry"
    __table_args__ = (UniqueConstraint("community_id", "person", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    person: Mapped[str] = mapped_column(String(120), index=True)
    compound_id: Mapped[int | None] = mapped_column(ForeignKey("compound.id"))
    kind: Mapped[str] = mapped_column(String(12))  # award | exchange | adjustment
    activity: Mapped[str | None] = mapped_column(String(40))
    points: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str | None] = mapped_column(String(80))  # what earned it, e.g. "workshop_event:12"
    earned_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    created_by: Mapped[str] = mapped_column(String(120))


class AwardCategory(db.Model):
    """A recognition category the community sets for a year (优秀志愿者, 社区好人, …)."""

    __tablename__ = "award_category"
    __table_args__ = (UniqueConstraint("community_id", "year", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=clock.utcnow)

    nominations: Mapped[list["AwardNomination"]] = relationship(
        back_populates="category", order_by="AwardNomination.id", cascade="all, delete-orphan")


NOMINATION_CHANNELS = ("self", "resident", "organisation")  # 自我推荐、居民推荐、组织推荐 (the seed's three)


class AwardNomination(db.Model):
    """A person or team put forward for a category, through one of the three channels, and its review."""

    __tablename__ = "award_nomination"
    __table_args__ = (UniqueConstraint("category_id", "nominee"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("award_category.id", ondelete="CASCADE"), index=True)
    nominee: Mapped[str] = mapped_column(String(120))
    compound_id: Mapped[int | None] = mapped_column(ForeignKey("compound.id"))
    channel: Mapped[str] = mapped_column(String(12))
    nominated_by: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10), default="nominated")  # nominated | accepted | declined
    review_note: Mapped[str] = mapped_column(Text, default="")
    reviewed_by: Mapped[str | None] = mapped_column(String(120))
    reviewed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=clock.utcnow)

    category: Mapped[AwardCategory] = relationship(back_populates="nominations")
    compound = relationship("Compound")


class RecognitionList(db.Model):
    """A community's published list of the year's recognised people and teams."""

    __tablename__ = "recognition_list"
    __table_args__ = (UniqueConstraint("community_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    published_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    published_by: Mapped[str] = mapped_column(String(120))


class Consultation(db.Model):
    """An online consultation of a compound's owners between meetings: a question, options or free
    comments, a closing date, and the committee's published summary and answer."""

    __tablename__ = "consultation"

    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    question: Mapped[str] = mapped_column(Text)
    options: Mapped[list] = mapped_column(JSON, default=list)  # empty: free comments only
    closes_on: Mapped[date]
    summary: Mapped[str | None] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    voices: Mapped[list["ConsultationVoice"]] = relationship(
        back_populates="consultation", order_by="ConsultationVoice.id", cascade="all, delete-orphan")

    def is_open_on(self, today: date) -> bool:
        return self.published_at is None and today <= self.closes_on


class ConsultationVoice(db.Model):
    """One owner's (voter's) voice: an option and/or a comment. One per voter, enforced by the database."""

    __tablename__ = "consultation_voice"
    __table_args__ = (UniqueConstraint("consultation_id", "voter_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    voter_key: Mapped[str] = mapped_column(String(120))
    display_name: Mapped[str] = mapped_column(String(120))
    option: Mapped[str | None] = mapped_column(String(200))
    comment: Mapped[str] = mapped_column(Text, default="")
    is_hidden: Mapped[bool] = mapped_column(default=False)
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    hidden_by: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=clock.utcnow)

    consultation: Mapped[Consultation] = relationship(back_populates="voices")
