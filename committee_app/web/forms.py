"""Shared form fields and validators: every input bounded at the edge.

Dates: each feature's forms import :class:`DateField` and :class:`DateTimeLocalField` from
here instead of ``wtforms``. They refuse a date outside ``INPUT_DATE_RANGE`` (config:
2000-01-01..2100-12-31 by default), so no 0001-01-01 or 9999-12-20 reaches the database
and overflows the deadline arithmetic of every board that reads it.

Text: :class:`NoNulBytes` is added to every string field by the app-wide request check
(:mod:`committee_app.web.guards`); lengths are checked against the model columns there too.
"""
from __future__ import annotations

from datetime import date, datetime

import click
from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import DateField as _DateField
from wtforms import DateTimeLocalField as _DateTimeLocalField
from wtforms.validators import ValidationError

DEFAULT_DATE_RANGE = ("2000-01-01", "2100-12-31")


def date_range() -> tuple[date, date]:
    """The earliest and latest date any input may hold (config ``INPUT_DATE_RANGE``)."""
    low, high = (current_app.config.get("INPUT_DATE_RANGE") if current_app else None) or DEFAULT_DATE_RANGE
    return _as_date(low), _as_date(high)


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def date_out_of_range(value: date | datetime | None) -> str | None:
    """The message to show when ``value`` is outside the allowed range, else None."""
    if value is None:
        return None
    day = value.date() if isinstance(value, datetime) else value
    low, high = date_range()
    if low <= day <= high:
        return None
    return str(_l("日期须在 %(low)s 至 %(high)s 之间。", low=low.isoformat(), high=high.isoformat()))


class DateInRange:
    """Refuses a date (or datetime) outside :func:`date_range`."""

    field_flags = {}

    def __call__(self, form, field) -> None:
        message = date_out_of_range(field.data)
        if message:
            raise ValidationError(message)


class DateField(_DateField):
    """A date within the allowed range (see module doc)."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, [*(validators or ()), DateInRange()], **kwargs)


class DateTimeLocalField(_DateTimeLocalField):
    """A local date and time within the allowed range (see module doc)."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, [*(validators or ()), DateInRange()], **kwargs)


class DateParam(click.ParamType):
    """A command-line date (YYYY-MM-DD) within the same range as the forms'."""

    name = "date"

    def convert(self, value, param, ctx):
        if isinstance(value, date):
            day = value
        else:
            try:
                day = date.fromisoformat(str(value))
            except ValueError:
                self.fail(f"{value!r} is not a date (YYYY-MM-DD)", param, ctx)
        message = date_out_of_range(day)
        if message:
            self.fail(message, param, ctx)
        return day


#: ``@click.option("--on", type=DATE)`` in a feature's ``cli.py``
DATE = DateParam()
