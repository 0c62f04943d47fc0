from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..extensions import db

AREA = Numeric(14, 2)


class Street(db.Model):
    __tablename__ = "street"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    district: Mapped[str | None] = mapped_column(String(120))

    communities: Mapped[list["Community"]] = relationship(back_populates="street", order_by="Community.name")


class Community(db.Model):
    __tablename__ = "community"
    __table_args__ = (UniqueConstraint("street_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("street.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))

    street: Mapped[Street] = relationship(back_populates="communities")
    compounds: Mapped[list["Compound"]] = relationship(back_populates="community", order_by="Compound.name")


class Compound(db.Model):
    """A residential compound (小区): the unit in which owners vote."""

    __tablename__ = "compound"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"), index=True)
    address: Mapped[str | None] = mapped_column(String(255))
    rule_set: Mapped[str] = mapped_column(String(60), default="sichuan-chengdu")
    # per-compound values of the rule set's settings, {setting key: value}; audited on change
    setting_overrides: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=clock.utcnow)

    community: Mapped[Community | None] = relationship(back_populates="compounds")
    buildings: Mapped[list["Building"]] = relationship(back_populates="compound", order_by="Building.name")


class Building(db.Model):
    __tablename__ = "building"
    __table_args__ = (UniqueConstraint("compound_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))

    compound: Mapped[Compound] = relationship(back_populates="buildings")


class Voter(db.Model):
    """One counting person (SPC art 9): a buyer with all their units, a co-owned unit,
    or the developer's unsold and undelivered stock. Headcount weight 1; area weight
    the sum of their units (``area``), of which ``parking_area`` is parking spaces.

    ``key`` is stable across roll re-imports (owner_ref, or the unit, or 'developer'), and so
    is the row: a voter keeps its id in every version of the roll. A voter who leaves the roll
    is kept (``is_on_roll`` false), because the versions and votes of the past still name them;
    the current roll is the voters with ``is_on_roll``. What a voter weighed in one version is
    in :class:`RollEntry`.
    """

    __tablename__ = "voter"
    __table_args__ = (UniqueConstraint("compound_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"), index=True)
    key: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))  # owner | co_owned | developer
    display_name: Mapped[str] = mapped_column(String(255))
    unit_count: Mapped[int]
    area: Mapped[Decimal] = mapped_column(AREA)
    parking_area: Mapped[Decimal] = mapped_column(AREA, default=Decimal("0.00"))
    phone: Mapped[str | None] = mapped_column(String(40))
    is_on_roll: Mapped[bool] = mapped_column(default=True, server_default=text("true"))

    compound: Mapped[Compound] = relationship()
    units: Mapped[list["Unit"]] = relationship(back_populates="voter", order_by="Unit.sort_key")
    owners: Mapped[list["Owner"]] = relationship(back_populates="voter", cascade="all, delete-orphan")

    def weight_area(self, parking_counts: bool) -> Decimal:
        return self.area if parking_counts else self.area - self.parking_area


class Owner(db.Model):
    """A named person on the roll. Co-owners of one unit are several owners of one voter."""

    __tablename__ = "owner"

    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"), index=True)
    voter_id: Mapped[int] = mapped_column(ForeignKey("voter.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))

    voter: Mapped[Voter] = relationship(back_populates="owners")


class Unit(db.Model):
    """An exclusive part (专有部分) with its exact area in m²."""

    __tablename__ = "unit"
    __table_args__ = (UniqueConstraint("building_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"), index=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"), index=True)
    number: Mapped[str] = mapped_column(String(60))
    sort_key: Mapped[str] = mapped_column(String(140))
    area: Mapped[Decimal] = mapped_column(AREA)
    is_sold: Mapped[bool] = mapped_column(default=True)
    is_parking: Mapped[bool] = mapped_column(default=False)
    voter_id: Mapped[int] = mapped_column(ForeignKey("voter.id"), index=True)

    building: Mapped[Building] = relationship()
    voter: Mapped[Voter] = relationship(back_populates="units")

    @property
    def label(self) -> str:
        return f"{self.building.name}-{self.number}"


ROLL_VERSION_STATES = ("pending", "current", "superseded", "cancelled")


class RollVersion(db.Model):
    """One version of a compound's owner roll: a file, previewed, then confirmed or cancelled.

    An upload is ``pending`` (its file kept in ``stored_file``, its difference from the
    current version and its warnings computed) until the organiser confirms it: it then
    gets the next ``number`` and becomes ``current``; the version before it becomes
    ``superseded``. Nothing of a confirmed version changes afterwards: a vote counts against
    the version that was current when it opened (``vote.roll_version_id``).
    """

    __tablename__ = "roll_version"
    __table_args__ = (
        UniqueConstraint("compound_id", "number"),
        Index("uq_roll_version_current", "compound_id", unique=True,
              sqlite_where=text("state = 'current'"), postgresql_where=text("state = 'current'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"), index=True)
    number: Mapped[int | None]  # 1, 2, … given on confirmation
    state: Mapped[str] = mapped_column(String(20), default="pending")
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    stored_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"))
    # the current version the difference was computed against (None for the first roll)
    base_version_id: Mapped[int | None] = mapped_column(ForeignKey("roll_version.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_by_name: Mapped[str | None] = mapped_column(String(120))
    confirmed_at: Mapped[datetime | None]
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    confirmed_by_name: Mapped[str | None] = mapped_column(String(120))
    units: Mapped[int]
    voters: Mapped[int]
    area: Mapped[Decimal] = mapped_column(AREA)
    parking_area: Mapped[Decimal] = mapped_column(AREA, default=Decimal("0.00"))
    # {"joins": {"count": n, "items": [...]}, "leaves": …, "area_changes": …, "owner_changes": …,
    #  "before": {"voters", "units", "area"}}; items capped (see operations.DIFF_ITEMS)
    diff: Mapped[dict] = mapped_column(JSON, default=dict)
    # {"count": n, "items": [{"zh": str, "en": str}]}: shared names or phones without owner_ref
    warnings: Mapped[dict] = mapped_column(JSON, default=dict)

    @property
    def is_pending(self) -> bool:
        return self.state == "pending"


class RollEntry(db.Model):
    """One voter as they stand in one version of the roll: kept for ever, read by the count
    of every vote that opened on that version and by that version's roll notice."""

    __tablename__ = "roll_entry"
    __table_args__ = (UniqueConstraint("roll_version_id", "voter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    roll_version_id: Mapped[int] = mapped_column(ForeignKey("roll_version.id"), index=True)
    voter_id: Mapped[int] = mapped_column(ForeignKey("voter.id"), index=True)
    key: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))
    display_name: Mapped[str] = mapped_column(String(255))
    unit_count: Mapped[int]
    area: Mapped[Decimal] = mapped_column(AREA)
    parking_area: Mapped[Decimal] = mapped_column(AREA, default=Decimal("0.00"))
    units: Mapped[list] = mapped_column(JSON, default=list)  # [[building, number], …] in roll order
    sort_key: Mapped[str] = mapped_column(String(140), default="")

    @property
    def unit_labels(self) -> list[str]:
        return [f"{building}-{number}" for building, number in self.units or []]
