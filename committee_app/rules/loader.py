"""Read, merge and validate the rule-set data files in ``rules/data``.

Every ``*.yaml`` file is one rule set named after the file (``national.yaml`` →
``"national"``). A file may declare ``extends: <other rule set>``; the overlay's
top-level keys replace the base's, and the keyed lists (settings, thresholds,
procedure steps, candidate conditions, checklist items) are merged entry by entry:
an overlay entry whose ``key`` exists in the base replaces the fields it names,
a new ``key`` is appended.

Validation is strict. Every problem raises :class:`RuleDataError` naming the file
and the key path, e.g.
``national.yaml: procedures.formation.steps[4].deadline.anchor: unknown anchor 'meting_on'``.
"""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass, field, replace
from fractions import Fraction
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from .model import (
    ACTOR_ROLES,
    ANCHORS,
    CHECKLIST_KINDS,
    CITATION_PREFIXES,
    COMPLETION_MODES,
    CONDITION_SCOPES,
    DEADLINE_KINDS,
    DEADLINE_UNITS,
    DOCUMENT_KINDS,
    PERIOD_DIRECTIONS,
    PERIOD_KINDS,
    PROCEDURE_KINDS,
    SETTING_ITEM_SECTIONS,
    SETTING_TYPES,
    SITUATIONS,
    STEP_ACTIONS,
    THRESHOLD_BASES,
    THRESHOLD_COMPARISONS,
    WAIVER_ROLES,
    CandidateCondition,
    ChecklistItem,
    DeadlineRule,
    PeriodCounting,
    Phase,
    Procedure,
    RuleSet,
    Setting,
    SPECIAL_ITEMS,
    StepRule,
    Subject,
    Threshold,
    WaiverRule,
    split_items,
)

DATA_DIR = Path(__file__).parent / "data"

_CITATION = re.compile(r"^(?P<prefix>[A-Z]+)(?: \S.*)?$")
_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


class RuleDataError(ValueError):
    """A rule-set data file is malformed; the message names the file and key path."""


def load_rule_sets(data_dir: str | Path | None = None) -> dict[str, RuleSet]:
    """Load every ``*.yaml`` rule set in ``data_dir`` (default: the package's data)."""
    directory = Path(data_dir) if data_dir is not None else DATA_DIR
    raw_files = {path.stem: (path.name, _read_yaml(path)) for path in sorted(directory.glob("*.yaml"))}
    if not raw_files:
        raise RuleDataError(f"{directory}: no rule-set files (*.yaml) found")
    merged: dict[str, _Merged] = {}
    for key in raw_files:
        _resolve(key, raw_files, merged, chain=())
    # ``merged`` is in resolution order (bases first), so a base's errors are reported first.
    built = {key: _build_rule_set(key, body) for key, body in merged.items()}
    return {key: built[key] for key in sorted(built)}


@functools.cache
def get_rule_sets() -> Mapping[str, RuleSet]:
    """The packaged rule sets, loaded once per process (a read-only mapping)."""
    return MappingProxyType(load_rule_sets())


def get_rule_set(key: str) -> RuleSet:
    try:
        return get_rule_sets()[key]
    except KeyError:
        raise KeyError(f"no rule set {key!r}; known: {', '.join(sorted(get_rule_sets()))}") from None


