"""E-mail through a real SMTP server and text messages through a local HTTP gateway, each sent
once, after the commit, retried with back-off when the server is away."""
from __future__ import annotations

import email
import json
import socket
import threading
from datetime import date, timedelta
from email import policy
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from committee_app import clock
from committee_app.extensions import db
from committee_app.registry.models import Compound

from .conftest import at

DAY = date(2026, 12, 1)


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _roll_notice(app, world):
    """A roll notice posted today in compound A: its owner account is told (statutory)."""
    from committee_app.notices.operations import post_notice

    clock.freeze(at(DAY))
    with app.app_context():
        post_notice(db.session.get(Compound, world.a), kind="roll_notice", title="甲小区业主名册公示", posted_on=DAY,
                    publicity_days=15, pdf=b"%PDF-1.4 test")
        db.session.commit()


def _contact(app, world, username, *, email_address=None, phone=None, choices=None):
    from committee_app.notifications import operations

    with app.app_context():
        operations.save_preferences(world.users[username], email=email_address, phone=phone, stops_optional=False,
                                    choices=choices or {})
        db.session.commit()


def test_an_owner_receives_the_roll_notice_by_email_once_in_plain_text_and_html(app, world, run_on, smtp_server):
    controller, inbox = smtp_server
    app.config.update(NOTIFY_MAIL_HOST="127.0.0.1", NOTIFY_MAIL_PORT=controller.port,
                      NOTIFY_MAIL_FROM="committee@example.org", NOTIFY_BASE_URL="https://committee.example.org")
    _contact(app, world, "owner", email_address="zhao@example.org")
    _roll_notice(app, world)
    report = run_on(DAY)
    assert report.sent == 1
    assert len(inbox.messages) == 1
    recipients, raw = inbox.messages[0]
    assert recipients == ["zhao@example.org"]
    message = email.message_from_bytes(raw, policy=policy.default)
    assert message["Subject"] == "甲小区：业主名册已公示（至 2026-12-16）"
    assert "committee@example.org" in message["From"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "请核对本人的房号和面积" in text and "依据：《业主大会和业主委员会指导规则》第十二条" in text
    assert "https://committee.example.org/board/A/notices/" in text
    assert "<a href=\"https://committee.example.org/board/A/notices/" in html and "查看并处理" in html
    run_on(DAY)
    run_on(DAY + timedelta(days=1))
    assert len(inbox.messages) == 1  # never twice


def test_a_person_who_switched_email_off_for_a_kind_gets_it_in_the_app_only(app, world, run_on, smtp_server):
    from committee_app.notifications.models import Notification, OutboxMessage

    controller, inbox = smtp_server
    app.config.update(NOTIFY_MAIL_HOST="127.0.0.1", NOTIFY_MAIL_PORT=controller.port)
    _contact(app, world, "owner", email_address="zhao@example.org", choices={("notices", "email"): False})
    _roll_notice(app, world)
    run_on(DAY)
    assert inbox.messages == []
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Notification.id))
                                 .where(Notification.user_id == world.users["owner"])) == 1
        assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 0


def test_a_message_that_cannot_be_delivered_is_retried_with_back_off_then_sent_once(app, world, run_on):
    from aiosmtpd.controller import Controller

    from committee_app.notifications.models import OutboxMessage

    port = _free_port()
    app.config.update(NOTIFY_MAIL_HOST="127.0.0.1", NOTIFY_MAIL_PORT=port, NOTIFY_MAIL_TIMEOUT=2)
    _contact(app, world, "owner", email_address="zhao@example.org")
    _roll_notice(app, world)
    report = run_on(DAY)  # nothing listens on the port yet
    assert (report.sent, report.retrying) == (0, 1)
    with app.app_context():
        message = db.session.scalar(db.select(OutboxMessage))
        assert message.state == "pending" and message.attempts == 1
        assert message.next_attempt_at == at(DAY) + timedelta(minutes=1)
        assert "SMTP" in message.last_error
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        clock.freeze(at(DAY) + timedelta(seconds=30))  # before the pause is over: left alone
        from committee_app.notifications.runner import run_once

        assert run_once(app).sent == 0 and inbox.messages == []
        clock.freeze(at(DAY) + timedelta(minutes=2))
        assert run_once(app).sent == 1
        assert run_once(app).sent == 0
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
    with app.app_context():
        message = db.session.scalar(db.select(OutboxMessage))
        assert message.state == "sent" and message.attempts == 2


def test_a_message_is_given_up_after_its_last_retry():
    from committee_app.notifications.runner import BACKOFF_MINUTES, backoff

    assert backoff(1) == timedelta(minutes=1)
    assert backoff(len(BACKOFF_MINUTES)) == timedelta(minutes=BACKOFF_MINUTES[-1])
    assert backoff(len(BACKOFF_MINUTES) + 1) is None


class Gateway(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Gateway.received.append((self.path, self.headers["Authorization"], json.loads(body)))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'{"ok": true}')

    def log_message(self, *args):
        pass


@pytest.fixture
def sms_gateway():
    Gateway.received = []
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/send", Gateway.received
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_the_sms_adapter_posts_the_text_to_the_street_offices_gateway(app, world, run_on, sms_gateway):
    url, received = sms_gateway
    app.config.update(NOTIFY_SMS_ENABLED=True, NOTIFY_SMS_URL=url, NOTIFY_SMS_KEY="gateway-key",
                      NOTIFY_SMS_TEMPLATE="【双柏社区】{title} 详见 {link}", NOTIFY_BASE_URL="https://c.example.org")
    _contact(app, world, "owner", phone="13800000000", choices={("notices", "sms"): True})
    _contact(app, world, "organiser", phone="13900000000")  # SMS not chosen: none sent
    _roll_notice(app, world)
    report = run_on(DAY)
    assert report.sent == 1
    assert len(received) == 1
    path, authorization, payload = received[0]
    assert path == "/send" and authorization == "Bearer gateway-key"
    assert payload["phone"] == "13800000000"
    assert payload["text"].startswith("【双柏社区】甲小区：业主名册已公示（至 2026-12-16） 详见 https://c.example.org/board/A/notices/")
    run_on(DAY)
    assert len(received) == 1


def test_sms_is_off_by_default(app, world, run_on, sms_gateway):
    from committee_app.notifications.models import OutboxMessage

    _contact(app, world, "owner", phone="13800000000", choices={("notices", "sms"): True})
    _roll_notice(app, world)
    run_on(DAY)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 0
    assert sms_gateway[1] == []
