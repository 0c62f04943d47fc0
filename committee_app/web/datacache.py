"""Derived data kept between requests, valid until a table it was computed from changes
(issue 14 item 5: pages that stay fast).

**Generations.** The table ``data_generation`` holds one counter per data table. Every
connection notes the tables its INSERT, UPDATE and DELETE statements write (ORM flushes,
bulk ``insert()``/``update()``, raw SQL alike: the statement text is what is read); just before
the transaction commits, one statement moves the counters of those tables forward, in the
same transaction. So a write and its new generation become visible together, on every app
server that reads the database. A ``TRUNCATE`` or a write whose table cannot be read from
the statement moves the counter ``*``, on which every cached value depends. A counter moves
by a random step, never back to a value that an older history of the data had (a restored
backup, a test that empties the tables), so a cached value is never taken for a newer state.

**Cached values.** :func:`cached` runs ``compute()`` once and notes which tables its SQL read
(every statement's text, compared with the model's table names, lazy loads included); the
value is kept with those tables' generations and returned while none of them has moved.
The generations are read once per request with one query (and again after a commit in the
same request); a request that has written and not committed computes afresh. Values are
pickled; they live in the app server's memory, or in Redis when ``REDIS_URL`` (or
``DATA_CACHE_REDIS_URL``) is set, shared by the app servers. The generations stay in the
database (not Redis) because only the database can move them in the writer's transaction.

A ``compute`` must depend only on its ``key`` and on what its queries read: plain ids and dates
in, plain data out (no ORM objects, nothing per user or per request unless it is in the key).
Never cache anything that depends on a ballot being cast (a voter's own state) across users.
"""
from __future__ import annotations

import contextvars
import hashlib
import logging
import os
import pickle
import random
import re
import threading
from collections import OrderedDict
from typing import Any, Callable, Hashable

from flask import Flask, current_app, g, has_app_context
from markupsafe import Markup
from sqlalchemy import event, inspect, text

from ..extensions import db

log = logging.getLogger(__name__)

TABLE = "data_generation"
EVERYTHING = "*"
#: in-process values kept per app (least recently used dropped first)
MAX_ENTRIES = 1024
#: a value in Redis expires after this many seconds even when nothing changed
REDIS_TTL = 3600

_TOUCHED = "datacache_touched"
_STATEMENT_START = re.compile(r"\s*(\w+)", re.A)
_WRITE_TARGET = re.compile(r"\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)\"?", re.I | re.A)
_WORD = re.compile(r"\w+", re.A)
_READ_ONLY = {"select", "begin", "commit", "rollback", "savepoint", "release", "show", "set", "pragma", "explain",
              "create", "drop", "alter", "comment", "grant", "revoke", "vacuum", "analyze", "listen", "notify",
              "declare", "fetch", "close"}

#: the set of tables read by the computation running now (None outside :func:`cached`)
_reading: contextvars.ContextVar[set | None] = contextvars.ContextVar("datacache_reading", default=None)


def written_tables(statement: str) -> set[str]:
    """The tables a statement writes: empty for reads (and DDL), ``{"*"}`` when it writes but
    its target cannot be read from the text."""
    match = _STATEMENT_START.match(statement)
    first = match.group(1).lower() if match else ""
    if first in _READ_ONLY:
        return set()
    if first == "truncate":
        return {EVERYTHING}
    targets = {name.lower() for name in _WRITE_TARGET.findall(statement)}
    if first == "with" and not targets:
        return set()  # a read with common table expressions
    return targets or {EVERYTHING}


# ----------------------------------------------------------------------------- writers


def _note_statement(conn, _cursor, statement, _parameters, _context, _executemany) -> None:
    if not statement.startswith("SELECT"):  # the common case first, without a regex
        touched = written_tables(statement)
        touched.discard(TABLE)
        if touched:
            conn.info.setdefault(_TOUCHED, set()).update(touched)
    reading = _reading.get()
    if reading is not None:
        reading.update(word.lower() for word in _WORD.findall(statement))


