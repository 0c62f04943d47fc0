"""Language choice and translation catalogs.

Source strings are Simplified Chinese (the default language); each feature keeps its
English catalog in ``<feature>/translations/en/LC_MESSAGES/messages.po``. Catalogs
are compiled to ``.mo`` on start when missing or older than their ``.po``.
"""
from __future__ import annotations

import logging
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, has_request_context, request, session

from .extensions import babel

PACKAGE_DIR = Path(__file__).resolve().parent
log = logging.getLogger(__name__)


def select_locale() -> str:
    from flask import current_app

    languages = current_app.config["LANGUAGES"]
    chosen = session.get("locale") if has_request_context() else None
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def ui_language() -> str:
    """"en" when the request's UI is English, else "zh" (outside a request: "zh")."""
    from flask_babel import get_locale

    locale = get_locale() if has_request_context() else None
    return "en" if locale is not None and locale.language == "en" else "zh"


def translation_directories() -> list[str]:
    return sorted(str(path) for path in PACKAGE_DIR.glob("*/translations") if path.is_dir())


def compile_catalogs() -> None:
    for po_path in PACKAGE_DIR.glob("*/translations/*/LC_MESSAGES/*.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        try:
            with po_path.open("rb") as source:
                catalog = read_po(source)
            with mo_path.open("wb") as target:
                write_mo(target, catalog)
        except OSError as error:  # read-only install: keep going in Chinese
            log.warning("could not compile %s: %s", po_path, error)


def init_app(app: Flask) -> None:
    compile_catalogs()
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(translation_directories())
    babel.init_app(app, locale_selector=select_locale)

    @app.context_processor
    def language_context():
        return {"languages": app.config["LANGUAGES"], "current_locale": select_locale()}
