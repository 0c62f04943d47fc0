"""Operations of the notification centre: turn due signals into notifications and outbox
messages, mark them read, keep each person's channels and calendar token. They flush and
never commit; the caller (a request, or :mod:`.runner`) commits once."""
from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from flask import current_app, has_request_context
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..extensions import db
from .models import CHANNELS, Notification, NotificationPreference, NotificationProfile, OutboxMessage
from .rules import Rule, RuleBook, get_rule_book
from .signals import Signal, audiences, collect


def rule_book() -> RuleBook:
    return get_rule_book(current_app.config.get("NOTIFY_SETTINGS") or None)


def dedupe_key(rule: Rule, signal: Signal, user_id: int, threshold: date | None) -> str:
    """Rule, record, recipient and due date: the same message is never created twice."""
    due = threshold.isoformat() if threshold else "-"
    return f"{rule.key}|{signal.record_type}:{signal.record_id}|u{user_id}|{due}"[:255]


@dataclass(frozen=True)
class Due:
    rule: Rule
    signal: Signal
    user_id: int
    threshold: date | None
    key: str


def due_messages(today: date, book: RuleBook | None = None) -> list[Due]:
    """Every (rule, record, recipient) whose time has come today, told before or not."""
    book = book or rule_book()
    info, signals = collect(today)
    who = audiences(info)
    by_source: dict[str, list[Signal]] = defaultdict(list)
    for signal in signals:
        by_source[signal.source].append(signal)
    result = []
    for rule in book.rules:
        for signal in by_source.get(rule.source, ()):
            fire, threshold = rule.timing.threshold(signal.event_on, today)
            if not fire:
                continue
            for user_id in who(rule.audience, signal.compound_id):
                result.append(Due(rule, signal, user_id, threshold, dedupe_key(rule, signal, user_id, threshold)))
    return result


def _existing_keys(keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        found.update(db.session.scalars(
            select(Notification.dedupe_key).where(Notification.dedupe_key.in_(keys[start:start + 500]))))
    return found


def channels_wanted(profile: NotificationProfile | None, kind: str, prefs: dict) -> list[tuple[str, str]]:
    """(channel, address) for one person and kind: e-mail on unless switched off, SMS off unless
    switched on (and the gateway enabled); in-app is always on and not listed."""
    if profile is None:
        return []
    wanted = []
    if profile.email and prefs.get((profile.user_id, kind, "email"), True):
        wanted.append(("email", profile.email))
    if (profile.phone and current_app.config.get("NOTIFY_SMS_ENABLED")
            and prefs.get((profile.user_id, kind, "sms"), False)):
        wanted.append(("sms", profile.phone))
    return wanted


def deliver(today: date | None = None, book: RuleBook | None = None) -> list[Notification]:
    """Create the notifications due today that were not created before, with their outbox
    messages. Safe against a concurrent run: the unique key refuses a duplicate, which is skipped."""
    today = today or clock.today()
    if not has_request_context():
        with current_app.test_request_context("/"):
            return deliver(today, book)
    due = due_messages(today, book)
    fresh = [d for d in due if d.key not in _existing_keys([d.key for d in due])]
    if not fresh:
        return []
    users = sorted({d.user_id for d in fresh})
    profiles = {p.user_id: p for p in db.session.scalars(
        select(NotificationProfile).where(NotificationProfile.user_id.in_(users)))}
    prefs = {(p.user_id, p.kind, p.channel): p.is_enabled for p in db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id.in_(users)))}
    created = []
    seen: set[str] = set()
    for item in fresh:
        if item.key in seen:
            continue
        seen.add(item.key)
        profile = profiles.get(item.user_id)
        if profile is not None and profile.stops_optional and not item.rule.is_statutory:
            continue
        values = dict(item.signal.values)
        link = item.signal.link
        if item.rule.audience == "owners" and values.get("owner_link"):
            link = values["owner_link"]
        title, body = item.rule.render(values)
        citations = "、".join(values.get("citations") or item.rule.citations)
        notification = Notification(
            user_id=item.user_id, rule_key=item.rule.key, kind=item.rule.kind, compound_id=item.signal.compound_id,
            source_type=item.signal.record_type, source_id=item.signal.record_id, due_on=item.threshold,
            dedupe_key=item.key, title=title, body=body, link=link, citations=citations[:255],
            values={k: list(v) if isinstance(v, tuple) else v for k, v in values.items()},
            is_statutory=item.rule.is_statutory, created_at=clock.utcnow())
        try:
            with db.session.begin_nested():
                db.session.add(notification)
                db.session.flush()
        except IntegrityError:  # a concurrent run told it first
            continue
        for channel, address in channels_wanted(profile, item.rule.kind, prefs):
            db.session.add(OutboxMessage(notification_id=notification.id, channel=channel, address=address,
                                         next_attempt_at=clock.utcnow(), created_at=clock.utcnow()))
        created.append(notification)
    db.session.flush()
    return created


# --------------------------------------------------------------------------- the person's side


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = clock.utcnow()
        db.session.flush()


def mark_all_read(user_id: int) -> int:
    result = db.session.execute(update(Notification).where(Notification.user_id == user_id,
                                                           Notification.read_at.is_(None))
                                .values(read_at=clock.utcnow()))
    db.session.flush()
    return result.rowcount or 0


def profile_of(user_id: int, *, create: bool = False) -> NotificationProfile | None:
    profile = db.session.get(NotificationProfile, user_id)
    if profile is None and create:
        profile = NotificationProfile(user_id=user_id)
        db.session.add(profile)
        db.session.flush()
    return profile


def save_preferences(user_id: int, *, email: str | None, phone: str | None, stops_optional: bool,
                     choices: dict[tuple[str, str], bool]) -> NotificationProfile:
    """Contact details, the owner's opt-out of optional messages, and a yes/no per (kind, channel)."""
    profile = profile_of(user_id, create=True)
    profile.email = (email or "").strip() or None
    profile.phone = (phone or "").strip() or None
    profile.stops_optional = stops_optional
    existing = {(p.kind, p.channel): p for p in db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == user_id))}
    for (kind, channel), enabled in choices.items():
        if channel not in CHANNELS:
            raise ValueError(f"unknown channel {channel}")
        preference = existing.get((kind, channel))
        if preference is None:
            db.session.add(NotificationPreference(user_id=user_id, kind=kind, channel=channel, is_enabled=enabled))
        else:
            preference.is_enabled = enabled
    db.session.flush()
    return profile


def calendar_token(user_id: int) -> str:
    """The person's private calendar token, created on first use."""
    profile = profile_of(user_id, create=True)
    if not profile.calendar_token:
        profile.calendar_token = secrets.token_urlsafe(32)
        db.session.flush()
    return profile.calendar_token


def reset_calendar_token(user_id: int) -> str:
    """A new token: the old feed URL stops working at once."""
    profile = profile_of(user_id, create=True)
    profile.calendar_token = secrets.token_urlsafe(32)
    db.session.flush()
    return profile.calendar_token
