"""Registry queries."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from .models import Compound, RollImport, Unit, Voter


def voters_page(compound: Compound, page: int, per_page: int = 200):
    """One page of the compound's voters with their units and owners (3 queries)."""
    first_unit = (select(func.min(Unit.sort_key)).where(Unit.voter_id == Voter.id).correlate(Voter)
                  .scalar_subquery())
    query = (select(Voter).where(Voter.compound_id == compound.id)
             .options(selectinload(Voter.units).selectinload(Unit.building), selectinload(Voter.owners))
             .order_by(Voter.kind == "developer", first_unit, Voter.id))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def latest_import(compound: Compound) -> RollImport | None:
    return db.session.scalar(select(RollImport).where(RollImport.compound_id == compound.id)
                             .order_by(RollImport.imported_at.desc()).limit(1))


def roll_notice_context(compound: Compound, *, public: bool = False) -> dict:
    """Plain values for the roll notice PDF (名册公示).

    ``public=True`` is the copy posted on the public board: names masked
    (``privacy.public_name``), units and areas kept so each owner can check their own entry.
    """
    from .. import clock
    from ..privacy import public_name
    from .operations import roll_summary

    voters = db.session.scalars(
        select(Voter).where(Voter.compound_id == compound.id)
        .options(selectinload(Voter.units).selectinload(Unit.building))
    ).all()
    summary = roll_summary(compound)
    rows = [
        {
            "name": public_name(voter.display_name, voter.kind) if public else voter.display_name,
            "kind": voter.kind,
            "units": [unit.label for unit in voter.units],
            "area": voter.area,
        }
        for voter in sorted(voters, key=lambda v: (v.kind == "developer", v.units[0].sort_key if v.units else ""))
    ]
    return {
        "compound_name": compound.name,
        "generated_on": clock.today().isoformat(),
        "voters": rows,
        "is_public": public,
        "totals": {"units": summary.units, "voters": summary.voters, "headcount": summary.headcount,
                   "area": summary.area},
    }
