"""Pure functions of the audit chain: canonical content and hashes."""
from __future__ import annotations

import hashlib
import hmac
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    """A stable JSON text: sorted keys, no spaces, decimals and dates as strings."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_plain)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}" if value == value.quantize(Decimal("0.01")) else str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(value) if isinstance(value, (set, frozenset)) else list(value)
    return str(value)


def entry_content(*, seq: int, at: datetime, actor_id: int | None, actor_name: str, action: str,
                  target_type: str, target_id: str, compound_id: int | None, before: str, after: str,
                  key_id: str | None = None) -> str:
    fields = {
        "seq": seq,
        "at": at.isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_name": actor_name,
        "action": action,
        "target": f"{target_type}:{target_id}",
        "compound_id": compound_id,
        "before": before,
        "after": after,
    }
    if key_id is not None:  # entries written before the chain was keyed have none
        fields["key_id"] = key_id
    return canonical_json(fields)


def link_hash(prev_hash: str, content: str, key: bytes | None = None) -> str:
    """HMAC-SHA-256 under ``key`` over the previous hash and the content (plain SHA-256 for
    the unkeyed entries of an older chain): without the key no one can recompute a link."""
    message = (prev_hash + content).encode("utf-8")
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def content_hash(value: Any) -> str:
    """SHA-256 of a record's canonical JSON (a ballot's marks), stored in its audit entry."""
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def parse_anchor(text: str) -> tuple[str, int]:
    """``HEAD_HASH:COUNT`` as printed on a notice -> (hash or its prefix, lower case; count).

    Spaces and a leading "#" are ignored (the hash is printed in groups for reading aloud);
    a prefix of at least 16 hex digits is enough to type from paper.
    """
    cleaned = "".join(text.split()).replace("#", "")
    head, sep, count = cleaned.rpartition(":")
    head = head.lower()
    if not sep or not count.isdigit() or len(head) < 16 or len(head) > 64 or any(c not in "0123456789abcdef" for c in head):
        raise ValueError("an anchor reads HEAD_HASH:COUNT (at least 16 hex digits of the hash, then the entry count)")
    return head, int(count)
