"""Personal data on public pages and public PDFs (PIPL art 6, art 28; item 7 of issue 12).

Anything reachable without logging in (the public board, its PDFs, the public ballot box,
the ballot page before a voter is identified) shows natural persons' names masked by
:func:`mask_name` and never a phone number. The full roll is for the roles that need it
(``policy.Ability.PERSONAL_DATA``), and every view or download of it is audited.
"""
from __future__ import annotations

import re

MASK = "*"
# separators between co-owners or listed people, kept as they are
_SEPARATORS = re.compile(r"(\s*[、;；,，]\s*)")
_LATIN = re.compile(r"[A-Za-z]")


def mask_name(name: str | None) -> str:
    """A person's name as shown in public.

    - Chinese names keep the first and the last character: 张明 → 张*, 张小明 → 张*明,
      欧阳小明 → 欧**明 (one star per hidden character); a one-character name is ``*``.
    - Latin names keep each word's first letter, the rest is one star whatever its length:
      John Smith → J* S*, Madonna → M*.
    - Several people (co-owners joined by 、 or ;) are masked one by one, separators kept:
      李四、王芳 → 李*、王*.
    - Empty stays empty.
    """
    text = (name or "").strip()
    if not text:
        return ""
    parts = _SEPARATORS.split(text)
    if len(parts) > 1:
        return "".join(part if index % 2 else _mask_one(part) for index, part in enumerate(parts))
    return _mask_one(text)


def _mask_one(name: str) -> str:
    name = name.strip()
    if not name:
        return ""
    if _LATIN.search(name):
        return " ".join(word[0] + MASK for word in name.split())
    chars = [ch for ch in name if not ch.isspace()]
    if len(chars) == 1:
        return MASK
    if len(chars) == 2:
        return chars[0] + MASK
    return chars[0] + MASK * (len(chars) - 2) + chars[-1]


def public_name(name: str | None, kind: str | None = None) -> str:
    """A voter's name for a public page: masked, except the developer (an organisation, not a person)."""
    if kind == "developer":
        return (name or "").strip()
    return mask_name(name)


def audit_personal_data(what: str, compound, *, actor=None, detail: dict | None = None):
    """Record who viewed or downloaded personal data of ``compound`` and when ("roll.page",
    "roll.notice_pdf", "roll.export", ...). Flushes; the caller commits."""
    from .audit.operations import record

    return record("personal_data.access", ("Compound", compound.id), compound_id=compound.id, actor=actor,
                  after={"what": what, **(detail or {})})
