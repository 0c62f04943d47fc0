"""Owners' committee election and deliberation system (业委会选举与议事系统)."""
from __future__ import annotations

import logging
import os
import secrets
import time
from pathlib import Path

from flask import Flask
from sqlalchemy import event, exc

from .config import DefaultConfig
from .extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent

log = logging.getLogger(__name__)


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_object(DefaultConfig)
    from .web.guards import IdConverter
    app.url_map.converters["int"] = IdConverter  # before any route is added: ids past the column → 404
    os.makedirs(app.instance_path, exist_ok=True)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)
    _configure_database(app)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(app)

    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)
        if app.config.get("_PING_WHEN_IDLE"):
            event.listen(db.engine.pool, "checkin", _note_checkin)
            event.listen(db.engine.pool, "checkout", _ping_when_idle)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    bootstrap.init_app(app)

    from . import i18n
    i18n.init_app(app)

    from .features import init_features
    init_features(app)

    from .web import datacache
    datacache.init_app(app)  # after the features: it reads every model's table name

    from .pdf import check_pdf_environment
    if not app.config.get("TESTING"):
        check_pdf_environment(app.logger)
    return app


def _configure_database(app: Flask) -> None:
    url = app.config.get("SQLALCHEMY_DATABASE_URI") or os.environ.get("DATABASE_URL")
    if not url:
        url = "sqlite:///" + os.path.join(app.instance_path, "committee.sqlite3")
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    if url.startswith("sqlite"):
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.setdefault("connect_args", {"timeout": 30})
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    elif (app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {}).get("pool_pre_ping") and app.config.get("DB_PING_WHEN_IDLE", True):
        # ``pool_pre_ping`` asks the server "SELECT 1" at every checkout: one round trip more on
        # every request (a sixth of a cached page's). Ask only when the connection was idle.
        options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"], pool_pre_ping=False)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
        app.config["_PING_WHEN_IDLE"] = True


#: a pooled connection unused this long is checked with "SELECT 1" before it is handed out
IDLE_PING_SECONDS = 10.0


def _note_checkin(_dbapi_connection, connection_record) -> None:
    connection_record.info["checked_in_at"] = time.monotonic()


def _ping_when_idle(dbapi_connection, connection_record, _connection_proxy) -> None:
    """``pool_pre_ping`` for connections idle for ``IDLE_PING_SECONDS`` (a server restart, a
    firewall dropping idle connections): a dead one is replaced before the request uses it. A
    connection in constant use is not asked; if it dies in use, the pool invalidates it on the
    error and the transaction helper answers that request with 503."""
    checked_in = connection_record.info.get("checked_in_at")
    if checked_in is not None and time.monotonic() - checked_in < IDLE_PING_SECONDS:
        return
    try:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT 1")
        finally:
            cursor.close()
        dbapi_connection.rollback()
    except Exception as error:  # noqa: BLE001 - any failure: this connection is not usable
        raise exc.DisconnectionError(str(error)) from error


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Enforce foreign keys and let readers run beside the writer."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _instance_secret_key(app: Flask) -> str:
    """One secret key per installation, created once and shared by every worker.

    The key is written to a temporary file and hard-linked into place, so a worker
    starting at the same moment either links first or reads the winner's key.
    """
    from .keyfile import create_once

    path = Path(app.instance_path) / "secret_key"
    create_once(path, secrets.token_hex(32))
    return path.read_text().strip()
