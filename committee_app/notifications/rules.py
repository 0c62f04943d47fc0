"""The notification rules (rules.yaml) and their timing, as plain values and pure functions."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..rules.citations import cite, law_names

RULES_FILE = Path(__file__).with_name("rules.yaml")
AUDIENCES = ("organisers", "mentors", "street_officers", "owners")


@dataclass(frozen=True)
class Timing:
    days_before: tuple[int, ...] = ()
    days_after: int | None = None
    window_days: int | None = None
    once: bool = False

    def threshold(self, event_on: date | None, today: date) -> tuple[bool, date | None]:
        """Whether to tell today, and the threshold date that keys the message.

        ``days_before``: the most urgent threshold reached, until the event's day;
        ``days_after``: from ``event_on + days_after`` until the window closes;
        ``once``: whenever the source reports the condition (keyed by ``event_on``).
        """
        if self.once:
            return True, event_on
        if event_on is None:
            return False, None
        if self.days_before:
            if today > event_on:
                return False, None
            reached = [event_on - timedelta(days=n) for n in self.days_before if event_on - timedelta(days=n) <= today]
            return (True, max(reached)) if reached else (False, None)
        start = event_on + timedelta(days=self.days_after or 0)
        if today < start:
            return False, None
        if self.window_days is not None and today > start + timedelta(days=self.window_days):
            return False, None
        return True, start


@dataclass(frozen=True)
class Rule:
    key: str
    kind: str
    audience: str
    source: str
    timing: Timing
    title_zh: str
    title_en: str
    body_zh: str
    citations: tuple[str, ...] = ()
    is_statutory: bool = False

    def render(self, values: dict[str, Any]) -> tuple[str, str]:
        """(title, body) in Chinese; a value the template names but the signal lacks shows as —; citations
        read as the laws' names and articles, not as keys."""
        citations = law_names(values.get("citations") or self.citations, "、") or "—"
        filled = _Values({**values, "citations": citations})
        return self.title_zh.format_map(filled)[:255], self.body_zh.format_map(filled)

    def title_in(self, language: str, values: dict[str, Any]) -> str | None:
        """The title in ``language`` from the stored values, or None when the rule has none."""
        if language != "en" or not self.title_en:
            return None
        citations = "; ".join(cite(key, "en").label for key in values.get("citations") or self.citations) or "—"
        return self.title_en.format_map(_Values({**values, "citations": citations}))


class _Values(dict):
    def __missing__(self, key: str) -> str:
        return "—"


@dataclass(frozen=True)
class RuleBook:
    settings: dict
    kinds: dict[str, dict[str, str]]
    rules: tuple[Rule, ...]

    def kind_label(self, kind: str, language: str = "zh") -> str:
        labels = self.kinds.get(kind, {})
        return labels.get(language) or labels.get("zh") or kind

    def rule(self, key: str) -> Rule | None:
        return next((rule for rule in self.rules if rule.key == key), None)

    def by_source(self) -> dict[str, list[Rule]]:
        result: dict[str, list[Rule]] = {}
        for rule in self.rules:
            result.setdefault(rule.source, []).append(rule)
        return result


def _setting(value: Any, settings: dict) -> Any:
    if isinstance(value, str) and value.startswith("setting:"):
        return settings[value.split(":", 1)[1]]
    return value


def parse(data: dict, overrides: dict | None = None) -> RuleBook:
    settings = {**data.get("settings", {}), **(overrides or {})}
    kinds = data.get("kinds", {})
    rules = []
    for raw in data["rules"]:
        timing = raw.get("timing") or {}
        before = _setting(timing.get("days_before", ()), settings)
        if isinstance(before, int):
            before = (before,)
        rule = Rule(
            key=raw["key"], kind=raw["kind"], audience=raw["audience"], source=raw["source"],
            timing=Timing(days_before=tuple(sorted(int(n) for n in (before or ()))),
                          days_after=None if timing.get("days_after") is None
                          else int(_setting(timing["days_after"], settings)),
                          window_days=None if timing.get("window_days") is None
                          else int(_setting(timing["window_days"], settings)),
                          once=bool(timing.get("once"))),
            title_zh=raw["title_zh"], title_en=raw.get("title_en", ""), body_zh=raw.get("body_zh", ""),
            citations=tuple(raw.get("citations", ())), is_statutory=bool(raw.get("statutory", False)),
        )
        if rule.audience not in AUDIENCES:
            raise ValueError(f"rule {rule.key}: unknown audience {rule.audience!r}")
        if rule.kind not in kinds:
            raise ValueError(f"rule {rule.key}: unknown kind {rule.kind!r}")
        rules.append(rule)
    return RuleBook(settings, kinds, tuple(rules))


@lru_cache(maxsize=1)
def _file_data() -> dict:
    return yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))


def get_rule_book(overrides: dict | None = None) -> RuleBook:
    """The rules, with ``NOTIFY_SETTINGS`` from the instance config over the file's settings."""
    return parse(_file_data(), overrides)