# --------------------------------------------------------------------------- reading


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise RuleDataError(f"{path.name}: not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise RuleDataError(f"{path.name}: the top level must be a mapping")
    return data


# --------------------------------------------------------------------------- merging


@dataclass
class _Entry:
    """One keyed list entry with the file and index it was last written from."""

    data: dict[str, Any]
    file: str
    index: int


@dataclass
class _Merged:
    file: str  # the file that defines this rule set
    files: list[str]  # every file in its extends chain, base first
    top: dict[str, Any]  # title_zh, title_en, extends
    settings: dict[str, _Entry]
    thresholds: dict[str, _Entry]
    candidate_conditions: dict[str, _Entry]
    checklists: dict[str, _Entry]
    procedures: dict[str, dict[str, Any]]  # kind -> {"top": {...}, "steps": {key: _Entry}}
    subjects: dict[str, _Entry] = field(default_factory=dict)  # CC art 278 subjects
    period_counting: dict[str, _Entry] = field(default_factory=dict)  # CC arts 200-204


_TOP_FIELDS = {"title_zh", "title_en", "extends", "settings", "thresholds", "procedures",
               "candidate_conditions", "checklists", "subjects", "period_counting"}
_KEYED_SECTIONS = ("settings", "thresholds", "candidate_conditions", "checklists", "subjects", "period_counting")


def _resolve(key: str, raw_files: dict, merged: dict[str, _Merged], chain: tuple[str, ...]) -> _Merged:
    if key in merged:
        return merged[key]
    filename, raw = raw_files[key]
    if key in chain:
        raise RuleDataError(f"{filename}: extends: circular 'extends' chain {' -> '.join(chain + (key,))}")
    unknown = sorted(set(raw) - _TOP_FIELDS)
    if unknown:
        raise RuleDataError(f"{filename}: {unknown[0]}: unknown key")
    base_key = raw.get("extends")
    if base_key is None:
        result = _Merged(filename, [filename], {}, {}, {}, {}, {}, {}, {})
    else:
        if not isinstance(base_key, str) or base_key not in raw_files:
            raise RuleDataError(f"{filename}: extends: unknown rule set {base_key!r}")
        result = copy.deepcopy(_resolve(base_key, raw_files, merged, chain + (key,)))
        result.file = filename
        result.files.append(filename)
    for field in ("title_zh", "title_en"):
        if field in raw:
            result.top[field] = raw[field]
    result.top["extends"] = base_key
    for section in _KEYED_SECTIONS:
        if section in raw:
            _merge_keyed(getattr(result, section), raw[section], filename, section)
    if "procedures" in raw:
        _merge_procedures(result.procedures, raw["procedures"], filename)
    merged[key] = result
    return result


def _merge_keyed(target: dict[str, _Entry], entries: Any, filename: str, path: str) -> None:
    if not isinstance(entries, list):
        raise RuleDataError(f"{filename}: {path}: expected a list")
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        where = f"{path}[{index}]"
        if not isinstance(entry, dict):
            raise RuleDataError(f"{filename}: {where}: expected a mapping")
        key = entry.get("key")
        if not isinstance(key, str) or not _KEY.match(key):
            raise RuleDataError(f"{filename}: {where}.key: missing or not a valid key: {key!r}")
        if key in seen:
            raise RuleDataError(f"{filename}: {where}.key: duplicate key {key!r}")
        seen.add(key)
        if key in target:
            target[key] = _Entry({**target[key].data, **entry}, filename, index)
        else:
            target[key] = _Entry(dict(entry), filename, index)


def _merge_procedures(target: dict[str, dict[str, Any]], raw: Any, filename: str) -> None:
    if not isinstance(raw, dict):
        raise RuleDataError(f"{filename}: procedures: expected a mapping of procedure kinds")
    for kind, body in raw.items():
        path = f"procedures.{kind}"
        if kind not in PROCEDURE_KINDS:
            raise RuleDataError(f"{filename}: {path}: unknown procedure kind {kind!r}")
        if not isinstance(body, dict):
            raise RuleDataError(f"{filename}: {path}: expected a mapping")
        unknown = sorted(set(body) - {"title_zh", "title_en", "phases", "steps"})
        if unknown:
            raise RuleDataError(f"{filename}: {path}.{unknown[0]}: unknown key")
        procedure = target.setdefault(kind, {"top": {}, "steps": {}, "file": filename})
        procedure["file"] = filename
        procedure["top"].update({k: v for k, v in body.items() if k != "steps"})
        if "steps" in body:
            _merge_keyed(procedure["steps"], body["steps"], filename, f"{path}.steps")


# --------------------------------------------------------------------------- validating


class _Fields:
    """Reads the fields of one mapping, failing with file and key path."""

    def __init__(self, data: dict[str, Any], file: str, path: str, required: set[str], optional: set[str]):
        self.data, self.file, self.path, self.required = data, file, path, required
        unknown = sorted(set(data) - required - optional)
        if unknown:
            self.fail(unknown[0], "unknown key")
        for name in sorted(required):
            if name not in data:
                self.fail(name, "missing required field")

    def fail(self, name: str | None, message: str) -> None:
        where = f"{self.path}.{name}" if name else self.path
        raise RuleDataError(f"{self.file}: {where}: {message}")

    def text(self, name: str, default: str = "") -> str:
        value = self.data.get(name, default)
        if not isinstance(value, str) or (name in self.data and not value.strip()):
            self.fail(name, f"expected non-empty text, got {value!r}")
        return value

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.data.get(name, default)
        if not isinstance(value, bool):
            self.fail(name, f"expected true or false, got {value!r}")
        return value

    def whole(self, name: str, default: int | None = None) -> int | None:
        value = self.data.get(name, default)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            self.fail(name, f"expected a whole number ≥ 0, got {value!r}")
        return value

    def one_of(self, name: str, allowed: tuple[str, ...], what: str, default: str | None = None) -> str | None:
        value = self.data.get(name, default)
        if value is None and name not in self.required:
            return None
        if value not in allowed:
            self.fail(name, f"unknown {what} {value!r}; expected one of: {', '.join(allowed)}")
        return value

    def texts(self, name: str, allowed: tuple[str, ...] | None = None, what: str = "value") -> tuple[str, ...]:
        value = self.data.get(name, [])
        if not isinstance(value, list):
            self.fail(name, f"expected a list, got {value!r}")
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.fail(f"{name}[{index}]", f"expected non-empty text, got {item!r}")
            if allowed is not None and item not in allowed:
                self.fail(f"{name}[{index}]", f"unknown {what} {item!r}; expected one of: {', '.join(allowed)}")
        return tuple(value)

    def citations(self, name: str = "citations", allow_empty: bool = False) -> tuple[str, ...]:
        values = self.texts(name)
        for index, citation in enumerate(values):
            match = _CITATION.match(citation)
            if not match or match["prefix"] not in CITATION_PREFIXES:
                self.fail(
                    f"{name}[{index}]",
                    f"unknown citation key prefix in {citation!r}; expected one of: {', '.join(CITATION_PREFIXES)}",
                )
        if not values and not allow_empty:
            self.fail(name, "at least one citation is required (or mark the entry unconfirmed)")
        return values

    def fraction(self, name: str) -> Fraction:
        value = self.data.get(name)
        try:
            share = Fraction(value) if isinstance(value, str) and "/" in value else None
        except (ValueError, ZeroDivisionError):
            share = None
        if share is None or not 0 < share <= 1:
            self.fail(name, f"expected a fraction such as '2/3', got {value!r}")
        return share


def _build_rule_set(key: str, merged: _Merged) -> RuleSet:
    top = _Fields(merged.top, merged.file, "", {"title_zh", "title_en"}, {"extends"})
    title_zh, title_en = top.text("title_zh"), top.text("title_en")
    if not merged.settings:
        raise RuleDataError(f"{merged.file}: settings: a rule set needs settings")
    settings = tuple(_build_setting(entry) for entry in merged.settings.values())
    settings_by_key = {setting.key: setting for setting in settings}
    thresholds = tuple(_build_threshold(entry) for entry in merged.thresholds.values())
    procedures = tuple(
        _build_procedure(kind, merged.procedures[kind], settings_by_key)
        for kind in PROCEDURE_KINDS
        if kind in merged.procedures
    )
    conditions = tuple(_build_condition(entry, settings_by_key) for entry in merged.candidate_conditions.values())
    checklists = tuple(_build_checklist_item(entry) for entry in merged.checklists.values())
    counting = tuple(_build_period_counting(entry) for entry in merged.period_counting.values())
    subjects = tuple(_build_subject(entry) for entry in merged.subjects.values())
    _check_setting_items(merged, settings, {"subjects": {subject.key for subject in subjects}})
    return RuleSet(
        key=key,
        title_zh=title_zh,
        title_en=title_en,
        extends=merged.top.get("extends"),
        settings=settings,
        thresholds=thresholds,
        procedures=procedures,
        candidate_conditions=conditions,
        checklists=checklists,
        source_files=tuple(merged.files),
        subjects=subjects,
        period_counting=counting,
    )


def _check_setting_items(merged: _Merged, settings: tuple[Setting, ...], sections: dict[str, set[str]]) -> None:
    """A text setting with ``items_from`` lists only keys of that section."""
    for setting in settings:
        if setting.items_from is None:
            continue
        for item in split_items(str(setting.value)):
            if item not in sections[setting.items_from]:
                raise RuleDataError(f"{merged.file}: settings: {setting.key}: value {item!r} is not a key of "
                                    f"{setting.items_from}")


def _where(section: str, entry: _Entry) -> str:
    return f"{section}[{entry.index}]"


def _build_setting(entry: _Entry) -> Setting:
    fields = _Fields(
        entry.data, entry.file, _where("settings", entry),
        required={"key", "value", "type", "title_zh", "title_en", "citations", "unconfirmed"},
        optional={"choices", "choice_labels", "minimum", "maximum", "must_be_odd", "per_compound",
                  "conflicts_with", "notes_zh", "notes_en", "items_from"},
    )
    setting_type = fields.one_of("type", SETTING_TYPES, "setting type")
    unconfirmed = fields.flag("unconfirmed")
    choices = fields.texts("choices")
    if setting_type == "choice" and not choices:
        fields.fail("choices", "a choice setting needs its allowed values")
    if setting_type != "choice" and choices:
        fields.fail("choices", "only a choice setting has choices")
    choice_labels = _choice_labels(fields, choices)
    items_from = fields.one_of("items_from", SETTING_ITEM_SECTIONS, "section")
    if items_from is not None and setting_type != "str":
        fields.fail("items_from", "only a text setting lists keys of another section")
    limits = {name: fields.whole(name) for name in ("minimum", "maximum")}
    must_be_odd = fields.flag("must_be_odd")
    if setting_type != "int" and (must_be_odd or any(v is not None for v in limits.values())):
        fields.fail("type", "minimum, maximum and must_be_odd apply only to int settings")
    setting = Setting(
        key=entry.data["key"],
        value=entry.data["value"],
        type=setting_type,
        title_zh=fields.text("title_zh"),
        title_en=fields.text("title_en"),
        citations=fields.citations(allow_empty=unconfirmed),
        unconfirmed=unconfirmed,
        choices=choices,
        minimum=limits["minimum"],
        maximum=limits["maximum"],
        must_be_odd=must_be_odd,
        per_compound=fields.flag("per_compound"),
        conflicts_with=fields.citations("conflicts_with", allow_empty=True),
        notes_zh=fields.text("notes_zh"),
        notes_en=fields.text("notes_en"),
        choice_labels=choice_labels,
        items_from=items_from,
    )
    raw_value = entry.data["value"]
    if setting_type in ("int", "bool") and isinstance(raw_value, str):
        fields.fail("value", f"expected a {setting_type} value, got the text {raw_value!r}")
    try:
        value = setting.coerce(raw_value)
    except ValueError as error:
        fields.fail("value", str(error))
    return replace(setting, value=value)


def _choice_labels(fields: _Fields, choices: tuple[str, ...]) -> tuple[tuple[str, str, str], ...]:
    """``choice_labels: {value: {zh: …, en: …}}``: words for every allowed value, and only for those."""
    raw = fields.data.get("choice_labels")
    if not choices:
        if raw is not None:
            fields.fail("choice_labels", "only a choice setting has choice labels")
        return ()
    if not isinstance(raw, dict):
        fields.fail("choice_labels", "a choice setting needs a label (zh and en) for each allowed value")
    for value in raw:
        if value not in choices:
            fields.fail(f"choice_labels.{value}", f"not one of the choices: {', '.join(choices)}")
    labels = []
    for value in choices:
        label = raw.get(value)
        if not isinstance(label, dict) or set(label) != {"zh", "en"}:
            fields.fail(f"choice_labels.{value}", "needs exactly zh and en")
        for language in ("zh", "en"):
            if not isinstance(label[language], str) or not label[language].strip():
                fields.fail(f"choice_labels.{value}.{language}", f"expected non-empty text, got {label[language]!r}")
        labels.append((value, label["zh"], label["en"]))
    return tuple(labels)


def _build_threshold(entry: _Entry) -> Threshold:
    fields = _Fields(
        entry.data, entry.file, _where("thresholds", entry),
        required={"key", "title_zh", "title_en", "share", "comparison", "base", "counting_word_zh", "citations"},
        optional={"applies_to_zh", "applies_to_en"},
    )
    return Threshold(
        key=entry.data["key"],
        title_zh=fields.text("title_zh"),
        title_en=fields.text("title_en"),
        share=fields.fraction("share"),
        comparison=fields.one_of("comparison", THRESHOLD_COMPARISONS, "comparison"),
        base=fields.one_of("base", THRESHOLD_BASES, "base"),
        counting_word_zh=fields.text("counting_word_zh"),
        citations=fields.citations(),
        applies_to_zh=fields.text("applies_to_zh"),
        applies_to_en=fields.text("applies_to_en"),
    )


def _build_subject(entry: _Entry) -> Subject:
    fields = _Fields(
        entry.data, entry.file, _where("subjects", entry),
        required={"key", "item", "matter", "title_zh", "title_en", "citations"},
        optional={"kind"},
    )
    item = fields.whole("item")
    if item is None or not 1 <= item <= 9:
        fields.fail("item", "an item of CC art 278 ¶1 is 1 to 9")
    matter = fields.one_of("matter", ("ordinary", "special"), "matter")
    if item in SPECIAL_ITEMS and matter != "special":
        fields.fail("matter", f"CC art 278 ¶1 item {item} is a special matter (¶2); it cannot be made ordinary")
    return Subject(
        key=entry.data["key"],
        item=item,
        matter=matter,
        title_zh=fields.text("title_zh"),
        title_en=fields.text("title_en"),
        citations=fields.citations(),
        kind=fields.one_of("kind", ("election", "motion"), "kind", default="motion"),
    )


def _build_procedure(kind: str, body: dict[str, Any], settings: dict[str, Setting]) -> Procedure:
    file = body["file"]
    top = _Fields(body["top"], file, f"procedures.{kind}", {"title_zh", "title_en"}, {"phases"})
    entries = body["steps"]
    if not entries:
        top.fail("steps", "a procedure needs at least one step")
    known_steps = set(entries)
    steps = tuple(_build_step(kind, entry, known_steps, settings) for entry in entries.values())
    phases = _build_phases(body, kind, steps, entries)
    return Procedure(kind=kind, title_zh=top.text("title_zh"), title_en=top.text("title_en"), steps=steps,
                     phases=phases)


def _build_phases(body: dict[str, Any], kind: str, steps: tuple[StepRule, ...], entries: dict) -> tuple[Phase, ...]:
    """The procedure's phases. Optional; once declared, every step names one, the steps of a phase
    are consecutive and follow the phases' order, and every phase has a step."""
    file, path = body["file"], f"procedures.{kind}"
    raw = body["top"].get("phases")
    step_path = {entry.data["key"]: (entry.file, f"{path}.steps[{entry.index}]") for entry in entries.values()}
    if raw is None:
        for step in steps:
            if step.phase is not None:
                where, at = step_path[step.key]
                raise RuleDataError(f"{where}: {at}.phase: the procedure declares no phases")
        return ()
    if not isinstance(raw, list) or not raw:
        raise RuleDataError(f"{file}: {path}.phases: expected a non-empty list")
    phases: list[Phase] = []
    for index, item in enumerate(raw):
        where = f"{path}.phases[{index}]"
        if not isinstance(item, dict):
            raise RuleDataError(f"{file}: {where}: expected a mapping")
        fields = _Fields(item, file, where, {"key", "title_zh", "title_en"}, set())
        key = item["key"]
        if not isinstance(key, str) or not _KEY.match(key):
            fields.fail("key", f"not a valid key: {key!r}")
        if any(phase.key == key for phase in phases):
            fields.fail("key", f"duplicate phase {key!r}")
        phases.append(Phase(key=key, title_zh=fields.text("title_zh"), title_en=fields.text("title_en")))
    order = {phase.key: index for index, phase in enumerate(phases)}
    last = 0
    for step in steps:
        where, at = step_path[step.key]
        if step.phase is None:
            raise RuleDataError(f"{where}: {at}.phase: missing (the procedure declares phases)")
        if step.phase not in order:
            raise RuleDataError(f"{where}: {at}.phase: unknown phase {step.phase!r}; expected one of: "
                                f"{', '.join(order)}")
        if order[step.phase] < last:
            raise RuleDataError(f"{where}: {at}.phase: phase {step.phase!r} comes before the previous step's; "
                                "a phase's steps must be consecutive, in the phases' order")
        last = order[step.phase]
    unused = [phase.key for phase in phases if phase.key not in {step.phase for step in steps}]
    if unused:
        raise RuleDataError(f"{file}: {path}.phases: phase {unused[0]!r} has no step")
    return tuple(phases)


def _build_step(kind: str, entry: _Entry, known_steps: set[str], settings: dict[str, Setting]) -> StepRule:
    fields = _Fields(
        entry.data, entry.file, f"procedures.{kind}.steps[{entry.index}]",
        required={"key", "title_zh", "title_en", "actor", "prerequisites", "deadline", "documents",
                  "street_signoff", "citations", "completed_by"},
        optional={"action", "unconfirmed", "notes_zh", "notes_en", "waiver", "phase"},
    )
    key = entry.data["key"]
    prerequisites = fields.texts("prerequisites")
    for index, prerequisite in enumerate(prerequisites):
        if prerequisite not in known_steps:
            fields.fail(f"prerequisites[{index}]", f"unknown step {prerequisite!r}")
        if prerequisite == key:
            fields.fail(f"prerequisites[{index}]", "a step cannot require itself")
    completed_by = fields.one_of("completed_by", COMPLETION_MODES, "completion mode")
    action = fields.one_of("action", STEP_ACTIONS, "action")
    if completed_by == "action" and action is None:
        fields.fail("action", "a step completed by an action must name the action")
    if completed_by == "manual" and action is not None:
        fields.fail("action", "a manual step has no action")
    unconfirmed = fields.flag("unconfirmed")
    citations = fields.citations(allow_empty=unconfirmed)
    deadline = None
    if entry.data["deadline"] is not None:
        deadline = _build_deadline(entry.data["deadline"], fields, settings, citations)
    waiver = None
    if entry.data.get("waiver") is not None:
        if action == "vote":
            fields.fail("waiver", "the vote step is never waivable")
        waiver = _build_waiver(entry.data["waiver"], fields)
    return StepRule(
        key=key,
        procedure=kind,
        title_zh=fields.text("title_zh"),
        title_en=fields.text("title_en"),
        actor=fields.one_of("actor", ACTOR_ROLES, "actor role"),
        prerequisites=prerequisites,
        deadline=deadline,
        documents=fields.texts("documents", DOCUMENT_KINDS, "document kind"),
        street_signoff=fields.flag("street_signoff"),
        citations=citations,
        completed_by=completed_by,
        action=action,
        unconfirmed=unconfirmed,
        notes_zh=fields.text("notes_zh"),
        notes_en=fields.text("notes_en"),
        waiver=waiver,
        phase=fields.text("phase") if "phase" in entry.data else None,
    )


def _build_waiver(raw: Any, step: _Fields) -> WaiverRule:
    if not isinstance(raw, dict):
        step.fail("waiver", f"expected a mapping or null, got {raw!r}")
    fields = _Fields(raw, step.file, f"{step.path}.waiver", {"by", "citations"}, {"notes_zh", "notes_en"})
    by = fields.texts("by", WAIVER_ROLES, "waiver role")
    if not by:
        fields.fail("by", "name who may waive the step (or leave out 'waiver': the step cannot be waived)")
    return WaiverRule(by=by, citations=fields.citations(), notes_zh=fields.text("notes_zh"),
                      notes_en=fields.text("notes_en"))


def _build_period_counting(entry: _Entry) -> PeriodCounting:
    fields = _Fields(
        entry.data, entry.file, _where("period_counting", entry),
        required={"key", "title_zh", "title_en", "direction", "extends_past_holidays", "citations", "unconfirmed"},
        optional={"notes_zh", "notes_en"},
    )
    key = entry.data["key"]
    if key not in PERIOD_KINDS:
        fields.fail("key", f"unknown period kind {key!r}; expected one of: {', '.join(PERIOD_KINDS)}")
    return PeriodCounting(
        key=key, title_zh=fields.text("title_zh"), title_en=fields.text("title_en"),
        direction=fields.one_of("direction", PERIOD_DIRECTIONS, "direction"),
        extends_past_holidays=fields.flag("extends_past_holidays"), citations=fields.citations(),
        unconfirmed=fields.flag("unconfirmed"), notes_zh=fields.text("notes_zh"), notes_en=fields.text("notes_en"),
    )


def _build_deadline(
    raw: Any, step: _Fields, settings: dict[str, Setting], step_citations: tuple[str, ...]
) -> DeadlineRule:
    path = f"{step.path}.deadline"
    if not isinstance(raw, dict):
        step.fail("deadline", f"expected a mapping or null, got {raw!r}")
    fields = _Fields(raw, step.file, path, {"kind", "anchor"}, {"days", "months", "setting", "unit", "citations"})
    amounts = [name for name in ("days", "months", "setting") if name in raw]
    if len(amounts) != 1:
        fields.fail(None, "needs exactly one of days, months or setting")
    setting_key = raw.get("setting")
    if setting_key is not None:
        setting = settings.get(setting_key)
        if setting is None:
            fields.fail("setting", f"unknown setting {setting_key!r}")
        if setting.type != "int":
            fields.fail("setting", f"setting {setting_key!r} is not an int setting")
    elif "unit" in raw:
        fields.fail("unit", "unit is only used together with setting")
    return DeadlineRule(
        kind=fields.one_of("kind", DEADLINE_KINDS, "deadline kind"),
        anchor=fields.one_of("anchor", ANCHORS, "anchor"),
        days=fields.whole("days"),
        months=fields.whole("months"),
        setting=setting_key,
        unit=fields.one_of("unit", DEADLINE_UNITS, "unit", default="days"),
        citations=fields.citations(allow_empty=True) or step_citations,
    )


def _build_condition(entry: _Entry, settings: dict[str, Setting]) -> CandidateCondition:
    fields = _Fields(
        entry.data, entry.file, _where("candidate_conditions", entry),
        required={"key", "text_zh", "text_en", "scope", "required", "citations", "unconfirmed"},
        optional={"setting"},
    )
    scope = fields.one_of("scope", CONDITION_SCOPES, "scope")
    setting_key = entry.data.get("setting")
    if scope == "local":
        if setting_key not in settings:
            fields.fail("setting", f"a local condition must name a bool setting; unknown setting {setting_key!r}")
        if settings[setting_key].type != "bool":
            fields.fail("setting", f"setting {setting_key!r} is not a bool setting")
    elif setting_key is not None:
        fields.fail("setting", "a national condition always applies and has no setting")
    unconfirmed = fields.flag("unconfirmed")
    return CandidateCondition(
        key=entry.data["key"],
        text_zh=fields.text("text_zh"),
        text_en=fields.text("text_en"),
        scope=scope,
        required=fields.flag("required"),
        citations=fields.citations(allow_empty=unconfirmed),
        unconfirmed=unconfirmed,
        setting=setting_key,
    )


def _build_checklist_item(entry: _Entry) -> ChecklistItem:
    fields = _Fields(
        entry.data, entry.file, _where("checklists", entry),
        required={"key", "text_zh", "text_en", "kind", "citations", "unconfirmed", "situations"},
        optional=set(),
    )
    situations = fields.texts("situations", SITUATIONS + ("all",), "situation")
    if not situations:
        fields.fail("situations", "list at least one situation, or 'all'")
    unconfirmed = fields.flag("unconfirmed")
    return ChecklistItem(
        key=entry.data["key"],
        text_zh=fields.text("text_zh"),
        text_en=fields.text("text_en"),
        kind=fields.one_of("kind", CHECKLIST_KINDS, "checklist kind"),
        citations=fields.citations(allow_empty=unconfirmed),
        unconfirmed=unconfirmed,
        situations=situations,
    )

