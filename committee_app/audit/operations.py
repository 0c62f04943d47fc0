"""Writing and verifying the audit log."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import current_app, has_request_context
from flask_login import current_user
from sqlalchemy import select, text

from .. import clock
from ..extensions import db
from . import keys
from .chain import GENESIS_HASH, canonical_json, entry_content, link_hash
from .models import AuditEntry

_PG_LOCK_KEY = 727_801  # advisory lock serialising appends to the chain on PostgreSQL


def record(action: str, target: Any, *, before: Any = None, after: Any = None,
           compound_id: int | None = None, actor: Any = None, key_id: str | None = None) -> AuditEntry:
    """Append an entry for ``action`` on ``target`` (a model or a (type, id) pair).

    Called by operations inside the request's transaction; flushes, never commits.
    Appends are serialised: PostgreSQL takes a transaction-scoped advisory lock, SQLite
    has a single writer, and ``seq`` is unique so a lost race fails instead of forking.
    The entry is signed with the key of the entry before it (the chain, not a worker's
    cache, says which key is in use); ``key_id`` is given only by a key rotation.
    """
    if actor is None and has_request_context() and current_user and current_user.is_authenticated:
        actor = current_user
    target_type, target_id = _target(target)
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    last = session.execute(
        select(AuditEntry.seq, AuditEntry.hash, AuditEntry.key_id).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    seq = (last.seq + 1) if last else 1
    prev_hash = last.hash if last else GENESIS_HASH
    key_id, key = _signing_key(key_id or (last.key_id if last else None))
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
    entry = AuditEntry(**fields, prev_hash=prev_hash, key_id=key_id,
                       hash=link_hash(prev_hash, entry_content(**fields, key_id=key_id), key))
    session.add(entry)
    session.flush()
    return entry


def _signing_key(wanted: str | None) -> tuple[str, bytes]:
    """The key ``wanted`` (the chain's, reloading the keyring once if another process
    rotated it), or the installation's current key for a new or formerly unkeyed chain."""
    ring = keys.keyring()
    if wanted and ring.get(wanted) is None:
        ring = keys.keyring(reload=True)
    if wanted and ring.get(wanted) is not None:
        return wanted, ring.keys[wanted]
    if wanted:
        raise AuditKeyMissing(f"the audit chain is signed with key {wanted}, which this installation does not hold "
                              f"(restore it into {keys.key_file()})")
    if ring.current_id is None:
        raise AuditKeyMissing(f"no audit key: {keys.key_file()} holds none and AUDIT_KEY is not set")
    return ring.current_id, ring.keys[ring.current_id]


class AuditKeyMissing(RuntimeError):
    """The chain's key is not in the keyring: nothing can be appended until it is restored."""


def rotate_key(*, actor: Any = None) -> AuditEntry:
    """Start signing with a new key; the chain records the new key id (signed with it).

    The old keys stay in the key file: verification needs every key the chain has used.
    """
    last = db.session.execute(select(AuditEntry.key_id).order_by(AuditEntry.seq.desc()).limit(1)).first()
    previous = last.key_id if last else None
    new_id = keys.add_key()
    return record("audit.key_rotate", ("AuditKey", new_id), actor=actor or "system", key_id=new_id,
                  before={"key_id": previous}, after={"key_id": new_id})


# --------------------------------------------------------------------------- content of records


def content_sources() -> dict[str, Callable[[], Iterable[tuple[str, str | None]]]]:
    return current_app.extensions.setdefault("audit_content_sources", {})


def register_content_source(app, target_type: str, source: Callable[[], Iterable[tuple[str, str | None]]]) -> None:
    """Let ``audit verify`` check records of ``target_type`` (ballots) against their entries.

    ``source()`` yields ``(target id, content hash)`` for every such record, the hash
    recomputed from the database as the record's operation computed it for its entry's
    ``content_hash``; the hash is ``None`` while the record's entry is still to be
    appended (pending).
    """
    app.extensions.setdefault("audit_content_sources", {})[target_type] = source


def pending_drains() -> list[Callable[[], int]]:
    return current_app.extensions.setdefault("audit_pending_drains", [])


def register_pending_drain(app, drain: Callable[[], int]) -> None:
    """``drain()`` appends a batch of pending entries (flushes) and returns how many."""
    app.extensions.setdefault("audit_pending_drains", []).append(drain)


# --------------------------------------------------------------------------- the anchor


@dataclass(frozen=True)
class Anchor:
    """The chain's head hash and length, printed on count records and result notices."""

    head_hash: str
    count: int

    @property
    def text(self) -> str:
        return f"{self.head_hash}:{self.count}"

    @property
    def grouped(self) -> str:
        """The hash in groups of eight, for reading from paper."""
        return " ".join(self.head_hash[i:i + 8] for i in range(0, len(self.head_hash), 8))


def anchor() -> Anchor:
    last = db.session.execute(select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)).first()
    return Anchor(last.hash, last.seq) if last else Anchor(GENESIS_HASH, 0)


def _target(target: Any) -> tuple[str, str]:
    if isinstance(target, tuple):
        return str(target[0]), str(target[1])
    return type(target).__name__, str(getattr(target, "id", ""))


