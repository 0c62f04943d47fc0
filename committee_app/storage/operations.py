"""Store and read documents. Operations flush, never commit."""
from __future__ import annotations

import hashlib
import io

from flask import Response, send_file

from ..extensions import db
from .models import StoredFile


def store(data: bytes, *, filename: str, content_type: str, purpose: str,
          created_by: str | None = None) -> StoredFile:
    """Add ``data`` as a new stored file in the current transaction and return it (flushed)."""
    stored = StoredFile(purpose=purpose[:60], filename=filename[:255], content_type=content_type[:100],
                        size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data,
                        created_by=(created_by or None) and created_by[:120])
    db.session.add(stored)
    db.session.flush()
    return stored


def get(file_id: int) -> StoredFile | None:
    return db.session.get(StoredFile, file_id)


def read(stored: StoredFile) -> bytes:
    return stored.data


def delete(stored: StoredFile) -> None:
    db.session.delete(stored)
    db.session.flush()


def send(stored: StoredFile, *, as_attachment: bool = False, download_name: str | None = None) -> Response:
    """A response carrying the file; the caller has already checked who may read it."""
    response = send_file(io.BytesIO(stored.data), mimetype=stored.content_type, as_attachment=as_attachment,
                         download_name=download_name or stored.filename, etag=stored.sha256,
                         max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
