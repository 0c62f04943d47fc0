"""A pooled PostgreSQL connection is checked only after it was idle (committee_app._ping_when_idle):
one round trip less per request than ``pool_pre_ping``, and a connection whose server process
went away (a restart) is still replaced before a request uses it."""
from __future__ import annotations

import pytest
from sqlalchemy import text

import committee_app
from committee_app.extensions import db


def test_a_dead_idle_connection_is_replaced_before_use(app, monkeypatch):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("PostgreSQL only (set DATABASE_URL): SQLite has no server connection to lose")
    assert app.config["_PING_WHEN_IDLE"] and not app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"]
    with app.app_context():
        with db.engine.connect() as connection:
            pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        import psycopg

        url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(url, autocommit=True) as other:  # the server ends the pooled connection's process
            other.execute("SELECT pg_terminate_backend(%s)", (pid,))
        monkeypatch.setattr(committee_app, "IDLE_PING_SECONDS", 0.0)  # "idle long enough"
        # the pool may hand out either connection; the dead one must never reach the query
        for _ in range(3):
            assert db.session.execute(text("SELECT pg_backend_pid()")).scalar() != pid
            db.session.remove()
