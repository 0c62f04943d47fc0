"""Helpers for the notification tests: run the job on a given day, read who was told what."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from committee_app import clock
from committee_app.extensions import db


def at(day: date, hour: int = 2) -> datetime:
    """A naive-UTC moment on ``day`` in Asia/Shanghai (02:00 UTC = 10:00 in Shanghai)."""
    return datetime(day.year, day.month, day.day, hour, 0)


@pytest.fixture
def run_on(app):
    """``run_on(day)`` freezes the clock on ``day`` and runs ``flask notify run`` once."""
    from committee_app.notifications.runner import run_once

    def run(day: date):
        clock.freeze(at(day))
        report = run_once(app)
        assert not report.locked_out
        return report
    yield run
    clock.freeze(None)


@pytest.fixture
def told(app, world):
    """``told("organiser")`` -> sorted (rule, due date) of that world account's notifications."""
    from committee_app.notifications.models import Notification

    def messages(username: str, *rules: str) -> list[tuple[str, str]]:
        with app.app_context():
            query = db.select(Notification).where(Notification.user_id == world.users[username])
            found = [(n.rule_key, n.due_on.isoformat() if n.due_on else "-") for n in db.session.scalars(query)]
        return sorted(f for f in found if not rules or f[0] in rules)
    return messages


def days(start: date, *offsets: int) -> list[date]:
    return [start + timedelta(days=n) for n in offsets]
