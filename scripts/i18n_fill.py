"""Fill English translations into a feature's catalog from a JSON file of {msgid: msgstr}.

    .venv/bin/python scripts/i18n_fill.py FEATURE translations.json
"""
import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent


def main(feature: str, source: str) -> None:
    po_path = ROOT / "committee_app" / feature / "translations" / "en" / "LC_MESSAGES" / "messages.po"
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    translations = json.loads(Path(source).read_text(encoding="utf-8"))
    filled = 0
    for message in catalog:
        if message.id and message.id in translations:
            message.string = translations[message.id]
            filled += 1
    with po_path.open("wb") as handle:
        write_po(handle, catalog, width=0, sort_output=True)
    print(f"{feature}: filled {filled}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
