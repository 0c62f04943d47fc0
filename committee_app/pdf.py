"""PDF engine: a Jinja template under ``templates/pdf/`` + ``static/pdf/print.css`` → bytes.

Templates get plain values (dicts, strings, Decimals), never ORM objects. WeasyPrint may
read only files inside the app's ``static/`` folder (and ``data:`` URLs): no network, no
other ``file://`` path. Fonts come from the system: Debian ``fonts-noto-cjk`` gives the
Chinese glyphs and ``libharfbuzz-subset0`` makes subsetting those big fonts fast.

Typical view::

    pdf = render_pdf("roll_notice.html", **context)
    return send_file(io.BytesIO(pdf), mimetype="application/pdf",
                     download_name="roll_notice.pdf")
"""

from __future__ import annotations

import atexit
import ctypes.util
import dataclasses
import functools
import mimetypes
import os
import subprocess
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

__all__ = [
    "PDF_OPTIONS",
    "PdfOptions",
    "StaticOnlyURLFetcher",
    "check_pdf_environment",
    "render_pdf",
]

CJK_FONT_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC")


@dataclasses.dataclass(frozen=True)
class PdfOptions:
    """WeasyPrint rendering options, fixed for the whole application."""

    pdf_variant: str | None = None  # e.g. "pdf/a-3b" for archival filing packages
    optimize_images: bool = False  # images are QR codes and logos: nothing to gain
    full_fonts: bool = False  # subset fonts: a CJK font in full is ~16 MB per document
    hinting: bool = False
    presentational_hints: bool = False

    def as_kwargs(self) -> dict:
        return dataclasses.asdict(self)


PDF_OPTIONS = PdfOptions()

# Font configurations, lent one per render: no process-wide lock.
#
# Why the lock was there: a WeasyPrint ``FontConfiguration`` holds a fontconfig config and a
# Pango font map, and Pango/fontconfig objects must not be used by two threads at once
# (fontconfig crashes under concurrent use of one config are a known failure of threaded
# servers). Sharing one object meant serialising every render in the process, so a
# 3,000-page roll notice made a one-page PDF wait.
#
# Now each render borrows a configuration no other render is using: a free one from the pool,
# or a new one when all are lent (building one costs a few milliseconds; the pool grows to the
# process's concurrency and no further). No object is used by two threads at once, and
# renders in different threads run side by side. gunicorn workers and job workers are
# processes: after a fork the child drops the inherited objects (fontconfig state must not be
# shared across fork) and builds its own. Long documents run in the job workers
# (committee_app/jobs), never in a request.
_FONT_CONFIGS: list[FontConfiguration] = []
_FONT_CONFIGS_GUARD = threading.Lock()  # guards the list only, never held while rendering


@contextmanager
def _font_config():
    with _FONT_CONFIGS_GUARD:
        config = _FONT_CONFIGS.pop() if _FONT_CONFIGS else None
    if config is None:
        config = FontConfiguration()
    try:
        yield config
    finally:
        with _FONT_CONFIGS_GUARD:
            _FONT_CONFIGS.append(config)


def _forget_font_configs() -> None:
    global _FONT_CONFIGS_GUARD
    _FONT_CONFIGS_GUARD = threading.Lock()
    _FONT_CONFIGS.clear()


def _keep_font_configs_at_exit() -> None:
    # Freeing Pango font maps while the interpreter tears down can crash (GObject unref after
    # the libraries' own state is gone): the process is ending, let the OS take them back.
    from weasyprint.text.ffi import ffi

    with _FONT_CONFIGS_GUARD:
        for config in _FONT_CONFIGS:
            ffi.gc(config.font_map, None)


os.register_at_fork(after_in_child=_forget_font_configs)
atexit.register(_keep_font_configs_at_exit)


class StaticOnlyURLFetcher(URLFetcher):
    """Lets WeasyPrint read files under ``static_folder`` and ``data:`` URLs, nothing else.

    Anything else raises ``ValueError`` (WeasyPrint logs it and leaves the resource out).
    """

    def __init__(self, static_folder: str | Path):
        super().__init__(allowed_protocols=("file", "data"))
        self.root = Path(static_folder).resolve()

    def resolve(self, url: str) -> Path:
        """The file a ``file://`` URL names, if it lies inside the static folder."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file":
            raise ValueError(f"PDF resources must be app static files, refused: {url}")
        if parts.netloc not in ("", "localhost"):
            raise ValueError(f"remote file URL refused: {url}")
        raw_path = unquote(parts.path)
        if ".." in raw_path.replace("\\", "/").split("/"):
            raise ValueError(f"'..' in a PDF resource path refused: {url}")
        path = Path(raw_path).resolve()
        if not path.is_relative_to(self.root):
            raise ValueError(f"file outside the static folder refused: {url}")
        if not path.is_file():
            raise ValueError(f"no such static file: {url}")
        return path

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        path = self.resolve(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type})


@functools.lru_cache(maxsize=8)
def _fetcher_for(static_folder: str) -> StaticOnlyURLFetcher:
    return StaticOnlyURLFetcher(static_folder)


def _static_folder() -> Path:
    folder = current_app.static_folder
    if folder is None:
        raise RuntimeError("render_pdf needs an app with a static folder")
    return Path(folder).resolve()


def render_pdf(template_name: str, **context) -> bytes:
    """Render ``templates/pdf/<template_name>`` to PDF bytes (inside an app context).

    Relative URLs in the template (``pdf/print.css``) resolve against the static folder.
    """
    html = render_template(f"pdf/{template_name}", **context)
    static_folder = _static_folder()
    document = HTML(
        string=html,
        base_url=static_folder.as_uri() + "/",
        url_fetcher=_fetcher_for(str(static_folder)),
    )
    with _font_config() as font_config:
        return document.write_pdf(font_config=font_config, **PDF_OPTIONS.as_kwargs())


# --------------------------------------------------------------------------- environment


@functools.lru_cache(maxsize=1)
def _environment_problems() -> tuple[str, ...]:
    problems = []
    if ctypes.util.find_library("harfbuzz-subset") is None:
        problems.append(
            "libharfbuzz-subset is missing: PDFs with Chinese text will be slow and large. "
            "Install it with: apt-get install libharfbuzz-subset0")
    try:
        fonts = subprocess.run(
            ["fc-list", ":lang=zh", "family"], capture_output=True, text=True,
            timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        fonts = None
    if fonts is None:
        problems.append(
            "fc-list (fontconfig) is not available, cannot check for Chinese fonts. "
            "Install it with: apt-get install fontconfig fonts-noto-cjk")
    elif not any(family in fonts for family in CJK_FONT_FAMILIES):
        problems.append(
            "no Noto Sans CJK SC font found: Chinese text in PDFs will show as boxes. "
            "Install it with: apt-get install fonts-noto-cjk")
    return tuple(problems)


def check_pdf_environment(logger) -> list[str]:
    """Log a WARNING per missing system dependency of PDF rendering; return the problems.

    Call it once at app start (``check_pdf_environment(app.logger)`` in ``create_app``).
    """
    problems = list(_environment_problems())
    for problem in problems:
        logger.warning("PDF rendering: %s", problem)
    return problems
