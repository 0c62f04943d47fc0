"""The one check for every redirect target taken from the request (``next``).

Only a path on this site is followed: it starts with one ``/``, has no scheme or host, and
holds no backslash, whitespace or control character (browsers drop a tab or newline, so
``/%09/evil.example`` would become ``//evil.example``, another site). Anything else falls
back to the given default.
"""
from __future__ import annotations

from urllib.parse import urlsplit


def is_safe_path(target: str | None) -> bool:
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(ch) <= 0x20 or ord(ch) == 0x7F for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, default: str) -> str:
    """``target`` when it is a path on this site, else ``default``."""
    return target if is_safe_path(target) else default
