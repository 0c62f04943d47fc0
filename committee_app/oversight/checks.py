"""The compliance checks, read once from ``checks.yaml`` (one loader, strict)."""
from __future__ import annotations

import functools
import string
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable

import yaml

from .model import SEVERITIES

DATA_FILE = Path(__file__).with_name("checks.yaml")
NEEDS = ("procedures", "committees", "notices", "voting", "meetings", "settings")
_NEED_ATTRS = {"voting": "votes", "meetings": "meetings", "procedures": "procedures", "committees": "committees",
               "notices": "notices", "settings": "settings"}


class CheckDataError(ValueError):
    pass


@dataclass(frozen=True)
class Check:
    key: str
    title_zh: str
    title_en: str
    severity: str
    citations: tuple[str, ...]
    needs: tuple[str, ...]
    checker: Callable
    params: Any  # read-only mapping
    messages: Any  # {name: {"zh": ..., "en": ...}}
    unconfirmed: bool = False
    notes_zh: str = ""
    problems: Any = field(default_factory=lambda: MappingProxyType({}))  # {message: Chinese template of what went wrong}

    def problem(self, message: str, values: dict, language: str = "zh",
                translate: Callable[[str], str] | None = None) -> str:
        """What went wrong, in words, filled with the finding's values (dates written out).

        The template is Chinese (the source language); ``translate`` (gettext, or a catalog
        lookup in tests) gives the English of the template, whose placeholders are the same."""
        template = self.problems.get(message)
        if template is None:
            return self.text(message, values, language)
        if language == "en" and translate is not None:
            template = translate(template)
        return template.format_map(_Blank({k: show_value(v, language) for k, v in values.items()}))

    def title(self, language: str = "zh") -> str:
        return self.title_en if language == "en" and self.title_en else self.title_zh

    def applies_to(self, facts) -> bool:
        return all(getattr(facts, _NEED_ATTRS[need]) is not None for need in self.needs)

    def text(self, message: str, values: dict, language: str = "zh") -> str:
        words = self.messages[message]
        template = words.get(language) or words["zh"]
        return template.format_map(_Blank({k: _show(v) for k, v in values.items()}))


class _Blank(dict):
    def __missing__(self, key):
        return "—"


MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")


def show_value(value, language: str = "zh") -> str:
    """A value as a sentence shows it: dates written out (2026年12月31日 / 31 December 2026)."""
    if hasattr(value, "on") and hasattr(value, "explanation"):  # a rules.CountedDate
        value = value.on
    if isinstance(value, date):
        if language == "en":
            return f"{value.day} {MONTHS_EN[value.month - 1]} {value.year}"
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, bool) and language == "en":
        return "yes" if value else "no"
    return _show(value)


def placeholders(template: str) -> set[str]:
    return {name for _text, name, _spec, _conv in string.Formatter().parse(template) if name}


def _show(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


@dataclass(frozen=True)
class CheckSet:
    checks: tuple[Check, ...]
    evidence_labels: Any  # {key: {"zh", "en"}}

    def by_key(self) -> dict[str, Check]:
        return {check.key: check for check in self.checks}

    def label(self, key: str, language: str = "zh") -> str:
        words = self.evidence_labels.get(key)
        if not words:
            return key
        return words.get(language) or words["zh"]


def load_checks(path: Path = DATA_FILE) -> CheckSet:
    from . import checkers

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    labels = data.get("evidence_labels") or {}
    checks, seen = [], set()
    for index, raw in enumerate(data.get("checks") or []):
        where = f"{path.name}: checks[{index}]"
        key = raw.get("key")
        if not key or key in seen:
            raise CheckDataError(f"{where}: missing or repeated key {key!r}")
        seen.add(key)
        if raw.get("severity") not in SEVERITIES:
            raise CheckDataError(f"{where} ({key}): severity must be one of {SEVERITIES}")
        function = getattr(checkers, raw.get("checker") or "", None)
        if function is None or raw["checker"] not in checkers.CHECKERS:
            raise CheckDataError(f"{where} ({key}): unknown checker {raw.get('checker')!r}")
        needs = tuple(raw.get("needs") or ())
        if any(need not in NEEDS for need in needs):
            raise CheckDataError(f"{where} ({key}): needs must be among {NEEDS}")
        messages = raw.get("messages") or {}
        if not messages or any("zh" not in words for words in messages.values()):
            raise CheckDataError(f"{where} ({key}): every message needs a zh text")
        if not raw.get("title_zh"):
            raise CheckDataError(f"{where} ({key}): title_zh is required")
        problems = _problems(raw.get("problem"), messages, f"{where} ({key})")
        checks.append(Check(
            key=key, title_zh=raw["title_zh"], title_en=raw.get("title_en", ""), severity=raw["severity"],
            citations=tuple(raw.get("citations") or ()), needs=needs, checker=function,
            params=MappingProxyType(dict(raw.get("params") or {})), messages=MappingProxyType(dict(messages)),
            unconfirmed=bool(raw.get("unconfirmed", False)), notes_zh=raw.get("notes_zh", ""),
            problems=MappingProxyType(problems),
        ))
    return CheckSet(tuple(checks), MappingProxyType(dict(labels)))


def _problems(raw, messages: dict, where: str) -> dict[str, str]:
    """``problem``: one template for every finding message of the check, or one per message."""
    findings = [name for name in messages if name != "ok"]
    if isinstance(raw, str):
        return {name: raw for name in findings}
    if not isinstance(raw, dict):
        raise CheckDataError(f"{where}: problem (a template, or one per message) is required")
    missing = [name for name in findings if not raw.get(name)]
    unknown = [name for name in raw if name not in findings]
    if missing or unknown:
        raise CheckDataError(f"{where}: problem templates missing for {missing}, unknown messages {unknown}")
    return {name: str(raw[name]) for name in findings}


@functools.cache
def get_checks() -> CheckSet:
    return load_checks()
