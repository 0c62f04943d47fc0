from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from .. import clock
from ..extensions import db


class StoredFile(db.Model):
    """The bytes of one document (PostgreSQL ``bytea``, SQLite blob) with what it is.

    ``purpose`` says which feature stored it and why (``"procedures.step_document"``,
    ``"voting.letters"``), for backups and clean-up. ``data`` is deferred: listing files
    never loads their contents.
    """

    __tablename__ = "stored_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(60), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    created_by: Mapped[str | None] = mapped_column(String(120))
