"""Frozen value objects for a rule set (法规规则集).

Everything here is plain data read from ``rules/data/*.yaml`` by :mod:`.loader`.
No Flask, no database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

SettingValue = int | bool | str | Fraction

CITATION_PREFIXES = ("CC", "SPC", "PMR", "GR", "SC", "CD")
SETTING_TYPES = ("int", "bool", "choice", "fraction", "str")
#: the rule data sections whose keys a text setting may list (``items_from``)
SETTING_ITEM_SECTIONS = ("subjects",)
ACTOR_ROLES = ("organiser", "street_officer", "owners", "committee", "developer")
DEADLINE_KINDS = ("before", "after", "within")
DEADLINE_UNITS = ("days", "months")
ANCHORS = ("application_on", "group_formed_on", "meeting_on", "election_on", "term_ends_on")
PROCEDURE_KINDS = ("formation", "reelection")
COMPLETION_MODES = ("action", "manual")
#: Features of the app that complete a step when ``completed_by`` is ``action``.
STEP_ACTIONS = (
    "roll_notice",
    "nominations",
    "vetting",
    "candidate_list",
    "meeting_notice",
    "vote",
    "count",
    "result_notice",
)
DOCUMENT_KINDS = (
    "handover_record",
    "group_decision",
    "member_notice",
    "roll_notice",
    "draft_covenant",
    "draft_rules_of_procedure",
    "nomination_notice",
    "eligibility_record",
    "candidate_list",
    "objection_record",
    "meeting_notice",
    "ballot",
    "count_record",
    "result_notice",
    "minutes",
    "filing_package",
    "start_report",
    "handover_list",
)
CHECKLIST_KINDS = ("must", "may", "must_not")
SITUATIONS = (
    "normal_term",
    "during_reelection",
    "before_service_contract",
    "before_maintenance_funds",
    "at_handover",
)
THRESHOLD_COMPARISONS = ("at_least", "more_than")
PERIOD_KINDS = ("within", "publicity", "before", "after", "term")
PERIOD_DIRECTIONS = ("after_event", "before_anchor")
#: who may waive a step (rule data ``waiver.by``): the organiser alone, or the street office approving
WAIVER_ROLES = ("organiser", "street_officer")
THRESHOLD_BASES = ("roll", "participating")
CONDITION_SCOPES = ("national", "local")

ANCHOR_TITLES = {
    "application_on": ("业主书面申请日", "the owners' written application"),
    "group_formed_on": ("筹备组成立日", "the day the preparatory group was formed"),
    "meeting_on": ("业主大会会议（表决）日", "the general meeting (vote)"),
    "election_on": ("选举日", "the election"),
    "term_ends_on": ("任期届满日", "the end of the term"),
}

_TRUE_WORDS = {"true", "1", "yes", "on", "是", "y"}
_FALSE_WORDS = {"false", "0", "no", "off", "否", "n", ""}


def split_items(raw: str) -> list[str]:
    """The keys of a list setting ("a, b、c", as typed or stored), in order, without repeats."""
    items = []
    for part in str(raw or "").replace("，", ",").replace("、", ",").split(","):
        if part.strip() and part.strip() not in items:
            items.append(part.strip())
    return items


@dataclass(frozen=True)
class Setting:
    """One adjustable value of a rule set, e.g. ``meeting_notice_days = 15``."""

    key: str
    value: SettingValue
    type: str
    title_zh: str
    title_en: str
    citations: tuple[str, ...]
    unconfirmed: bool
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    must_be_odd: bool = False
    per_compound: bool = False
    conflicts_with: tuple[str, ...] = ()
    notes_zh: str = ""
    notes_en: str = ""
    #: a choice setting's words for each allowed value: ((value, zh, en), …) in the order of ``choices``
    choice_labels: tuple[tuple[str, str, str], ...] = ()
    #: a text setting that holds a comma-separated list of keys of this rule data section ("subjects")
    items_from: str | None = None

    def choice_label(self, value: str, language: str = "zh") -> str:
        """The words for one allowed value of a choice setting (never the raw key)."""
        for choice, zh, en in self.choice_labels:
            if choice == value:
                return en if language == "en" else zh
        raise KeyError(f"setting {self.key!r} has no label for {value!r}")

    def coerce(self, raw: object) -> SettingValue:
        """Return ``raw`` as a value of this setting's type, or raise ``ValueError``.

        Accepts the strings a form or a database column would hold ("15", "true",
        "1/3") as well as native values.
        """
        if self.type == "int":
            value = _coerce_int(self.key, raw)
            if self.minimum is not None and value < self.minimum:
                raise ValueError(f"setting {self.key!r}: {value} is below the minimum {self.minimum}")
            if self.maximum is not None and value > self.maximum:
                raise ValueError(f"setting {self.key!r}: {value} is above the maximum {self.maximum}")
            if self.must_be_odd and value % 2 == 0:
                raise ValueError(f"setting {self.key!r}: {value} must be an odd number")
            return value
        if self.type == "bool":
            return _coerce_bool(self.key, raw)
        if self.type == "choice":
            if not isinstance(raw, str) or raw not in self.choices:
                allowed = ", ".join(self.choices)
                raise ValueError(f"setting {self.key!r}: {raw!r} is not one of: {allowed}")
            return raw
        if self.type == "fraction":
            return _coerce_fraction(self.key, raw)
        if not isinstance(raw, str):
            raise ValueError(f"setting {self.key!r}: expected text, got {raw!r}")
        return raw


@dataclass(frozen=True)
class Threshold:
    """A share that a count must reach, on headcount and on area alike (CC art 278)."""

    key: str
    title_zh: str
    title_en: str
    share: Fraction
    comparison: str  # "at_least" (以上, inclusive) or "more_than" (过半数/超过, strict)
    base: str  # "roll" (all voters) or "participating" (those who took part)
    counting_word_zh: str
    citations: tuple[str, ...]
    applies_to_zh: str = ""
    applies_to_en: str = ""


@dataclass(frozen=True)
class Subject:
    """One subject owners decide jointly (CC art 278 ¶1 items 1-9) and its matter.

    Items 6-8 are special (CC art 278 ¶2: ≥ 3/4 of the participating area and headcount);
    the loader refuses them as ordinary. The rest are ordinary (> 1/2); a compound's rules
    of procedure may make one stricter (setting ``stricter_subjects``), never laxer.
    """

    key: str
    item: int  # the item of CC art 278 ¶1
    matter: str  # "ordinary" | "special"
    title_zh: str
    title_en: str
    citations: tuple[str, ...]
    kind: str = "motion"  # "election" for item 3 (electing the committee), else "motion"


#: CC art 278 ¶1 items whose decisions are special matters (¶2)
SPECIAL_ITEMS = (6, 7, 8)


@dataclass(frozen=True)
class DeadlineRule:
    """When a step may or must happen relative to an anchor date.

    ``before``: on or before anchor − N (so exactly N days ahead passes).
    ``within``: on or after the anchor and on or before anchor + N.
    ``after``: on or after anchor + N.
    The amount is ``days``, ``months`` or the int ``setting`` counted in ``unit``.
    """

    kind: str
    anchor: str
    days: int | None = None
    months: int | None = None
    setting: str | None = None
    unit: str = "days"
    citations: tuple[str, ...] = ()

    def amount(self, settings: Mapping[str, object]) -> tuple[int, str]:
        """(N, "days"|"months") for this rule, reading ``setting`` from ``settings``."""
        if self.days is not None:
            return self.days, "days"
        if self.months is not None:
            return self.months, "months"
        try:
            value = settings[self.setting]
        except KeyError:
            raise KeyError(f"deadline needs setting {self.setting!r}, which is missing") from None
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"setting {self.setting!r} must be an int, got {value!r}")
        return value, self.unit


@dataclass(frozen=True)
class PeriodCounting:
    """How one kind of period is counted (CC arts 200-204): its direction and whether a last day
    that is a statutory rest day is extended (art 203)."""

    key: str
    title_zh: str
    title_en: str
    direction: str  # "after_event" or "before_anchor"
    extends_past_holidays: bool
    citations: tuple[str, ...]
    unconfirmed: bool = False
    notes_zh: str = ""
    notes_en: str = ""


@dataclass(frozen=True)
class WaiverRule:
    """Who may waive a procedure step and on what basis. ``by`` lists ``organiser`` (may waive it
    alone, with a reason) and/or ``street_officer`` (approves a waiver, with a reason)."""

    by: tuple[str, ...]
    citations: tuple[str, ...]
    notes_zh: str = ""
    notes_en: str = ""

    @property
    def organiser_may_waive(self) -> bool:
        return "organiser" in self.by

    @property
    def street_office_may_approve(self) -> bool:
        return "street_officer" in self.by


@dataclass(frozen=True)
class StepRule:
    """One step of a formation or re-election procedure."""

    key: str
    procedure: str
    title_zh: str
    title_en: str
    actor: str
    prerequisites: tuple[str, ...]
    deadline: DeadlineRule | None
    documents: tuple[str, ...]
    street_signoff: bool
    citations: tuple[str, ...]
    completed_by: str  # "action" or "manual"
    action: str | None = None  # which feature completes it, when completed_by == "action"
    unconfirmed: bool = False
    notes_zh: str = ""
    notes_en: str = ""
    waiver: WaiverRule | None = None  # None: statutory, never waived
    phase: str | None = None  # key of the procedure's phase this step belongs to (see ``Phase``)


@dataclass(frozen=True)
class Phase:
    """A stage of a procedure shown as one group of the stepper (e.g. 筹备, 表决); its steps are
    consecutive in the procedure's order."""

    key: str
    title_zh: str
    title_en: str


