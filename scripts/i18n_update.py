"""Extract the translatable strings of each feature and update its English catalog.

    .venv/bin/python scripts/i18n_update.py [feature ...]

Each feature package ``committee_app/<feature>`` owns the strings of its Python code and
of ``templates/<feature>/``; the ``web`` feature also owns the shared layout templates.
Existing translations are kept (also those the extractor cannot see, such as labels
translated dynamically); new strings are added with an empty ``msgstr`` and
listed, so they can be translated in ``translations/en/LC_MESSAGES/messages.po``.
"""
from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract, extract_python
from babel.messages.pofile import read_po, write_po
from jinja2.ext import babel_extract

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "committee_app"
TEMPLATES = ROOT / "templates"
SHARED_TEMPLATES = ["base.html", "macros.html"]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def sources(feature: str):
    for path in sorted((PACKAGE / feature).rglob("*.py")):
        yield path, extract_python
    for path in sorted((TEMPLATES / feature).rglob("*.html")) if (TEMPLATES / feature).is_dir() else []:
        yield path, babel_extract
    if feature == "web":
        for name in SHARED_TEMPLATES:
            yield TEMPLATES / name, babel_extract


def messages(feature: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path, method in sources(feature):
        with path.open("rb") as handle:
            options = {"extensions": "jinja2.ext.do", "trimmed": "false"} if method is babel_extract else {}
            for lineno, message, _comments, _context in extract(method, handle, keywords=KEYWORDS, options=options):
                msgid = message[0] if isinstance(message, (tuple, list)) else message
                if msgid:
                    found.setdefault(msgid, []).append(f"{path.relative_to(ROOT)}:{lineno}")
    return found


def update(feature: str) -> list[str]:
    po_path = PACKAGE / feature / "translations" / "en" / "LC_MESSAGES" / "messages.po"
    existing = Catalog(locale="en")
    if po_path.exists():
        with po_path.open("rb") as handle:
            existing = read_po(handle)
    catalog = Catalog(locale="en", project="committee-app", charset="utf-8")
    untranslated = []
    for msgid, locations in messages(feature).items():
        old = existing.get(msgid)
        msgstr = old.string if old is not None else ""
        catalog.add(msgid, msgstr, locations=[(loc.rsplit(":", 1)[0], int(loc.rsplit(":", 1)[1])) for loc in locations])
        if not msgstr:
            untranslated.append(msgid)
    found = {message.id for message in catalog if message.id}
    for message in existing:  # keep entries used dynamically (labels in data, dict values)
        if message.id and message.id not in found:
            catalog.add(message.id, message.string)
    po_path.parent.mkdir(parents=True, exist_ok=True)
    with po_path.open("wb") as handle:
        write_po(handle, catalog, width=0, omit_header=False, sort_output=True)
    return untranslated


def main(features: list[str]) -> None:
    features = features or sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())
    for feature in features:
        missing = update(feature)
        print(f"{feature}: {len(missing)} untranslated")
        for msgid in missing:
            print(f"  {msgid!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
