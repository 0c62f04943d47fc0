"""Derive voters (counting persons) from checked roll rows: rules-reference §1, SPC arts 8-9.

- every unit the developer has not sold or not delivered, together: ONE voter (developer);
- one buyer with several units (same owner_ref): ONE voter with all those units;
- one unit, whatever the number of co-owners: ONE voter.

Each voter weighs 1 in headcount and the sum of its units' areas in area. Whether parking
spaces count towards the area is a per-compound setting, hence ``weight_area(parking_counts)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .rollfile import RollRow

__all__ = ["DEVELOPER_DISPLAY_NAME", "VoterDraft", "derive_voters", "unit_label"]

DEVELOPER_KEY = "developer"
DEVELOPER_DISPLAY_NAME = "开发建设单位（未售/未交付）"

KIND_OWNER = "owner"
KIND_CO_OWNED = "co_owned"
KIND_DEVELOPER = "developer"

ZERO = Decimal("0.00")


def unit_label(building: str, unit: str) -> str:
    """"3栋", "1-201" -> "3栋-1-201"."""
    return f"{building}-{unit}"


@dataclass(frozen=True, slots=True)
class VoterDraft:
    key: str  # "developer", "ref:<owner_ref>" or "unit:<building>/<unit>"
    kind: str  # "owner" | "co_owned" | "developer"
    display_name: str
    owner_names: tuple[str, ...]
    row_numbers: tuple[int, ...]
    unit_labels: tuple[str, ...]  # "3栋-1-201", in roll order
    unit_count: int
    area: Decimal  # all units, parking included
    parking_area: Decimal  # the part of ``area`` that is parking spaces

    def weight_area(self, parking_counts: bool) -> Decimal:
        """Area weight of this voter; parking spaces count only if the compound says so."""
        return self.area if parking_counts else self.area - self.parking_area


def _kind_for(owner_names: tuple[str, ...]) -> str:
    return KIND_CO_OWNED if len(owner_names) > 1 else KIND_OWNER


def derive_voters(rows: Iterable[RollRow]) -> list[VoterDraft]:
    """Group rows into voters, in order of each voter's first row. O(n)."""
    groups: dict[str, list[RollRow]] = {}  # insertion ordered
    for row in rows:
        if not row.is_sold:
            key = DEVELOPER_KEY
        elif row.owner_ref:
            key = f"ref:{row.owner_ref}"
        else:
            key = f"unit:{row.building}/{row.unit}"
        group = groups.get(key)
        if group is None:
            groups[key] = [row]
        else:
            group.append(row)

    voters = []
    for key, group in groups.items():
        area = sum((r.area for r in group), ZERO)
        parking_area = sum((r.area for r in group if r.is_parking), ZERO)
        if key == DEVELOPER_KEY:
            kind, names, display_name = KIND_DEVELOPER, (), DEVELOPER_DISPLAY_NAME
        else:
            names = group[0].owner_names
            kind, display_name = _kind_for(names), "、".join(names)
        voters.append(VoterDraft(
            key=key,
            kind=kind,
            display_name=display_name,
            owner_names=names,
            row_numbers=tuple(r.row_number for r in group),
            unit_labels=tuple(unit_label(r.building, r.unit) for r in group),
            unit_count=len(group),
            area=area,
            parking_area=parking_area,
        ))
    return voters
