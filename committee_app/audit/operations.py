"""Writing and verifying the audit log."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import select, text

from .. import clock
from ..extensions import db
from .chain import GENESIS_HASH, canonical_json, entry_content, link_hash
from .models import AuditEntry

_PG_LOCK_KEY = 727_801  # advisory lock serialising appends to the chain on PostgreSQL


def record(action: str, target: Any, *, before: Any = None, after: Any = None,
           compound_id: int | None = None, actor: Any = None) -> AuditEntry:
    """Append an entry for ``action`` on ``target`` (a model or a (type, id) pair).

    Called by operations inside the request's transaction; flushes, never commits.
    Appends are serialised: PostgreSQL takes a transaction-scoped advisory lock, SQLite
    has a single writer, and ``seq`` is unique so a lost race fails instead of forking.
    """
    if actor is None and has_request_context() and current_user and current_user.is_authenticated:
        actor = current_user
    target_type, target_id = _target(target)
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    last = session.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    seq = (last.seq + 1) if last else 1
    prev_hash = last.hash if last else GENESIS_HASH
    fields = dict(
        seq=seq,
        at=clock.utcnow(),
        actor_id=getattr(actor, "id", None),
        actor_name=getattr(actor, "username", None) or (actor if isinstance(actor, str) else "system"),
        action=action,
        target_type=target_type,
        target_id=target_id,
        compound_id=compound_id,
        before=canonical_json(before),
        after=canonical_json(after),
    )
    entry = AuditEntry(**fields, prev_hash=prev_hash, hash=link_hash(prev_hash, entry_content(**fields)))
    session.add(entry)
    session.flush()
    return entry


def _target(target: Any) -> tuple[str, str]:
    if isinstance(target, tuple):
        return str(target[0]), str(target[1])
    return type(target).__name__, str(getattr(target, "id", ""))


@dataclass(frozen=True)
class ChainReport:
    entries: int
    first_bad_seq: int | None
    reason: str | None

    @property
    def is_intact(self) -> bool:
        return self.first_bad_seq is None


def verify_chain(batch_size: int = 5000) -> ChainReport:
    """Walk the chain in order and name the first entry whose link does not hold."""
    result = db.session.execute(
        select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=batch_size)
    )
    try:
        return _walk(result.scalars())
    finally:
        result.close()


def _walk(entries) -> ChainReport:
    prev_hash = GENESIS_HASH
    expected_seq = 1
    count = 0
    for entry in entries:
        count += 1
        if entry.seq != expected_seq:
            return ChainReport(count, entry.seq, f"expected entry #{expected_seq}, found #{entry.seq} (an entry is missing)")
        if entry.prev_hash != prev_hash:
            return ChainReport(count, entry.seq, "its previous-hash does not match the entry before it")
        content = entry_content(
            seq=entry.seq, at=entry.at, actor_id=entry.actor_id, actor_name=entry.actor_name,
            action=entry.action, target_type=entry.target_type, target_id=entry.target_id,
            compound_id=entry.compound_id, before=entry.before, after=entry.after,
        )
        if link_hash(prev_hash, content) != entry.hash:
            return ChainReport(count, entry.seq, "its content does not match its hash (the row was changed)")
        prev_hash = entry.hash
        expected_seq += 1
    return ChainReport(count, None, None)
