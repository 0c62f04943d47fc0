"""Registry operations: compounds and the owner roll. They flush and audit; never commit."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, select, update

from .. import clock
from ..storage import operations as storage
from ..audit.operations import record
from ..extensions import db
from ..features import hooks
from .models import Building, Community, Compound, Owner, RollEntry, RollVersion, Street, Unit, Voter
from .rollfile import MAX_ROWS, MAX_UNIT_AREA, MAX_XLSX_BYTES, RollError, RollRow, parse_roll_file
from .voters import RollWarning, StandingVoter, VoterDraft, derive_voters, diff_roll, roll_warnings

DIFF_ITEMS = 500  # people kept per list of a version's difference (the counts are always whole)
WARNINGS_KEPT = 200


class RegistryError(ValueError):
    """A refused registry operation; the message is shown to the user as it is."""


class RollRejected(RegistryError):
    """A roll file with errors: nothing was imported."""

    def __init__(self, errors: list[RollError], more: int = 0):
        super().__init__(_("名册文件有 %(count)s 处错误，未导入任何数据。", count=len(errors) + more))
        self.errors = errors  # the first ones (at most 200)
        self.more = more  # found but not listed


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
    """Why the roll may not be replaced now (a vote is open), or None."""
    for lock in hooks().roll_locks:
        reason = lock(compound)
        if reason:
            return reason
    return None


def _refuse_if_locked(compound: Compound) -> None:
    reason = roll_lock_reason(compound)
    if reason:
        raise RegistryError(_("名册不能再次导入：%(reason)s", reason=reason))


@dataclass(frozen=True)
class RollSummary:
    units: int
    voters: int
    headcount: int
    area: Decimal
    parking_area: Decimal
    version: int | None = None  # number of the current roll version

    def as_json(self, code: str) -> dict:
        return {"compound": code, "units": self.units, "voters": self.voters,
                "headcount": self.headcount, "area": f"{self.area:.2f}", "roll_version": self.version}


def roll_summary(compound: Compound) -> RollSummary:
    """The current roll: voters on the roll, their units and areas, and its version number."""
    units = select(func.count(Unit.id)).where(Unit.compound_id == compound.id).scalar_subquery()
    number = select(RollVersion.number).where(RollVersion.compound_id == compound.id,
                                              RollVersion.state == "current").scalar_subquery()
    voters, area, parking, units, number = db.session.execute(  # one query
        select(func.count(Voter.id), func.coalesce(func.sum(Voter.area), 0),
               func.coalesce(func.sum(Voter.parking_area), 0), units, number)
        .where(Voter.compound_id == compound.id, Voter.is_on_roll)
    ).one()
    quantum = Decimal("0.01")
    return RollSummary(units, voters, voters, Decimal(area).quantize(quantum), Decimal(parking).quantize(quantum),
                       number)


# --------------------------------------------------------------------------- roll versions


@dataclass(frozen=True)
class CheckedRoll:
    rows: list[RollRow]
    drafts: list[VoterDraft]
    warnings: list[RollWarning]


def _limits() -> dict:
    config = current_app.config
    return {"max_rows": int(config.get("ROLL_MAX_ROWS", MAX_ROWS)),
            "max_unit_area": Decimal(str(config.get("ROLL_MAX_UNIT_AREA", MAX_UNIT_AREA))),
            "max_unzipped": int(config.get("ROLL_MAX_XLSX_BYTES", MAX_XLSX_BYTES))}


def check_roll_file(filename: str, data: bytes) -> CheckedRoll:
    """Parse and check a roll file within the installation's limits; raises :class:`RollRejected`."""
    result = parse_roll_file(filename, data, **_limits())
    if not result.ok:
        raise RollRejected(result.errors, result.more_errors)
    drafts = derive_voters(result.rows)
    return CheckedRoll(result.rows, drafts, roll_warnings(result.rows))


def current_version(compound: Compound) -> RollVersion | None:
    return db.session.scalar(select(RollVersion).where(RollVersion.compound_id == compound.id,
                                                       RollVersion.state == "current"))


def pending_version(compound: Compound) -> RollVersion | None:
    return db.session.scalar(select(RollVersion).where(RollVersion.compound_id == compound.id,
                                                       RollVersion.state == "pending"))


