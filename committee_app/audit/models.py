from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class AuditEntry(db.Model):
    """One link of the append-only, hash-chained audit log (C9).

    ``hash`` = HMAC-SHA-256, under the key named by ``key_id``, over the previous
    entry's hash and this entry's canonical content; the first entry's previous hash is
    sixty-four zeros. The keys live outside the database (``audit.keys``), so a row
    changed in the database cannot be re-linked. Rows are never updated or deleted by
    the application.
    """

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    actor_name: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(80), index=True)
    target_type: Mapped[str] = mapped_column(String(60))
    target_id: Mapped[str] = mapped_column(String(60))
    compound_id: Mapped[int | None] = mapped_column(Integer, index=True)
    before: Mapped[str] = mapped_column(Text)  # canonical JSON
    after: Mapped[str] = mapped_column(Text)  # canonical JSON
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # the key the hash is made with (None: an entry from before the chain was keyed)
    key_id: Mapped[str | None] = mapped_column(String(16))
