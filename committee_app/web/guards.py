"""App-wide edges: ids within the column type, no NUL bytes, text within its column.

- :class:`IdConverter` replaces Flask's ``int`` URL converter: ``/ballot/99999999999999999999``
  (or any id past PostgreSQL's ``integer``) is a 404, never a 500.
- :func:`refuse_bad_input` (before each request): a NUL byte in any query value, form value or
  upload file name is refused with 400 and a clear message; a numeric query argument such as
  ``?page=`` past the integer range is a 404.
- :func:`check_lengths` (before each flush): text longer than its column, or holding a NUL
  byte, is refused with :class:`InputRefused` naming the field before the database sees it
  (PostgreSQL would answer with an error, SQLite would store it silently).
"""
from __future__ import annotations

from flask import Flask, abort, request
from flask_babel import gettext as _
from sqlalchemy import Insert, String, Update, event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from werkzeug.routing import IntegerConverter

from .transaction import InputRefused

#: the largest value of an ``integer`` column (PostgreSQL, and the ids SQLite hands out here)
DB_INT_MAX = 2**31 - 1

#: query arguments that carry a number (page, revision to compare, a filter's id)
NUMERIC_ARGS = ("page", "a", "b", "revision", "community", "slot")


class IdConverter(IntegerConverter):
    """``<int:…>`` limited to the integer column range."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002 - werkzeug's names
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=DB_INT_MAX if max is None else max,
                         signed=signed)


def _has_nul(value) -> bool:
    return isinstance(value, str) and "\x00" in value


def refuse_bad_input():
    for name, value in request.args.items(multi=True):
        if _has_nul(name) or _has_nul(value):
            abort(400, description=_("输入中含有不允许的空字符（NUL），未保存任何内容。"))
        if name in NUMERIC_ARGS and value.strip().lstrip("+-").isdigit() and abs(int(value)) > DB_INT_MAX:
            abort(404)
    if request.method in ("POST", "PUT", "PATCH"):
        for name, value in request.form.items(multi=True):
            if _has_nul(name) or _has_nul(value):
                abort(400, description=_("输入中含有不允许的空字符（NUL），未保存任何内容。"))
        for upload in request.files.values():
            if _has_nul(upload.filename):
                abort(400, description=_("文件名中含有不允许的空字符（NUL），未保存任何内容。"))


def _label(column) -> str:
    label = column.info.get("label")
    if label:
        return str(label)
    table = getattr(column, "table", None)
    return f"{table.name}.{column.key}" if table is not None else column.key


def check_lengths(session: Session, _flush_context, _instances) -> None:
    """Refuse text that does not fit its column, before the flush sends it."""
    for obj in list(session.new) + list(session.dirty):
        state = inspect(obj)
        for attr in state.mapper.column_attrs:
            if attr.key not in state.dict:
                continue
            value = state.dict[attr.key]
            if not isinstance(value, str):
                continue
            for column in attr.columns:
                _check_value(column, value)


def _check_value(column, value) -> None:
    if not isinstance(value, str) or not isinstance(column.type, String):
        return
    if "\x00" in value:
        raise InputRefused(_("“%(field)s”中含有不允许的空字符（NUL），未保存。", field=_label(column)))
    length = column.type.length
    if length and len(value) > length:
        raise InputRefused(_("“%(field)s”过长：最多 %(max)s 个字符，实际 %(got)s 个，未保存。",
                             field=_label(column), max=length, got=len(value)))


def check_statement(_conn, clauseelement, multiparams, params, _execution_options) -> None:
    """The same check for bulk ``insert()`` / ``update()`` statements that bypass the flush."""
    if not isinstance(clauseelement, (Insert, Update)):
        return
    table = clauseelement.table
    columns = getattr(table, "c", None)
    if columns is None:
        return
    rows = []
    for batch in (multiparams or ()):
        rows.extend(batch if isinstance(batch, (list, tuple)) else [batch])
    if params:
        rows.append(params)
    values = getattr(clauseelement, "_values", None) or {}
    if values:
        rows.append({getattr(key, "key", key): getattr(value, "value", value) for key, value in values.items()})
    for row in rows:
        if not isinstance(row, dict):
            continue
        for key, value in row.items():
            column = columns.get(getattr(key, "key", key))
            if column is not None:
                _check_value(column, value)


def init_app(app: Flask) -> None:
    app.before_request(refuse_bad_input)
    if not event.contains(Session, "before_flush", check_lengths):
        event.listen(Session, "before_flush", check_lengths)
    if not event.contains(Engine, "before_execute", check_statement):
        event.listen(Engine, "before_execute", check_statement)
