"""``run_once()``: compute the reminders due now, commit them, then send the outbox.

Called by ``flask notify run`` (cron or a systemd timer, see the README) and meant to be
called periodically by the job queue. Safe to run twice at once: the second run finds the
lock held and returns at once; even without it the unique key keeps messages single.
Messages go out only after the transaction that created them has committed; each is
claimed (pending → sending) in its own commit before it is handed to SMTP or the gateway,
so no run sends it a second time; a failure is retried with growing pauses.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import Flask, current_app, render_template
from sqlalchemy import select, update

from .. import clock
from ..extensions import db
from . import channels
from .lock import job_lock
from .models import FAILED, PENDING, SENDING, SENT, OutboxMessage
from .operations import deliver

#: minutes to wait after the 1st, 2nd, ... failure; after the last the message is given up
BACKOFF_MINUTES = (1, 5, 30, 120, 720)


@dataclass
class RunReport:
    locked_out: bool = False
    created: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    waiting: int = 0  # messages for a channel that is not configured

    def line(self) -> str:
        if self.locked_out:
            return "another notify run holds the lock; nothing done"
        return (f"notifications created: {self.created}; messages sent: {self.sent}, retrying: {self.retrying}, "
                f"failed: {self.failed}, waiting for a channel: {self.waiting}")


def backoff(attempts: int) -> timedelta | None:
    """The pause after ``attempts`` failed tries, or None when the message is given up."""
    if attempts > len(BACKOFF_MINUTES):
        return None
    return timedelta(minutes=BACKOFF_MINUTES[attempts - 1])


def run_once(app: Flask | None = None, *, today: date | None = None) -> RunReport:
    """One pass: the job queue's periodic task and ``flask notify run`` both call this."""
    if app is not None:
        with app.app_context():
            return run_once(today=today)
    with job_lock("notify", timedelta(seconds=int(current_app.config.get("NOTIFY_LOCK_LEASE_SECONDS", 900)))) as held:
        if not held:
            return RunReport(locked_out=True)
        report = RunReport()
        try:
            report.created = len(deliver(today))
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        send_outbox(report)
        return report


def _absolute(link: str) -> str:
    config = current_app.config
    base = (config.get("NOTIFY_BASE_URL") or config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    return f"{base}{link}" if base and link.startswith("/") else link


def _send(message: OutboxMessage) -> None:
    config = current_app.config
    notification = message.notification
    link = _absolute(notification.link)
    if message.channel == "email":
        with current_app.test_request_context("/"):
            context = {"n": notification, "link": link}
            text = render_template("notifications/email.txt", **context)
            html = render_template("notifications/email.html", **context)
        channels.send_email(config, channels.build_email(config, message.address, notification.title, text, html))
    else:
        channels.sms_gateway(config).send(message.address, channels.sms_text(config, notification.title, link))


def _configured(channel: str) -> bool:
    config = current_app.config
    return channels.email_configured(config) if channel == "email" else channels.sms_configured(config)


def send_outbox(report: RunReport | None = None, limit: int = 500) -> RunReport:
    report = report or RunReport()
    now = clock.utcnow()
    rows = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.channel)
        .where(OutboxMessage.state == PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id).limit(limit)).all()
    db.session.commit()
    for message_id, channel in rows:
        if not _configured(channel):
            report.waiting += 1
            continue
        claimed = db.session.execute(
            update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.state == PENDING)
            .values(state=SENDING, attempts=OutboxMessage.attempts + 1)).rowcount
        db.session.commit()
        if not claimed:
            continue
        message = db.session.get(OutboxMessage, message_id)
        try:
            _send(message)
        except channels.DeliveryError as error:
            pause = backoff(message.attempts)
            message.last_error = str(error)[:2000]
            if pause is None:
                message.state = FAILED
                report.failed += 1
            else:
                message.state = PENDING
                message.next_attempt_at = clock.utcnow() + pause
                report.retrying += 1
        else:
            message.state = SENT
            message.sent_at = clock.utcnow()
            report.sent += 1
        db.session.commit()
    return report