def _next_number(compound: Compound) -> int:
    return (db.session.scalar(select(func.max(RollVersion.number)).where(RollVersion.compound_id == compound.id))
            or 0) + 1


def _actor_name(actor) -> str | None:
    if actor is None:
        return None
    if isinstance(actor, str):
        return actor[:120]
    return (getattr(actor, "username", None) or str(getattr(actor, "id", "")))[:120] or None


def ensure_current_version(compound: Compound) -> RollVersion | None:
    """The current version; a roll loaded before versions existed becomes version 1 as it stands."""
    version = current_version(compound)
    if version is not None:
        return version
    voters = db.session.scalars(select(Voter).where(Voter.compound_id == compound.id, Voter.is_on_roll)
                                .order_by(Voter.id)).all()
    if not voters:
        return None
    summary = roll_summary(compound)
    version = RollVersion(compound_id=compound.id, number=_next_number(compound), state="current",
                          filename=_("（启用名册版本前已导入的名册）"), sha256="", created_by_name="system",
                          confirmed_at=clock.utcnow(), confirmed_by_name="system", units=summary.units,
                          voters=summary.voters, area=summary.area, parking_area=summary.parking_area,
                          diff={}, warnings={})
    db.session.add(version)
    db.session.flush()
    units: dict[int, list] = {}
    sort_keys: dict[int, str] = {}
    for voter_id, building, number, sort_key in db.session.execute(
            select(Unit.voter_id, Building.name, Unit.number, Unit.sort_key)
            .join(Building, Building.id == Unit.building_id)
            .where(Unit.compound_id == compound.id).order_by(Unit.sort_key)):
        units.setdefault(voter_id, []).append([building, number])
        sort_keys.setdefault(voter_id, sort_key)
    db.session.execute(insert(RollEntry), [
        {"roll_version_id": version.id, "voter_id": v.id, "key": v.key, "kind": v.kind,
         "display_name": v.display_name, "unit_count": v.unit_count, "area": v.area, "parking_area": v.parking_area,
         "units": units.get(v.id, []), "sort_key": sort_keys.get(v.id, "")} for v in voters])
    record("roll.version", version, compound_id=compound.id,
           after={"number": version.number, "voters": version.voters, "note": "roll as it stood"})
    return version


def _standing(version: RollVersion | None) -> list[StandingVoter]:
    if version is None:
        return []
    return [StandingVoter(key, name, tuple(f"{b}-{n}" for b, n in units or []), Decimal(area))
            for key, name, units, area in db.session.execute(
                select(RollEntry.key, RollEntry.display_name, RollEntry.units, RollEntry.area)
                .where(RollEntry.roll_version_id == version.id))]


def _listed(items: list[dict]) -> dict:
    return {"count": len(items), "items": items[:DIFF_ITEMS]}


def _clean_filename(filename: str) -> str:
    name = re.sub(r"[\x00-\x1f\x7f]", "", PurePath((filename or "").replace("\\", "/")).name).strip()
    return (name or "roll")[-255:]


