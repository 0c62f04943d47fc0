"""The citation table: a key such as ``CC art 278`` → the law's name, the article and a
one-line summary, in Chinese and English, read from ``data/reference/citations.yaml``.

Residents and public documents see ``《中华人民共和国民法典》第二百七十八条``, never the key;
a key missing from the table falls back to the key itself.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

TABLE_PATH = Path(__file__).parent / "data" / "reference" / "citations.yaml"
_ARTICLE = re.compile(r"^(?P<law>[A-Z]+) art (?P<first>\d+)(?:-(?P<last>\d+))?$")
_DIGITS = "零一二三四五六七八九"


@dataclass(frozen=True)
class Citation:
    key: str
    label: str  # 《中华人民共和国民法典》第二百七十八条 / Civil Code of the PRC, Art. 278
    summary: str  # one line on what it says; "" when the key is unknown
    known: bool


def chinese_number(number: int) -> str:
    """1 → 一, 10 → 十, 16 → 十六, 278 → 二百七十八, 1259 → 一千二百五十九, 205 → 二百零五."""
    if not 0 < number < 10000:
        raise ValueError(f"article number out of range: {number}")
    units = ((1000, "千"), (100, "百"), (10, "十"), (1, ""))
    text, pending_zero = "", False
    for size, name in units:
        digit = number // size % 10
        if digit == 0:
            pending_zero = bool(text)
            continue
        if pending_zero:
            text += "零"
            pending_zero = False
        if not (size == 10 and digit == 1 and not text):
            text += _DIGITS[digit]
        text += name
    return text


@lru_cache(maxsize=1)
def table() -> dict:
    with TABLE_PATH.open(encoding="utf-8") as source:
        return yaml.safe_load(source)


def keys() -> set[str]:
    return set(table()["citations"])


def _label(key: str, entry: dict, english: bool) -> str:
    if "label_en" in entry or "label_zh" in entry:
        return entry["label_en" if english else "label_zh"]
    laws = table()["laws"]
    match = _ARTICLE.match(key)
    law = laws.get(match["law"] if match else key)
    if law is None:
        return key
    name = law["name_en" if english else "name_zh"]
    if not match:
        return name
    first, last = int(match["first"]), match["last"]
    if english:
        return f"{name}, Art{'s' if last else ''}. {first}{'-' + last if last else ''}"
    article = f"第{chinese_number(first)}条"
    if last:
        article += f"至第{chinese_number(int(last))}条"
    return name + article


def cite(key: str, locale: str = "zh") -> Citation:
    """The citation behind ``key`` in the UI's language; unknown keys come back as themselves."""
    entry = table()["citations"].get(key)
    english = locale == "en"
    if entry is None:
        return Citation(key, key, "", False)
    return Citation(key, _label(key, entry, english), entry["en" if english else "zh"], True)


def law_names(keys_or_key, separator: str = "；") -> str:
    """Jinja filter for public PDFs: the Chinese names and articles of one key or a list of keys."""
    if isinstance(keys_or_key, str):
        return cite(keys_or_key).label
    return separator.join(cite(key).label for key in keys_or_key)


def cited(keys_or_key, separator: str = "、") -> str:
    """Messages shown to people ("……（依据：%(citations)s）"): the laws' names and articles in the
    UI's language, never the internal keys."""
    from ..i18n import ui_language

    language = ui_language()
    keys = [keys_or_key] if isinstance(keys_or_key, str) else list(keys_or_key or ())
    return separator.join(cite(key, language).label for key in keys)


@lru_cache(maxsize=1)
def _keys_in_text() -> re.Pattern:
    keys = sorted(table()["citations"], key=len, reverse=True)  # the longest key first: a range before its first article
    return re.compile(r"(?<![A-Za-z])(?:" + "|".join(re.escape(key) for key in keys) + r")(?![0-9-]| art \d)")


def readable(text: str, locale: str = "zh") -> str:
    """A message written with citation keys ("……（依据：PMR art 14）") as people read it:
    "……（依据：《物业管理条例》第十四条）". Keys not in the table are left as they are."""
    if not text:
        return text
    return _keys_in_text().sub(lambda match: cite(match.group(0), locale).label, str(text))