@dataclass(frozen=True)
class Procedure:
    kind: str
    title_zh: str
    title_en: str
    steps: tuple[StepRule, ...]
    phases: tuple[Phase, ...] = ()  # empty: the procedure's steps are not grouped


@dataclass(frozen=True)
class CandidateCondition:
    """An eligibility condition for committee candidates (GR art 31 and local rules)."""

    key: str
    text_zh: str
    text_en: str
    scope: str  # "national" or "local"
    required: bool
    citations: tuple[str, ...]
    unconfirmed: bool
    setting: str | None = None  # bool setting that switches a local condition on


@dataclass(frozen=True)
class ChecklistItem:
    """One line of a legal-boundaries checklist (rules-reference §7)."""

    key: str
    text_zh: str
    text_en: str
    kind: str  # "must", "may", "must_not"
    citations: tuple[str, ...]
    unconfirmed: bool
    situations: tuple[str, ...]  # members of SITUATIONS, or ("all",)

    def applies_to(self, situation: str) -> bool:
        return "all" in self.situations or situation in self.situations


@dataclass(frozen=True)
class RuleSet:
    key: str
    title_zh: str
    title_en: str
    extends: str | None
    settings: tuple[Setting, ...]
    thresholds: tuple[Threshold, ...]
    procedures: tuple[Procedure, ...]
    candidate_conditions: tuple[CandidateCondition, ...]
    checklists: tuple[ChecklistItem, ...]
    source_files: tuple[str, ...] = field(default=())
    subjects: tuple[Subject, ...] = field(default=())
    period_counting: tuple[PeriodCounting, ...] = field(default=())

    def counting(self, key: str) -> PeriodCounting:
        for counting in self.period_counting:
            if counting.key == key:
                return counting
        raise KeyError(f"rule set {self.key!r} has no period counting {key!r}")

    def setting(self, key: str) -> Setting:
        for setting in self.settings:
            if setting.key == key:
                return setting
        raise KeyError(f"rule set {self.key!r} has no setting {key!r}")

    def default_settings(self) -> dict[str, SettingValue]:
        return {setting.key: setting.value for setting in self.settings}

    def effective_settings(self, overrides: Mapping[str, object] | None = None) -> dict[str, SettingValue]:
        """Defaults with ``overrides`` applied, each checked against its setting.

        Raises ``ValueError`` naming the setting for an unknown key or a bad value.
        """
        values = self.default_settings()
        for key, raw in (overrides or {}).items():
            if key not in values:
                raise ValueError(f"unknown setting {key!r} for rule set {self.key!r}")
            values[key] = self.setting(key).coerce(raw)
        _check_committee_size(values)
        return values

    def subject(self, key: str) -> Subject:
        for subject in self.subjects:
            if subject.key == key:
                return subject
        raise KeyError(f"rule set {self.key!r} has no subject {key!r}")

    def threshold(self, key: str) -> Threshold:
        for threshold in self.thresholds:
            if threshold.key == key:
                return threshold
        raise KeyError(f"rule set {self.key!r} has no threshold {key!r}")

    def procedure(self, kind: str) -> tuple[StepRule, ...]:
        """The steps of ``kind`` ("formation" or "reelection") in order."""
        for procedure in self.procedures:
            if procedure.kind == kind:
                return procedure.steps
        raise KeyError(f"rule set {self.key!r} has no procedure {kind!r}")

    def step(self, kind: str, key: str) -> StepRule:
        for step in self.procedure(kind):
            if step.key == key:
                return step
        raise KeyError(f"procedure {kind!r} of rule set {self.key!r} has no step {key!r}")

    def checklist(self, situation: str) -> tuple[ChecklistItem, ...]:
        if situation not in SITUATIONS:
            raise ValueError(f"unknown situation {situation!r}; expected one of: {', '.join(SITUATIONS)}")
        return tuple(item for item in self.checklists if item.applies_to(situation))

    def conditions_in_force(self, settings: Mapping[str, object] | None = None) -> tuple[CandidateCondition, ...]:
        """Candidate conditions that apply: all national ones, local ones whose setting is on."""
        values = self.effective_settings() if settings is None else settings
        return tuple(
            condition
            for condition in self.candidate_conditions
            if condition.setting is None or values.get(condition.setting) is True
        )


