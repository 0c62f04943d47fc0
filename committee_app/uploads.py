"""Uploaded documents (PDF, JPEG, PNG): what a file really is and how large it may be.

Every feature that accepts documents (step documents, nomination papers, workshop
materials, proxy authorisations) checks them here, by their first bytes rather than by
the name or the browser's claim, and keeps them in the database (``committee_app.storage``),
in the same transaction as the record they belong to: nothing is written to disk, so a
request that rolls back leaves nothing behind and a database backup holds every upload.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extension: str


KINDS = (
    (b"%PDF-", FileKind("application/pdf", ".pdf")),
    (b"\xff\xd8\xff", FileKind("image/jpeg", ".jpg")),
    (b"\x89PNG\r\n\x1a\n", FileKind("image/png", ".png")),
)


def sniff(data: bytes) -> FileKind | None:
    """The kind of a PDF, JPEG or PNG judged by its first bytes, else None."""
    for magic, kind in KINDS:
        if data.startswith(magic):
            return kind
    return None


def max_bytes() -> int:
    return int(current_app.config.get("UPLOAD_MAX_BYTES") or 10 * 1024 * 1024)
