"""Rows computed in isolation: one compound that cannot be computed never takes a shared page down.

A board that lists many compounds (the street office's oversight board and its CSV, the
mentor's workshop board, the compound page's panels, a procedure's timeline) computes each
row through :func:`isolated`. A row whose computation raises shows "无法计算" with the reason
(:class:`Unavailable`) and the error is logged with its traceback; the page answers 200.

Database errors are not swallowed: after one the transaction is unusable (PostgreSQL), so
they propagate to the transaction helper, which reports them.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable, TypeVar

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger("committee_app.rows")

#: errors that mean a bug in the code, not bad data; with ROWS_STRICT (the test suite) they propagate
PROGRAMMING_ERRORS = (NameError, AttributeError, ImportError, TypeError, KeyError)

T = TypeVar("T")


@dataclass(frozen=True)
class Unavailable:
    """A row (or a part of one) that could not be computed, with the reason shown to the reader."""

    reason: str

    def __bool__(self) -> bool:  # so ``{% if row.error %}`` reads naturally
        return True

    def __str__(self) -> str:
        return _("无法计算：%(reason)s", reason=self.reason)


def reason_of(error: BaseException) -> str:
    """A reader's explanation of ``error``: its own message for a refusal, a generic one otherwise."""
    if isinstance(error, (ValueError, OverflowError, ArithmeticError)) and str(error):
        return str(error)
    return _("数据异常（%(kind)s），已记录，请联系管理员。", kind=type(error).__name__)


def isolated(compute: Callable[[], T], *, what: str) -> T | Unavailable:
    """``compute()``, or :class:`Unavailable` with the reason when it raises (logged as ``what``)."""
    try:
        return compute()
    except SQLAlchemyError:
        raise
    except Exception as error:  # noqa: BLE001 - one row must never fail the page
        if isinstance(error, PROGRAMMING_ERRORS) and has_app_context() and current_app.config.get("ROWS_STRICT"):
            raise  # under tests a bug in the code fails loudly instead of hiding as "无法计算"
        log.exception("cannot compute %s", what)
        return Unavailable(reason_of(error))
