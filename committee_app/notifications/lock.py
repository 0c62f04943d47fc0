"""One run at a time: a PostgreSQL advisory lock, or on SQLite a lock row with a lease.

The advisory lock belongs to a connection of its own and ends with it, so a crashed run
never leaves it held. The lease row ends when its time runs out, for the same reason.
"""
from __future__ import annotations

import os
import secrets
import socket
import zlib
from contextlib import contextmanager
from datetime import timedelta
from typing import Iterator

from sqlalchemy import delete, insert, text, update
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..extensions import db
from .models import NotifyLock


def advisory_key(name: str) -> int:
    return zlib.crc32(f"committee:{name}".encode())


@contextmanager
def job_lock(name: str, lease: timedelta = timedelta(minutes=15)) -> Iterator[bool]:
    """``with job_lock("notify") as held:`` — ``held`` is False when another run has it."""
    if db.engine.dialect.name == "postgresql":
        with _advisory(name) as held:
            yield held
        return
    holder = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
    held = take_lease(name, holder, lease)
    try:
        yield held
    finally:
        if held:
            release_lease(name, holder)


@contextmanager
def _advisory(name: str) -> Iterator[bool]:
    connection = db.engine.connect()
    key = advisory_key(name)
    held = False
    try:
        held = bool(connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar())
        connection.commit()
        yield held
    finally:
        if held:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            connection.commit()
        connection.close()


def take_lease(name: str, holder: str, lease: timedelta) -> bool:
    now = clock.utcnow()
    try:
        with db.engine.begin() as connection:
            connection.execute(insert(NotifyLock).values(name=name, holder=holder, lease_until=now + lease))
        return True
    except IntegrityError:
        pass
    with db.engine.begin() as connection:
        taken = connection.execute(update(NotifyLock).where(NotifyLock.name == name, NotifyLock.lease_until < now)
                                   .values(holder=holder, lease_until=now + lease))
        return taken.rowcount == 1


def release_lease(name: str, holder: str) -> None:
    with db.engine.begin() as connection:
        connection.execute(delete(NotifyLock).where(NotifyLock.name == name, NotifyLock.holder == holder))