def _bump(conn) -> None:
    """Before the commit: move the counters of the tables this transaction wrote."""
    touched = conn.info.pop(_TOUCHED, None)
    if not touched:
        return
    rows = ", ".join(f"('{name}', {random.randint(1, 2**24)})" for name in sorted(touched)
                     if re.fullmatch(r"\w+|\*", name, re.A))
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        cursor.execute(f"INSERT INTO {TABLE} (name, value) VALUES {rows} "
                       f"ON CONFLICT (name) DO UPDATE SET value = {TABLE}.value + excluded.value")
    finally:
        cursor.close()
    if has_app_context():
        g.pop("_data_generations", None)  # read them again after this commit


def _forget(conn, *_args) -> None:
    if conn.invalidated or conn.closed:  # a lost connection (its session ended): nothing of it is kept,
        return  # and asking it for its info would raise; the pool record's reset forgets it
    conn.info.pop(_TOUCHED, None)


def _forget_record(dbapi_connection, connection_record, reset_state) -> None:  # noqa: ARG001 - the event's names
    connection_record.info.pop(_TOUCHED, None)


# ----------------------------------------------------------------------------- readers


class _MemoryStore:
    def __init__(self, size: int = MAX_ENTRIES):
        self.size = size
        self.entries: OrderedDict[str, bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self.lock:
            value = self.entries.get(key)
            if value is not None:
                self.entries.move_to_end(key)
            return value

    def set(self, key: str, value: bytes) -> None:
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


class _RedisStore:
    def __init__(self, url: str, prefix: str):
        import redis

        self.client = redis.Redis.from_url(url)
        self.prefix = prefix

    def get(self, key: str) -> bytes | None:
        return self.client.get(self.prefix + key)

    def set(self, key: str, value: bytes) -> None:
        self.client.set(self.prefix + key, value, ex=REDIS_TTL)


def _state(app: Flask | None = None) -> dict:
    return (app or current_app).extensions["datacache"]


def _table_names(state: dict) -> set[str]:
    if state.get("tables") is None:
        state["tables"] = {name.lower() for name in db.metadata.tables} - {TABLE}
    return state["tables"]


def generations() -> dict[str, int]:
    """Every table's counter (one query per request; again after a commit)."""
    found = g.get("_data_generations")
    if found is None:
        found = dict(db.session.execute(text(f"SELECT name, value FROM {TABLE}")).all())
        g._data_generations = found
    return found


def generations_read() -> bool:
    """Whether this request has read the generations (a further cached value costs no query)."""
    return has_app_context() and g.get("_data_generations") is not None and _state()["enabled"]


def _has_pending_writes() -> bool:
    session = db.session()
    if session.new or session.dirty or session.deleted:
        return True
    transaction = session.get_transaction()
    if transaction is None:
        return False
    return bool(session.connection().info.get(_TOUCHED))


def cached(name: str, key: Hashable, compute: Callable[[], Any], *, depends_on: tuple[str, ...] = (),
           keep: Callable[[Any], bool] | None = None, fresh: Callable[[Any], bool] | None = None) -> Any:
    """``compute()``'s value for ``(name, key)``, kept while the tables it read are unchanged.

    ``depends_on`` names tables read before ``compute`` runs (objects already loaded in this
    request, such as the compound of the URL) that its value depends on as well; a value for
    which ``keep(value)`` is false is answered but not kept; a kept value for which
    ``fresh(value)`` is false is computed again (a value that changes with time by itself, such
    as a vote that opens at a set moment, says until when it holds)."""
    state = _state()
    if not state["enabled"] or _has_pending_writes():
        return compute()
    current = generations()
    store_key = name + ":" + hashlib.sha256(repr(key).encode()).hexdigest()
    blob = state["store"].get(store_key)
    if blob is not None:
        try:
            depends, value = pickle.loads(blob)
        except Exception:  # noqa: BLE001 - an unreadable entry is recomputed
            depends, value = None, None
        if (depends is not None and all(current.get(table, 0) == seen for table, seen in depends.items())
                and (fresh is None or fresh(value))):
            state["hits"] += 1
            outer = _reading.get()
            if outer is not None:  # a cached value inside another's computation: the outer one depends on it too
                outer.update(depends)
            return value
    state["misses"] += 1
    reading = set()
    token = _reading.set(reading)
    try:
        value = compute()
    finally:
        _reading.reset(token)
    tables = (reading & _table_names(state)) | {EVERYTHING} | set(depends_on)
    outer = _reading.get()
    if outer is not None:
        outer.update(tables)
    depends = {table: current.get(table, 0) for table in tables}
    if keep is not None and not keep(value):
        return value
    try:
        state["store"].set(store_key, pickle.dumps((depends, value), protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:  # noqa: BLE001 - a value that cannot be kept is still answered
        log.exception("data cache: could not keep %s", name)
    return value


# ----------------------------------------------------------------------------- rendered fragments


def _placeholder() -> str:
    """What a kept fragment holds where a form's CSRF token goes: the same on every app server
    sharing the secret key, unguessable by a reader."""
    secret = current_app.secret_key
    secret = secret.encode() if isinstance(secret, str) else (secret or b"")
    return "csrf-" + hashlib.sha256(secret + b"/datacache/csrf").hexdigest()[:32]


def render_kept(name: str, key: Hashable, render: Callable[[], tuple[str, Any]], **options) -> tuple[Markup, Any]:
    """``render()`` → ``(html, extra)`` kept like :func:`cached`, with the CSRF tokens of the forms
    it renders left out of the kept copy and put back for this session on every answer."""
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    placeholder = _placeholder()

    def without_token():
        missing = object()
        own = g.pop(field, missing)
        setattr(g, field, placeholder)  # flask_wtf.csrf.generate_csrf answers g's token
        try:
            return render()
        finally:
            g.pop(field, None)
            if own is not missing:
                setattr(g, field, own)

    html, extra = cached(name, key, without_token, **options)
    if placeholder in html:
        from flask_wtf.csrf import generate_csrf

        html = html.replace(placeholder, generate_csrf())
    return Markup(html), extra


def _wanted(app: Flask) -> bool:
    """``DATA_CACHE = False`` (setting) or ``DATA_CACHE=0`` (environment) turns the cache off
    (a benchmark's comparison; the generations still move)."""
    setting = app.config.get("DATA_CACHE")
    if setting is None:
        return os.environ.get("DATA_CACHE", "1") != "0"
    return bool(setting)


def init_app(app: Flask) -> None:
    """Listen to the app's engine; read or write values only once ``data_generation`` exists
    (a database not yet migrated runs without the cache)."""
    with app.app_context():
        engine = db.engine
        try:
            enabled = inspect(engine).has_table(TABLE)
        except Exception:  # noqa: BLE001 - no database yet (``flask db upgrade`` on a fresh install)
            enabled = False
    url = app.config.get("DATA_CACHE_REDIS_URL") or os.environ.get("REDIS_URL")
    store = _RedisStore(url, app.config.get("DATA_CACHE_PREFIX", "committee:datacache:")) if url else _MemoryStore()
    app.extensions["datacache"] = {"enabled": enabled and _wanted(app), "store": store,
                                   "tables": None, "hits": 0, "misses": 0}
    if not enabled:
        log.warning("data cache off: table %s missing (run the migrations)", TABLE)
    if not event.contains(engine, "before_cursor_execute", _note_statement):
        event.listen(engine, "before_cursor_execute", _note_statement)
        if enabled:
            event.listen(engine, "commit", _bump)
        event.listen(engine, "rollback", _forget)
        event.listen(engine.pool, "reset", _forget_record)
