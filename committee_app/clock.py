"""The one place the application asks what time it is.

Datetimes are stored as naive UTC; dates that people see and that deadlines are
counted in are dates in the compound's time zone (Asia/Shanghai). Tests freeze the
clock with :func:`freeze` instead of patching ``datetime``.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")

_frozen: datetime | None = None


def utcnow() -> datetime:
    """The current time as a naive UTC datetime (how the database stores it)."""
    if _frozen is not None:
        return _frozen
    return datetime.now(timezone.utc).replace(tzinfo=None)


def today() -> date:
    """Today's date in Asia/Shanghai."""
    return to_local(utcnow()).date()


def to_local(moment: datetime) -> datetime:
    """A stored naive-UTC datetime as an aware Asia/Shanghai datetime."""
    return moment.replace(tzinfo=timezone.utc).astimezone(LOCAL_TZ)


def local_to_utc(moment: datetime) -> datetime:
    """A naive Asia/Shanghai datetime (as typed into a form) to naive UTC."""
    return moment.replace(tzinfo=LOCAL_TZ).astimezone(timezone.utc).replace(tzinfo=None)


def freeze(moment: datetime | None) -> None:
    """Freeze the clock at a naive-UTC ``moment``; ``None`` lets it run again."""
    global _frozen
    _frozen = moment
