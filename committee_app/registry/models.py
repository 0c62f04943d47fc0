from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Numeric, String, UniqueConstraint
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

    ``key`` is stable across roll re-imports (owner_ref, or the unit, or 'developer').
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


class RollImport(db.Model):
    """A successful roll import: what was loaded, when and by whom."""

    __tablename__ = "roll_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    imported_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    units: Mapped[int]
    voters: Mapped[int]
    area: Mapped[Decimal] = mapped_column(AREA)
    published_on: Mapped[date | None]
