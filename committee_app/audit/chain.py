"""Pure functions of the audit chain: canonical content and hashes."""
from __future__ import annotations

import hashlib
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
                  target_type: str, target_id: str, compound_id: int | None, before: str, after: str) -> str:
    return canonical_json({
        "seq": seq,
        "at": at.isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_name": actor_name,
        "action": action,
        "target": f"{target_type}:{target_id}",
        "compound_id": compound_id,
        "before": before,
        "after": after,
    })


def link_hash(prev_hash: str, content: str) -> str:
    return hashlib.sha256((prev_hash + content).encode("utf-8")).hexdigest()
