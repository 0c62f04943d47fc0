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

__all__ = ["DEVELOPER_DISPLAY_NAME", "RollDiff", "RollWarning", "StandingVoter", "VoterDraft", "derive_voters",
           "diff_roll", "roll_warnings", "unit_label"]

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


# --------------------------------------------------------------------------- warnings


@dataclass(frozen=True, slots=True)
class RollWarning:
    """Something to check before confirming, not an error: the import may go ahead."""

    kind: str  # "name" | "phone"
    value: str
    unit_labels: tuple[str, ...]
    voters: int
    message_zh: str
    message_en: str

    def text(self, lang: str = "zh") -> str:
        return self.message_zh if lang.startswith("zh") else self.message_en


def roll_warnings(rows: Iterable[RollRow]) -> list[RollWarning]:
    """Units that share an owner name or a phone across different voters, at least one of
    them without owner_ref: counted as separate voters, never merged silently (issue 11).

    Two different owner_refs with one name are two people who share a name: no warning.
    """
    by_name: dict[str, dict[str, list[str]]] = {}  # name -> voter key -> unit labels
    by_phone: dict[str, dict[str, list[str]]] = {}
    for row in rows:
        if not row.is_sold:
            continue
        key = f"ref:{row.owner_ref}" if row.owner_ref else f"unit:{row.building}/{row.unit}"
        label = unit_label(row.building, row.unit)
        for name in row.owner_names:
            by_name.setdefault(name, {}).setdefault(key, []).append(label)
        if row.phone:
            by_phone.setdefault(row.phone, {}).setdefault(key, []).append(label)

    warnings = []
    for kind, groups in (("name", by_name), ("phone", by_phone)):
        for value, keys in groups.items():
            if len(keys) < 2 or not any(key.startswith("unit:") for key in keys):
                continue
            labels = tuple(label for unit_labels in keys.values() for label in unit_labels)
            shown = "、".join(labels[:10]) + ("…" if len(labels) > 10 else "")
            shown_en = ", ".join(labels[:10]) + ("…" if len(labels) > 10 else "")
            if kind == "name":
                zh = (f"业主「{value}」出现在 {shown}，但未填写相同的业主编号：按 {len(keys)} 名表决权人计算。"
                      "如是同一买受人，请在这些行填写相同的业主编号后重新上传。")
                en = (f'Owner "{value}" appears on {shown_en} without one owner_ref: counted as {len(keys)} voters. '
                      "If this is one buyer, give these rows the same owner_ref and upload again.")
            else:
                zh = (f"手机 {value} 出现在 {shown}，但未填写相同的业主编号：按 {len(keys)} 名表决权人计算。"
                      "如是同一买受人，请在这些行填写相同的业主编号后重新上传。")
                en = (f"Phone {value} appears on {shown_en} without one owner_ref: counted as {len(keys)} voters. "
                      "If this is one buyer, give these rows the same owner_ref and upload again.")
            warnings.append(RollWarning(kind, value, labels, len(keys), zh, en))
    return warnings


# --------------------------------------------------------------------------- difference


@dataclass(frozen=True, slots=True)
class StandingVoter:
    """A voter as the current version has them (what the difference compares against)."""

    key: str
    display_name: str
    unit_labels: tuple[str, ...]
    area: Decimal


@dataclass(slots=True)
class RollDiff:
    """Who joins, who leaves, whose area or owners change, between two versions (by voter key)."""

    joins: list[dict]
    leaves: list[dict]
    area_changes: list[dict]
    owner_changes: list[dict]

    @property
    def is_empty(self) -> bool:
        return not (self.joins or self.leaves or self.area_changes or self.owner_changes)


def _plain(name: str, labels, area: Decimal) -> dict:
    return {"name": name, "units": "、".join(labels), "area": f"{area:.2f}"}


def diff_roll(before: Iterable[StandingVoter], after: Iterable[VoterDraft]) -> RollDiff:
    """The difference a new roll makes, voter by voter, in the new roll's order. O(n)."""
    old = {voter.key: voter for voter in before}
    new_keys = set()
    diff = RollDiff([], [], [], [])
    for draft in after:
        new_keys.add(draft.key)
        was = old.get(draft.key)
        if was is None:
            diff.joins.append({"key": draft.key, **_plain(draft.display_name, draft.unit_labels, draft.area)})
            continue
        if was.area != draft.area:
            diff.area_changes.append({"key": draft.key, **_plain(draft.display_name, draft.unit_labels, draft.area),
                                      "area_before": f"{was.area:.2f}", "units_before": "、".join(was.unit_labels)})
        if was.display_name != draft.display_name:
            diff.owner_changes.append({"key": draft.key, **_plain(draft.display_name, draft.unit_labels, draft.area),
                                       "name_before": was.display_name})
    for key, was in old.items():
        if key not in new_keys:
            diff.leaves.append({"key": key, **_plain(was.display_name, was.unit_labels, was.area)})
    return diff
