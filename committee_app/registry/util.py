"""Registry queries.

Two rolls are asked for: *the current roll* (voters with ``is_on_roll``, their units and
owners: who may nominate, vote in a vote still to open, be granted an owner's account) and
*the roll of a vote* (the :class:`RollEntry` rows of the version current when it opened:
what its count, ballot box and records read, for ever). Functions say which they read.
"""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from .models import Building, Compound, RollEntry, RollVersion, Unit, Voter


def voters_page(compound: Compound, page: int, per_page: int = 200, search: str = ""):
    """One page of the current roll's voters with their units and owners (3 queries); ``search`` keeps
    the voters whose name, or one of whose units ("1栋-1-101"), contains it."""
    first_unit = (select(func.min(Unit.sort_key)).where(Unit.voter_id == Voter.id).correlate(Voter)
                  .scalar_subquery())
    query = select(Voter).where(Voter.compound_id == compound.id, Voter.is_on_roll)
    search = search.strip()
    if search:
        unit_matches = (select(Unit.id).join(Building, Building.id == Unit.building_id)
                        .where(Unit.voter_id == Voter.id,
                               (Building.name + "-" + Unit.number).contains(search, autoescape=True))
                        .correlate(Voter).exists())
        query = query.where(Voter.display_name.contains(search, autoescape=True) | unit_matches)
    query = (query
             .options(selectinload(Voter.units).selectinload(Unit.building), selectinload(Voter.owners))
             .order_by(Voter.kind == "developer", first_unit, Voter.id))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def versions_of(compound: Compound, limit: int = 50) -> list[RollVersion]:
    """Confirmed versions, the newest first (pending and cancelled uploads left out)."""
    return list(db.session.scalars(
        select(RollVersion).where(RollVersion.compound_id == compound.id, RollVersion.number.is_not(None))
        .order_by(RollVersion.number.desc()).limit(limit)))


def version_in(compound: Compound, version_id: int) -> RollVersion | None:
    version = db.session.get(RollVersion, version_id)
    return version if version is not None and version.compound_id == compound.id else None


def roll_notice_context(compound: Compound, version: RollVersion | None = None, *, public: bool = False) -> dict:
    """Plain values for the roll notice PDF (名册公示) of ``version`` (default: the current one).

    ``public=True`` is the copy posted on the public board: names masked
    (``privacy.public_name``), units and areas kept so each owner can check their own entry.
    """
    from .. import clock
    from ..privacy import public_name
    from .operations import current_version, roll_summary

    version = version or current_version(compound)
    if version is None:  # no roll yet, or one loaded before versions: the current roll as it stands
        voters = db.session.scalars(
            select(Voter).where(Voter.compound_id == compound.id, Voter.is_on_roll)
            .options(selectinload(Voter.units).selectinload(Unit.building))
        ).all()
        summary = roll_summary(compound)
        rows = [{"name": public_name(voter.display_name, voter.kind) if public else voter.display_name, "kind": voter.kind, "units": [unit.label for unit in voter.units],
                 "area": voter.area}
                for voter in sorted(voters, key=lambda v: (v.kind == "developer",
                                                           v.units[0].sort_key if v.units else ""))]
        totals = {"units": summary.units, "voters": summary.voters, "headcount": summary.headcount,
                  "area": summary.area}
        roll_version = None
    else:
        entries = db.session.scalars(select(RollEntry).where(RollEntry.roll_version_id == version.id)).all()
        rows = [{"name": public_name(entry.display_name, entry.kind) if public else entry.display_name, "kind": entry.kind, "units": entry.unit_labels, "area": entry.area}
                for entry in sorted(entries, key=lambda e: (e.kind == "developer", e.sort_key))]
        totals = {"units": version.units, "voters": version.voters, "headcount": version.voters,
                  "area": version.area}
        roll_version = version_plain(version)
    return {
        "compound_name": compound.name,
        "generated_on": clock.today().isoformat(),
        "voters": rows,
        "is_public": public,
        "totals": totals,
        "roll_version": roll_version,
    }


def version_plain(version: RollVersion) -> dict:
    """How a document names a roll version: number, date (Asia/Shanghai), file and its SHA-256."""
    from .. import clock

    moment = version.confirmed_at or version.created_at
    return {"number": version.number, "confirmed_on": clock.to_local(moment).date().isoformat() if moment else "",
            "filename": version.filename, "sha256": version.sha256}


# --------------------------------------------------------------------------- the roll of a vote


def vote_roll(roll_version_id: int | None, compound_id: int):
    """The voters a vote counts against, as a subquery (``voter_id``, ``area``, ``parking_area``).

    A vote keeps the version that was current when it opened; a vote opened before roll
    versions existed (``roll_version_id`` None) reads the current roll.
    """
    if roll_version_id is not None:
        return (select(RollEntry.voter_id.label("voter_id"), RollEntry.area.label("area"),
                       RollEntry.parking_area.label("parking_area"))
                .where(RollEntry.roll_version_id == roll_version_id).subquery("vote_roll"))
    return (select(Voter.id.label("voter_id"), Voter.area.label("area"), Voter.parking_area.label("parking_area"))
            .where(Voter.compound_id == compound_id, Voter.is_on_roll).subquery("vote_roll"))


def version_unit_voters(roll_version_id: int) -> dict[tuple[str, str], int]:
    """{(building, unit number): voter id} as the version has them (one query)."""
    units: dict[tuple[str, str], int] = {}
    for voter_id, unit_list in db.session.execute(
            select(RollEntry.voter_id, RollEntry.units).where(RollEntry.roll_version_id == roll_version_id)):
        for building, number in unit_list or []:
            units[(building, number)] = voter_id
    return units


def version_voter_labels(roll_version_id: int, voter_ids) -> dict[int, tuple[str, str]]:
    """{voter id: (name, "1栋-1-101、…")} as the version has them (one query)."""
    if not voter_ids:
        return {}
    rows = db.session.execute(select(RollEntry.voter_id, RollEntry.display_name, RollEntry.units)
                              .where(RollEntry.roll_version_id == roll_version_id,
                                     RollEntry.voter_id.in_(list(voter_ids))))
    return {voter_id: (name, "、".join(f"{b}-{n}" for b, n in units or [])) for voter_id, name, units in rows}


def version_voter_ids(roll_version_id: int):
    """A select of the voter ids on a version (for ``in_``/``not_in``)."""
    return select(RollEntry.voter_id).where(RollEntry.roll_version_id == roll_version_id)


