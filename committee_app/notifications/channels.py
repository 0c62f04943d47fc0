"""Delivery channels beyond the in-app centre: e-mail over SMTP (standard library) and text
messages through a pluggable HTTP gateway adapter.

Settings (instance/config.py):

- ``NOTIFY_MAIL_HOST``, ``NOTIFY_MAIL_PORT`` (25), ``NOTIFY_MAIL_STARTTLS`` (False),
  ``NOTIFY_MAIL_USERNAME``, ``NOTIFY_MAIL_PASSWORD``, ``NOTIFY_MAIL_FROM``;
- ``NOTIFY_SMS_ENABLED`` (False), ``NOTIFY_SMS_URL``, ``NOTIFY_SMS_KEY``, ``NOTIFY_SMS_TEMPLATE``
  (``str.format`` over ``title`` and ``link``), ``NOTIFY_SMS_ADAPTER`` (``module:Class``, default
  :class:`JsonHttpSmsGateway`);
- ``NOTIFY_BASE_URL``: the site's address, put before the links in e-mails and texts.
"""
from __future__ import annotations

import importlib
import json
import smtplib
import urllib.error
import urllib.request
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Protocol


class DeliveryError(Exception):
    """A message could not be handed over; it will be retried."""


def email_configured(config) -> bool:
    return bool(config.get("NOTIFY_MAIL_HOST"))


def build_email(config, to: str, subject: str, text: str, html: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = formataddr(("业委会工作室", config.get("NOTIFY_MAIL_FROM") or "noreply@localhost"))
    message["To"] = to
    message["Message-ID"] = make_msgid(domain="committee.local")
    message.set_content(text, charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    return message


def send_email(config, message: EmailMessage) -> None:
    try:
        with smtplib.SMTP(config["NOTIFY_MAIL_HOST"], int(config.get("NOTIFY_MAIL_PORT") or 25),
                          timeout=int(config.get("NOTIFY_MAIL_TIMEOUT") or 20)) as smtp:
            if config.get("NOTIFY_MAIL_STARTTLS"):
                smtp.starttls()
            if config.get("NOTIFY_MAIL_USERNAME"):
                smtp.login(config["NOTIFY_MAIL_USERNAME"], config.get("NOTIFY_MAIL_PASSWORD") or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise DeliveryError(f"SMTP: {error}") from error


class SmsGateway(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class JsonHttpSmsGateway:
    """POSTs ``{"phone": ..., "text": ...}`` as JSON to the gateway's URL with the key as a
    bearer token; any 2xx answer is success. A street office whose provider wants another
    shape writes a class with the same ``send`` and names it in ``NOTIFY_SMS_ADAPTER``."""

    def __init__(self, url: str, key: str, timeout: int = 20) -> None:
        self.url, self.key, self.timeout = url, key, timeout

    def send(self, phone: str, text: str) -> None:
        request = urllib.request.Request(
            self.url, data=json.dumps({"phone": phone, "text": text}, ensure_ascii=False).encode("utf-8"),
            headers={"Content-Type": "application/json; charset=utf-8", "Authorization": f"Bearer {self.key}"},
            method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                if not 200 <= response.status < 300:
                    raise DeliveryError(f"SMS gateway answered {response.status}")
        except (urllib.error.URLError, OSError) as error:
            raise DeliveryError(f"SMS gateway: {error}") from error


def sms_configured(config) -> bool:
    return bool(config.get("NOTIFY_SMS_ENABLED") and config.get("NOTIFY_SMS_URL"))


def sms_gateway(config) -> SmsGateway:
    adapter = config.get("NOTIFY_SMS_ADAPTER") or "committee_app.notifications.channels:JsonHttpSmsGateway"
    module_name, _, class_name = adapter.partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    return cls(config["NOTIFY_SMS_URL"], config.get("NOTIFY_SMS_KEY") or "")


def sms_text(config, title: str, link: str) -> str:
    template = config.get("NOTIFY_SMS_TEMPLATE") or "【业委会工作室】{title} {link}"
    return template.format(title=title, link=link)
