"""The audit chain's keys: kept outside the database, rotated with a recorded key id.

Each entry's hash is an HMAC-SHA-256 under one key, and the entry names that key by its
id (the first 16 hex digits of a SHA-256 over the key, so the id reveals nothing). The
keys live in ``instance/audit_key`` (``AUDIT_KEY_FILE``), one ``<key id> <key hex>``
line per key, oldest first, created once like ``instance/secret_key`` and shared by every
worker. ``AUDIT_KEY`` in the configuration adds a key held elsewhere (a secrets store);
it is the key the first entry of a new chain is signed with. Old keys are never removed:
verification needs every key the chain has used.
"""
from __future__ import annotations

import hashlib
import os
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app

_lock = threading.Lock()


def key_id_of(key: bytes) -> str:
    return hashlib.sha256(b"committee-audit-key-id:" + key).hexdigest()[:16]


@dataclass(frozen=True)
class Keyring:
    keys: dict[str, bytes] = field(default_factory=dict)  # key id -> key, in the order added
    current_id: str | None = None

    def get(self, key_id: str | None) -> bytes | None:
        return self.keys.get(key_id) if key_id else None


def key_file() -> Path:
    return Path(current_app.config.get("AUDIT_KEY_FILE") or Path(current_app.instance_path) / "audit_key")


def _parse(text: str) -> list[bytes]:
    keys = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        key = bytes.fromhex(parts[-1])
        if len(parts) > 1 and parts[0] != key_id_of(key):
            raise ValueError(f"audit key file: the id {parts[0]} does not match its key")
        keys.append(key)
    return keys


def _line(key: bytes) -> str:
    return f"{key_id_of(key)} {key.hex()}\n"


def _create_file(path: Path) -> None:
    """Write a first key to ``path`` unless another process got there first (like secret_key)."""
    from ..keyfile import create_once

    create_once(path, "# audit chain keys (committee_app.audit.keys): never delete a line\n"
                + _line(secrets.token_bytes(32)))


def load(*, create: bool = True) -> Keyring:
    """Every key this installation holds; the file is created with one key when missing."""
    path = key_file()
    configured = current_app.config.get("AUDIT_KEY")
    if not path.exists() and create and not configured:
        _create_file(path)
    keys: dict[str, bytes] = {}
    if path.exists():
        for key in _parse(path.read_text()):
            keys[key_id_of(key)] = key
    current = next(reversed(keys)) if keys else None
    if configured:
        key = configured.encode() if isinstance(configured, str) else bytes(configured)
        keys[key_id_of(key)] = key
        current = key_id_of(key)
    return Keyring(keys, current)


def keyring(*, reload: bool = False) -> Keyring:
    """The keyring, cached per app; reloaded on request (a key rotated by another process)."""
    cache = current_app.extensions.setdefault("audit_keyring", {})
    with _lock:
        if reload or "ring" not in cache:
            cache["ring"] = load()
        return cache["ring"]


def add_key() -> str:
    """Append a new random key to the key file and return its id (the chain records it)."""
    path = key_file()
    load()  # the file exists from here on (unless AUDIT_KEY alone is used: then it is created below)
    key = secrets.token_bytes(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(_line(key))
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(path, 0o600)
    keyring(reload=True)
    return key_id_of(key)


def export_text() -> str:
    """Every key, one line each, for a backup."""
    return "".join(_line(key) for key in load().keys.values())


def merge_text(text: str) -> int:
    """Add the keys of ``text`` (a backup's) missing from the key file; return how many were added."""
    path = key_file()
    known = load(create=False).keys
    incoming = [key for key in _parse(text) if key_id_of(key) not in known]
    if path.exists():
        body = path.read_text()
    else:
        body = "# audit chain keys (committee_app.audit.keys): never delete a line\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    if incoming or not path.exists():
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        tmp.write_text(body + "".join(_line(key) for key in incoming))
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    keyring(reload=True)
    return len(incoming)