def _check_committee_size(values: Mapping[str, object]) -> None:
    keys = ("committee_size_min", "committee_seats_default", "committee_size_max")
    if not all(key in values for key in keys):
        return
    smallest, default, largest = (values[key] for key in keys)
    if not smallest <= default <= largest:
        raise ValueError(
            f"committee_seats_default {default} must lie between "
            f"committee_size_min {smallest} and committee_size_max {largest}"
        )


def _coerce_int(key: str, raw: object) -> int:
    if isinstance(raw, bool):
        raise ValueError(f"setting {key!r}: expected a whole number, got {raw!r}")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and re.fullmatch(r"-?[0-9]+", raw.strip()):
        return int(raw.strip())
    raise ValueError(f"setting {key!r}: expected a whole number, got {raw!r}")


def _coerce_bool(key: str, raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str):
        word = raw.strip().lower()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
    raise ValueError(f"setting {key!r}: expected true or false, got {raw!r}")


def _coerce_fraction(key: str, raw: object) -> Fraction:
    if isinstance(raw, Fraction):
        value = raw
    elif isinstance(raw, str) and "/" in raw:
        try:
            value = Fraction(raw.strip())
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"setting {key!r}: expected a fraction such as '1/3', got {raw!r}") from None
    else:
        raise ValueError(f"setting {key!r}: expected a fraction such as '1/3', got {raw!r}")
    if not 0 < value <= 1:
        raise ValueError(f"setting {key!r}: {raw!r} must be a share above 0 and at most 1")
    return value