@dataclass(frozen=True)
class ChainReport:
    entries: int
    first_bad_seq: int | None
    reason: str | None
    head_hash: str = GENESIS_HASH
    pending: tuple[str, ...] = ()  # records whose entries wait to be appended
    problems: tuple[str, ...] = ()  # records that differ from their entries, a notice that does not match
    unkeyed_entries: int = 0

    @property
    def is_intact(self) -> bool:
        return self.first_bad_seq is None and not self.pending and not self.problems


def verify_chain(batch_size: int = 5000, *, against: tuple[str, int] | None = None) -> ChainReport:
    """Walk the chain in order and name the first entry whose link does not hold; then
    recompute every record's content hash (ballots) from the database, name the records
    still waiting for their entry, and check the chain against a published anchor
    ``(head hash or its prefix, entry count)``."""
    result = db.session.execute(
        select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=batch_size)
    )
    contents: dict[tuple[str, str], tuple[int, str]] = {}
    try:
        report, hashes = _walk(result.scalars(), contents, against[1] if against else None)
    finally:
        result.close()
    if report.first_bad_seq is not None:
        return report
    problems: list[str] = []
    pending: list[str] = []
    sources = content_sources()
    for target_type, source in sources.items():
        for target_id, digest in source():
            name = f"{target_type}:{target_id}"
            if digest is None:
                pending.append(name)
                continue
            recorded = contents.pop((target_type, str(target_id)), None)
            if recorded is None:
                problems.append(f"{name} is in the database but has no audit entry with its content")
            elif recorded[1] is None:
                continue  # audited before the chain was keyed: its content was not recorded
            elif recorded[1] != digest:
                problems.append(f"{name} differs from the content hash in entry #{recorded[0]} "
                                "(the record was changed in the database)")
    for (target_type, target_id), (seq, _digest) in sorted(contents.items(), key=lambda item: item[1][0]):
        if target_type in sources:
            problems.append(f"{target_type}:{target_id} of entry #{seq} is missing from the database")
    if against is not None:
        head, count = against
        if report.entries < count:
            problems.append(f"the chain has {report.entries} entries, fewer than the {count} on the notice "
                            "(entries were removed)")
        elif not hashes.get(count, "").startswith(head):
            problems.append(f"entry #{count} does not have the hash on the notice (the chain was rewritten)")
    return ChainReport(report.entries, None, None, report.head_hash, tuple(pending), tuple(problems),
                       report.unkeyed_entries)


def _walk(entries, contents: dict | None = None, keep_seq: int | None = None) -> tuple[ChainReport, dict[int, str]]:
    ring = keys.keyring()
    allowed_unkeyed = int(current_app.config.get("AUDIT_UNKEYED_PREFIX") or 0)
    prev_hash = GENESIS_HASH
    prev_key_id: str | None = None
    expected_seq = 1
    count = unkeyed = 0
    hashes: dict[int, str] = {}

    def bad(entry, reason):
        return ChainReport(count, entry.seq, reason, prev_hash, unkeyed_entries=unkeyed), hashes

    for entry in entries:
        count += 1
        if entry.seq != expected_seq:
            return bad(entry, f"expected entry #{expected_seq}, found #{entry.seq} (an entry is missing)")
        if entry.prev_hash != prev_hash:
            return bad(entry, "its previous-hash does not match the entry before it")
        if entry.key_id is None:
            if entry.seq > allowed_unkeyed:
                return bad(entry, "it is not signed with an audit key (the row was written or rewritten "
                                  "without the key)")
            key = None
            unkeyed += 1
        else:
            key = ring.get(entry.key_id)
            if key is None:
                ring = keys.keyring(reload=True)
                key = ring.get(entry.key_id)
            if key is None:
                return bad(entry, f"it is signed with key {entry.key_id}, which this installation does not hold")
            if prev_key_id is not None and entry.key_id != prev_key_id and not _is_rotation(entry, prev_key_id):
                return bad(entry, f"its key changes from {prev_key_id} to {entry.key_id} without a recorded rotation")
        content = entry_content(
            seq=entry.seq, at=entry.at, actor_id=entry.actor_id, actor_name=entry.actor_name,
            action=entry.action, target_type=entry.target_type, target_id=entry.target_id,
            compound_id=entry.compound_id, before=entry.before, after=entry.after, key_id=entry.key_id,
        )
        if link_hash(prev_hash, content, key) != entry.hash:
            return bad(entry, "its content does not match its hash (the row was changed)")
        if contents is not None and '"content_hash"' in entry.after:
            digest = json.loads(entry.after).get("content_hash")
            if digest:
                contents[(entry.target_type, entry.target_id)] = (entry.seq, digest)
        elif contents is not None and key is None and entry.target_type in content_sources():
            # a record audited before the chain was keyed carries no content hash
            contents.setdefault((entry.target_type, entry.target_id), (entry.seq, None))
        if entry.seq == keep_seq:
            hashes[entry.seq] = entry.hash
        prev_hash = entry.hash
        prev_key_id = entry.key_id or prev_key_id
        expected_seq += 1
    return ChainReport(count, None, None, prev_hash, unkeyed_entries=unkeyed), hashes


def _is_rotation(entry: AuditEntry, prev_key_id: str) -> bool:
    if entry.action != "audit.key_rotate":
        return False
    return json.loads(entry.before or "null") == {"key_id": prev_key_id} and \
        json.loads(entry.after or "null") == {"key_id": entry.key_id}