def _pending(compound: Compound, filename: str, data: bytes, checked: CheckedRoll, actor) -> RollVersion:
    base = ensure_current_version(compound)
    diff = diff_roll(_standing(base), checked.drafts)
    for earlier in db.session.scalars(select(RollVersion).where(RollVersion.compound_id == compound.id,
                                                                RollVersion.state == "pending")):
        _cancel(earlier, actor, reason="superseded by a new upload")
    filename = _clean_filename(filename)
    suffix = PurePath(filename).suffix.lower()
    stored = storage.store(data, filename=filename, purpose="registry.roll_file", created_by=_actor_name(actor),
                           content_type="text/csv" if suffix == ".csv" else
                           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    drafts = checked.drafts
    version = RollVersion(
        compound_id=compound.id, state="pending", filename=filename, sha256=stored.sha256, stored_file_id=stored.id,
        base_version_id=base.id if base else None, created_by_id=getattr(actor, "id", None),
        created_by_name=_actor_name(actor), units=len(checked.rows), voters=len(drafts),
        area=sum((d.area for d in drafts), Decimal("0.00")),
        parking_area=sum((d.parking_area for d in drafts), Decimal("0.00")),
        diff={"joins": _listed(diff.joins), "leaves": _listed(diff.leaves),
              "area_changes": _listed(diff.area_changes), "owner_changes": _listed(diff.owner_changes),
              "before": {"number": base.number, "voters": base.voters, "units": base.units,
                         "area": f"{base.area:.2f}"} if base else None},
        warnings={"count": len(checked.warnings),
                  "items": [{"kind": w.kind, "zh": w.message_zh, "en": w.message_en}
                            for w in checked.warnings[:WARNINGS_KEPT]]},
    )
    db.session.add(version)
    db.session.flush()
    record("roll.preview", version, compound_id=compound.id, actor=actor,
           after={"file": filename, "sha256": stored.sha256, "units": version.units, "voters": version.voters,
                  "joins": len(diff.joins), "leaves": len(diff.leaves), "area_changes": len(diff.area_changes),
                  "owner_changes": len(diff.owner_changes), "warnings": len(checked.warnings)})
    return version


def preview_roll(compound: Compound, filename: str, data: bytes, *, uploaded_by=None) -> RollVersion:
    """Check an uploaded roll and keep it, with its difference from the current roll and its
    warnings, as a pending version that replaces nothing until :func:`confirm_roll`."""
    _refuse_if_locked(compound)
    return _pending(compound, filename, data, check_roll_file(filename, data), uploaded_by)


def confirm_roll(version: RollVersion, *, actor=None) -> RollVersion:
    """Make a pending version the current roll (checked again: the file, the lock, the base)."""
    if version.state != "pending":
        raise RegistryError(_("这份名册已确认或已取消，不能再确认。"))
    compound = db.session.get(Compound, version.compound_id)
    _refuse_if_locked(compound)
    current = current_version(compound)
    if (current.id if current else None) != version.base_version_id:
        raise RegistryError(_("预览之后名册已被更改，请重新上传文件并核对差异。"))
    stored = storage.get(version.stored_file_id) if version.stored_file_id else None
    if stored is None:
        raise RegistryError(_("找不到上传的名册文件，请重新上传。"))
    checked = check_roll_file(version.filename, storage.read(stored))
    return _apply(compound, version, checked, actor)


def _cancel(version: RollVersion, actor, reason: str) -> None:
    stored = storage.get(version.stored_file_id) if version.stored_file_id else None
    version.state = "cancelled"
    version.stored_file_id = None
    db.session.flush()
    if stored is not None:
        storage.delete(stored)
    record("roll.cancel", version, compound_id=version.compound_id,
           actor=actor, after={"file": version.filename, "reason": reason})


def cancel_roll(version: RollVersion, *, actor=None) -> None:
    """Drop a pending upload: the current roll stays as it is."""
    if version.state != "pending":
        raise RegistryError(_("这份名册已确认或已取消。"))
    _cancel(version, actor, reason="cancelled")


def import_roll(compound: Compound, filename: str, data: bytes, *, imported_by=None) -> RollVersion:
    """Check a roll file and make it the current version at once, all or nothing (the CLI,
    seeders and scripts: the page previews first). Returns the new version."""
    _refuse_if_locked(compound)
    checked = check_roll_file(filename, data)
    version = _pending(compound, filename, data, checked, imported_by)
    return _apply(compound, version, checked, imported_by)


def _apply(compound: Compound, version: RollVersion, checked: CheckedRoll, actor) -> RollVersion:
    """Replace the current roll with ``checked`` and record it as ``version``.

    Voters keep their ids across versions (matched by key), so nominations, grants and
    ballots that point at a voter stay valid. A voter who is not on the new roll stays in
    the table off the roll (``is_on_roll`` false): earlier versions and votes still name them.
    """
    rows, drafts = checked.rows, checked.drafts
    before = roll_summary(compound)

    session = db.session
    buildings = {b.name: b.id for b in session.scalars(select(Building).where(Building.compound_id == compound.id))}
    voter_ids = {key: voter_id for key, voter_id in
                 session.execute(select(Voter.key, Voter.id).where(Voter.compound_id == compound.id))}
    on_roll = set(session.scalars(select(Voter.id).where(Voter.compound_id == compound.id, Voter.is_on_roll)))
    unit_ids = {(building_id, number): unit_id for unit_id, building_id, number in session.execute(
        select(Unit.id, Unit.building_id, Unit.number).where(Unit.compound_id == compound.id))}
    owner_names: dict[int, list[str]] = {}
    for voter_id, name in session.execute(
            select(Owner.voter_id, Owner.name).where(Owner.compound_id == compound.id).order_by(Owner.id)):
        owner_names.setdefault(voter_id, []).append(name)

    new_buildings = sorted({row.building for row in rows} - buildings.keys())
    if new_buildings:
        session.execute(insert(Building), [{"compound_id": compound.id, "name": name} for name in new_buildings])
        buildings = {name: building_id for name, building_id in
                     session.execute(select(Building.name, Building.id).where(Building.compound_id == compound.id))}

    rows_by_number = {row.row_number: row for row in rows}

    def voter_values(draft) -> dict:
        phones = [rows_by_number[n].phone for n in draft.row_numbers if rows_by_number[n].phone]
        return {"kind": draft.kind, "display_name": draft.display_name[:255], "unit_count": draft.unit_count,
                "area": draft.area, "parking_area": draft.parking_area, "phone": phones[0] if phones else None,
                "is_on_roll": True}

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

    unit_inserts, unit_updates, entries = [], [], []
    kept_unit_keys: set[tuple[int, str]] = set()
    for draft in drafts:
        voter_units, first_sort_key = [], None
        for number in draft.row_numbers:
            row = rows_by_number[number]
            key = (buildings[row.building], row.unit)
            kept_unit_keys.add(key)
            sort_key = _sort_key(row.building, row.unit)
            first_sort_key = first_sort_key if first_sort_key is not None else sort_key
            voter_units.append([row.building, row.unit])
            values = {"sort_key": sort_key, "area": row.area, "is_sold": row.is_sold,
                      "is_parking": row.is_parking, "voter_id": voter_ids[draft.key]}
            if key in unit_ids:
                unit_updates.append({"id": unit_ids[key], **values})
            else:
                unit_inserts.append({"compound_id": compound.id, "building_id": key[0], "number": row.unit, **values})
        entries.append({"roll_version_id": version.id, "voter_id": voter_ids[draft.key], "key": draft.key,
                        "kind": draft.kind, "display_name": draft.display_name[:255], "unit_count": draft.unit_count,
                        "area": draft.area, "parking_area": draft.parking_area, "units": voter_units,
                        "sort_key": first_sort_key or ""})
    if unit_inserts:
        session.execute(insert(Unit), unit_inserts)
    if unit_updates:
        session.execute(update(Unit), unit_updates)

    gone_units = [unit_id for key, unit_id in unit_ids.items() if key not in kept_unit_keys]
    if gone_units:
        session.execute(delete(Unit).where(Unit.id.in_(gone_units)))
    kept_voter_ids = {voter_ids[d.key] for d in drafts}
    gone_voters = sorted(on_roll - kept_voter_ids)
    if gone_voters:
        session.execute(delete(Owner).where(Owner.voter_id.in_(gone_voters)))
        session.execute(update(Voter).where(Voter.id.in_(gone_voters)).values(is_on_roll=False))
    used = {building_id for building_id, _number in kept_unit_keys}
    gone_buildings = [building_id for building_id in buildings.values() if building_id not in used]
    if gone_buildings:
        session.execute(delete(Building).where(Building.id.in_(gone_buildings)))
    session.execute(insert(RollEntry), entries)

    session.execute(update(RollVersion).where(RollVersion.compound_id == compound.id,
                                              RollVersion.state == "current").values(state="superseded"))
    session.expire_all()
    version = session.get(RollVersion, version.id)
    after = roll_summary(compound)
    version.number = _next_number(compound)
    version.state = "current"
    version.confirmed_at = clock.utcnow()
    version.confirmed_by_id = getattr(actor, "id", None)
    version.confirmed_by_name = _actor_name(actor)
    version.units, version.voters, version.area = after.units, after.voters, after.area
    version.parking_area = after.parking_area
    session.flush()
    record("roll.import", version, compound_id=compound.id, actor=actor,
           before=before.as_json(compound.code),
           after=roll_summary(compound).as_json(compound.code) | {"file": version.filename, "sha256": version.sha256})
    return version


_DIGITS = re.compile(r"\d+")


def _sort_key(building: str, unit: str) -> str:
    """Natural order for labels like 2栋 / 10栋 and 1-201 / 1-1001."""

    def natural(text: str) -> str:
        return _DIGITS.sub(lambda m: m.group(0).zfill(6), text)

    return f"{natural(building)}|{natural(unit)}"[:140]
