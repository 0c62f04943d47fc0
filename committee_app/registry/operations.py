"""Registry operations: compounds and the owner roll. They flush and audit; never commit."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, select, update
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
    buildings = {b.name: b.id for b in session.scalars(select(Building).where(Building.compound_id == compound.id))}
    voter_ids = {key: voter_id for key, voter_id in
                 session.execute(select(Voter.key, Voter.id).where(Voter.compound_id == compound.id))}
    unit_ids = {(building_id, number): unit_id for unit_id, building_id, number in session.execute(
        select(Unit.id, Unit.building_id, Unit.number).where(Unit.compound_id == compound.id))}
    owner_names: dict[int, list[str]] = {}
    for voter_id, name in session.execute(
            select(Owner.voter_id, Owner.name).where(Owner.compound_id == compound.id).order_by(Owner.id)):
        owner_names.setdefault(voter_id, []).append(name)

    new_buildings = sorted({row.building for row in result.rows} - buildings.keys())
    if new_buildings:
        session.execute(insert(Building), [{"compound_id": compound.id, "name": name} for name in new_buildings])
        buildings = {name: building_id for name, building_id in
                     session.execute(select(Building.name, Building.id).where(Building.compound_id == compound.id))}

    rows_by_number = {row.row_number: row for row in result.rows}

    def voter_values(draft) -> dict:
        phones = [rows_by_number[n].phone for n in draft.row_numbers if rows_by_number[n].phone]
        return {"kind": draft.kind, "display_name": draft.display_name[:255], "unit_count": draft.unit_count,
                "area": draft.area, "parking_area": draft.parking_area, "phone": phones[0] if phones else None}

    new_keys = {d.key for d in drafts} - voter_ids.keys()
    new_drafts = [d for d in drafts if d.key in new_keys]
    if new_drafts:
        session.execute(insert(Voter),
                        [{"compound_id": compound.id, "key": d.key, **voter_values(d)} for d in new_drafts])
        voter_ids = {key: voter_id for key, voter_id in
                     session.execute(select(Voter.key, Voter.id).where(Voter.compound_id == compound.id))}
    kept = [d for d in drafts if d.key not in new_keys]
    if kept:
        session.execute(update(Voter), [{"id": voter_ids[d.key], **voter_values(d)} for d in kept])
    renamed = [d for d in kept if owner_names.get(voter_ids[d.key], []) != list(d.owner_names)]
    if renamed:
        session.execute(delete(Owner).where(Owner.voter_id.in_([voter_ids[d.key] for d in renamed])))
    owners = [{"compound_id": compound.id, "voter_id": voter_ids[d.key], "name": name}
              for d in new_drafts + renamed for name in d.owner_names]
    if owners:
        session.execute(insert(Owner), owners)

    unit_inserts, unit_updates = [], []
    kept_unit_keys: set[tuple[int, str]] = set()
    for draft in drafts:
        for number in draft.row_numbers:
            row = rows_by_number[number]
            key = (buildings[row.building], row.unit)
            kept_unit_keys.add(key)
            values = {"sort_key": _sort_key(row.building, row.unit), "area": row.area, "is_sold": row.is_sold,
                      "is_parking": row.is_parking, "voter_id": voter_ids[draft.key]}
            if key in unit_ids:
                unit_updates.append({"id": unit_ids[key], **values})
            else:
                unit_inserts.append({"compound_id": compound.id, "building_id": key[0], "number": row.unit, **values})
    if unit_inserts:
        session.execute(insert(Unit), unit_inserts)
    if unit_updates:
        session.execute(update(Unit), unit_updates)

    gone_units = [unit_id for key, unit_id in unit_ids.items() if key not in kept_unit_keys]
    if gone_units:
        session.execute(delete(Unit).where(Unit.id.in_(gone_units)))
    kept_voter_keys = {d.key for d in drafts}
    gone_voters = [voter_id for key, voter_id in voter_ids.items() if key not in kept_voter_keys]
    if gone_voters:
        session.execute(delete(Owner).where(Owner.voter_id.in_(gone_voters)))
        try:
            with session.begin_nested():
                session.execute(delete(Voter).where(Voter.id.in_(gone_voters)))
        except IntegrityError:
            raise RegistryError(_("新名册删去了已被提名、表决等记录引用的表决权人，未导入。请保留这些业主或先处理相关记录。"))
    used = {building_id for building_id, _number in kept_unit_keys}
    gone_buildings = [building_id for building_id in buildings.values() if building_id not in used]
    if gone_buildings:
        session.execute(delete(Building).where(Building.id.in_(gone_buildings)))
    session.expire_all()

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
