"""Registry operations: compounds and the owner roll. They flush and audit; never commit."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from ..audit.operations import record
from ..extensions import db
from ..features import hooks
from .models import Building, Community, Compound, Owner, RollImport, Street, Unit, Voter
from .rollfile import RollError, parse_roll_file
from .voters import derive_voters


class RegistryError(ValueError):
    """A refused registry operation; the message is shown to the user as it is."""


class RollRejected(RegistryError):
    """A roll file with errors: nothing was imported."""

    def __init__(self, errors: list[RollError]):
        super().__init__(_("名册文件有 %(count)s 处错误，未导入任何数据。", count=len(errors)))
        self.errors = errors


def create_street(name: str, district: str | None = None) -> Street:
    if db.session.scalar(select(Street.id).where(Street.name == name)):
        raise RegistryError(_("街道 %(name)s 已存在。", name=name))
    street = Street(name=name, district=district)
    db.session.add(street)
    db.session.flush()
    record("street.create", street, after={"name": name, "district": district})
    return street


def create_community(street: Street, name: str) -> Community:
    if db.session.scalar(select(Community.id).where(Community.street_id == street.id, Community.name == name)):
        raise RegistryError(_("社区 %(name)s 已存在。", name=name))
    community = Community(street=street, name=name)
    db.session.add(community)
    db.session.flush()
    record("community.create", community, after={"name": name, "street": street.name})
    return community


def create_compound(code: str, name: str, community: Community | None = None, *,
                    rule_set: str = "sichuan-chengdu", address: str | None = None) -> Compound:
    code = code.strip()
    if not code or not name.strip():
        raise RegistryError(_("小区编号和名称都不能为空。"))
    if db.session.scalar(select(Compound.id).where(Compound.code == code)):
        raise RegistryError(_("小区编号 %(code)s 已存在。", code=code))
    compound = Compound(code=code, name=name.strip(), community=community, rule_set=rule_set,
                        address=address, setting_overrides={})
    db.session.add(compound)
    db.session.flush()
    record("compound.create", compound, compound_id=compound.id,
           after={"code": code, "name": compound.name, "community": community.name if community else None})
    return compound


def roll_lock_reason(compound: Compound) -> str | None:
    """Why the roll may not be replaced now (a vote has opened), or None."""
    for lock in hooks().roll_locks:
        reason = lock(compound)
        if reason:
            return reason
    return None


@dataclass(frozen=True)
class RollSummary:
    units: int
    voters: int
    headcount: int
    area: Decimal
    parking_area: Decimal

    def as_json(self, code: str) -> dict:
        return {"compound": code, "units": self.units, "voters": self.voters,
                "headcount": self.headcount, "area": f"{self.area:.2f}"}


def roll_summary(compound: Compound) -> RollSummary:
    units = db.session.scalar(select(func.count(Unit.id)).where(Unit.compound_id == compound.id))
    voters, area, parking = db.session.execute(
        select(func.count(Voter.id), func.coalesce(func.sum(Voter.area), 0), func.coalesce(func.sum(Voter.parking_area), 0))
        .where(Voter.compound_id == compound.id)
    ).one()
    quantum = Decimal("0.01")
    return RollSummary(units, voters, voters, Decimal(area).quantize(quantum), Decimal(parking).quantize(quantum))


def import_roll(compound: Compound, filename: str, data: bytes, *, imported_by=None) -> RollImport:
    """Replace the compound's roll with the file's, all or nothing.

    Voters keep their ids across re-imports (matched by key), so nominations, grants
    and other records that point at a voter stay valid; a voter who disappears from the
    roll while other records still point at them makes the import fail whole.
    """
    reason = roll_lock_reason(compound)
    if reason:
        raise RegistryError(_("名册不能再次导入：%(reason)s", reason=reason))
    result = parse_roll_file(filename, data)
    if not result.ok:
        raise RollRejected(result.errors)
    if not result.rows:
        raise RegistryError(_("名册文件中没有任何房屋。"))
    drafts = derive_voters(result.rows)
    before = roll_summary(compound)

    session = db.session
    buildings = {b.name: b for b in session.scalars(select(Building).where(Building.compound_id == compound.id))}
    voters = {v.key: v for v in session.scalars(select(Voter).where(Voter.compound_id == compound.id))}
    units = {(u.building_id, u.number): u for u in session.scalars(select(Unit).where(Unit.compound_id == compound.id))}
    owners_by_voter: dict[int, list[Owner]] = {}
    for owner in session.scalars(select(Owner).where(Owner.compound_id == compound.id)):
        owners_by_voter.setdefault(owner.voter_id, []).append(owner)

    for row in result.rows:
        if row.building not in buildings:
            buildings[row.building] = Building(compound_id=compound.id, name=row.building)
            session.add(buildings[row.building])
    session.flush()

    rows_by_number = {row.row_number: row for row in result.rows}
    kept_voter_keys: set[str] = set()
    kept_unit_keys: set[tuple[int, str]] = set()
    for draft in drafts:
        kept_voter_keys.add(draft.key)
        voter = voters.get(draft.key)
        if voter is None:
            voter = Voter(compound_id=compound.id, key=draft.key)
            session.add(voter)
            voters[draft.key] = voter
        voter.kind = draft.kind
        voter.display_name = draft.display_name
        voter.unit_count = draft.unit_count
        voter.area = draft.area
        voter.parking_area = draft.parking_area
        phones = [rows_by_number[n].phone for n in draft.row_numbers if rows_by_number[n].phone]
        voter.phone = phones[0] if phones else None
        existing_names = [o.name for o in owners_by_voter.get(voter.id, [])] if voter.id else []
        if existing_names != list(draft.owner_names):
            voter.owners = [Owner(compound_id=compound.id, name=name) for name in draft.owner_names]
    session.flush()

    for draft in drafts:
        voter_id = voters[draft.key].id
        for number in draft.row_numbers:
            row = rows_by_number[number]
            building = buildings[row.building]
            unit = units.get((building.id, row.unit))
            if unit is None:
                unit = Unit(compound_id=compound.id, building_id=building.id, number=row.unit)
                session.add(unit)
                units[(building.id, row.unit)] = unit
            kept_unit_keys.add((building.id, row.unit))
            unit.sort_key = _sort_key(row.building, row.unit)
            unit.area = row.area
            unit.is_sold = row.is_sold
            unit.is_parking = row.is_parking
            unit.voter_id = voter_id
    session.flush()

    gone_units = [u.id for key, u in units.items() if key not in kept_unit_keys]
    if gone_units:
        session.execute(delete(Unit).where(Unit.id.in_(gone_units)))
    gone_voters = [v.id for key, v in voters.items() if key not in kept_voter_keys]
    if gone_voters:
        session.execute(delete(Owner).where(Owner.voter_id.in_(gone_voters)))
        try:
            with session.begin_nested():
                session.execute(delete(Voter).where(Voter.id.in_(gone_voters)))
        except IntegrityError:
            raise RegistryError(_("新名册删去了已被提名、表决等记录引用的表决权人，未导入。请保留这些业主或先处理相关记录。"))
    used = {building_id for building_id, _number in kept_unit_keys}
    gone_buildings = [b.id for b in buildings.values() if b.id not in used]
    if gone_buildings:
        session.execute(delete(Building).where(Building.id.in_(gone_buildings)))
    session.flush()

    after = roll_summary(compound)
    roll_import = RollImport(compound_id=compound.id, filename=filename[:255], units=after.units,
                             voters=after.voters, area=after.area, imported_by_id=getattr(imported_by, "id", None))
    session.add(roll_import)
    session.flush()
    record("roll.import", roll_import, compound_id=compound.id, actor=imported_by,
           before=before.as_json(compound.code), after=after.as_json(compound.code) | {"file": filename})
    return roll_import


def _sort_key(building: str, unit: str) -> str:
    """Natural order for labels like 2栋 / 10栋 and 1-201 / 1-1001."""
    import re

    def natural(text: str) -> str:
        return re.sub(r"\d+", lambda m: m.group(0).zfill(6), text)

    return f"{natural(building)}|{natural(unit)}"[:140]
