"""``flask notify run`` twice, or twice at once: nothing is told twice, nothing is sent twice.
The lock is a PostgreSQL advisory lock, or on SQLite a lock row with a lease."""
from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest

from committee_app import clock
from committee_app.extensions import db
from committee_app.registry.models import Compound

from .conftest import at
from .test_delivery import Inbox, _free_port  # noqa: F401 (the SMTP inbox)

DAY = date(2026, 12, 1)


def _busy_day(app, world):
    """A roll notice in A and B and a step waiting for the street office: several audiences at once."""
    from committee_app.accounts.models import User
    from committee_app.notices.operations import post_notice
    from committee_app.notifications import operations as notify
    from committee_app.procedures import operations

    clock.freeze(at(DAY - timedelta(days=4)))
    with app.app_context():
        compound = db.session.get(Compound, world.a)
        procedure = operations.start_procedure(compound, "reelection", on=DAY - timedelta(days=5),
                                               actor=db.session.get(User, world.users["organiser"]),
                                               term_ends_on=date(2027, 6, 30))
        operations.complete_step(procedure.steps[0], on=DAY - timedelta(days=4),
                                 actor=db.session.get(User, world.users["organiser"]))
        clock.freeze(at(DAY))
        for compound_id in (world.a, world.b):
            post_notice(db.session.get(Compound, compound_id), kind="roll_notice", title="名册公示", posted_on=DAY,
                        publicity_days=15, pdf=b"%PDF-1.4 test")
        for username in ("owner", "other_owner", "officer"):
            notify.save_preferences(world.users[username], email=f"{username}@example.org", phone=None,
                                    stops_optional=False, choices={})
        db.session.commit()


def _told(app) -> list[tuple]:
    from committee_app.notifications.models import Notification

    with app.app_context():
        return sorted((n.user_id, n.rule_key, n.source_type, n.source_id) for n in db.session.scalars(
            db.select(Notification).where(Notification.rule_key.in_(
                ("owner_roll_notice", "officer_signoff_waiting")))))


@pytest.fixture
def inbox(app):
    from aiosmtpd.controller import Controller

    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config.update(NOTIFY_MAIL_HOST="127.0.0.1", NOTIFY_MAIL_PORT=controller.port)
    yield handler
    controller.stop()


def test_running_twice_tells_nobody_twice(app, world, run_on, inbox):
    _busy_day(app, world)
    first = run_on(DAY)
    told_once = _told(app)
    assert [(rule) for _user, rule, _t, _id in told_once].count("owner_roll_notice") == 2
    assert [(rule) for _user, rule, _t, _id in told_once].count("officer_signoff_waiting") == 2  # both officers
    second = run_on(DAY)
    assert second.created == 0 and second.sent == 0
    assert _told(app) == told_once
    assert len(inbox.messages) == first.sent == 3  # two owners and the officer gave an address


def test_two_runs_at_the_same_moment_tell_and_send_everything_exactly_once(app, world, inbox):
    from committee_app.notifications.runner import run_once

    _busy_day(app, world)
    clock.freeze(at(DAY))
    start = threading.Barrier(2)
    reports, errors = [], []

    def run():
        try:
            start.wait(timeout=10)
            reports.append(run_once(app))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sum(r.created for r in reports) == len(_told(app)) == 4
    assert sum(r.sent for r in reports) == len(inbox.messages) == 3
    recipients = sorted(rcpt for rcpts, _raw in inbox.messages for rcpt in rcpts)
    assert recipients == ["officer@example.org", "other_owner@example.org", "owner@example.org"]


def test_a_run_finds_the_lock_held_and_does_nothing(app, world):
    from committee_app.notifications.lock import job_lock
    from committee_app.notifications.runner import run_once

    _busy_day(app, world)
    clock.freeze(at(DAY))
    with app.app_context():
        with job_lock("notify") as held:
            assert held
            assert run_once(app).locked_out
            with job_lock("notify") as second:
                assert not second
    assert _told(app) == []
    assert run_once(app).created == 4


def test_the_sqlite_lock_row_is_taken_over_when_its_lease_runs_out(app):
    from committee_app.notifications.lock import release_lease, take_lease

    clock.freeze(at(DAY))
    with app.app_context():
        assert take_lease("notify", "crashed-run", timedelta(minutes=15))
        assert not take_lease("notify", "next-run", timedelta(minutes=15))
        clock.freeze(at(DAY) + timedelta(minutes=16))
        assert take_lease("notify", "next-run", timedelta(minutes=15))
        release_lease("notify", "crashed-run")  # the crashed run cannot release what it lost
        assert not take_lease("notify", "third-run", timedelta(minutes=15))
        release_lease("notify", "next-run")
        assert take_lease("notify", "third-run", timedelta(minutes=15))


def test_on_postgresql_the_lock_is_an_advisory_lock_that_ends_with_its_connection(app):
    from sqlalchemy import text

    from committee_app.notifications.lock import advisory_key, job_lock

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL only: run with DATABASE_URL")
        holder = db.engine.connect()
        assert holder.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": advisory_key("notify")}).scalar()
        with job_lock("notify") as held:
            assert not held
        holder.invalidate()  # the holder's database session ends (a crashed run): its lock with it
        holder.close()
        with job_lock("notify") as held:
            assert held
        with job_lock("notify") as held_again:
            assert held_again  # released on leaving the block


def test_without_the_lock_the_unique_key_still_refuses_a_second_copy(app, world, monkeypatch):
    """Two runs that both checked before either committed: the database's unique key decides."""
    from committee_app.notifications import operations

    _busy_day(app, world)
    clock.freeze(at(DAY))
    with app.app_context():
        first = operations.deliver(DAY)
        db.session.commit()
        assert len(first) == 4
        monkeypatch.setattr(operations, "_existing_keys", lambda keys: set())  # it did not see the first run's rows
        assert operations.deliver(DAY) == []
        db.session.commit()
    assert len(_told(app)) == 4
