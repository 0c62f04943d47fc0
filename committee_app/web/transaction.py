"""One transaction per request, in one place (STYLE.md: Indico's ``RH.process``).

A converted handler never commits, rolls back or catches the operations' errors itself::

    @bp.post("/admin/grants/<int:grant_id>/revoke")
    @transaction(back=lambda grant_id: url_for("accounts.users"))
    def revoke(grant_id: int):
        authorize(Ability.ADMIN)
        grant = db.get_or_404(RoleGrant, grant_id)
        operations.revoke_role(grant)               # flushes and audits, never commits
        flash(_("已撤销角色。"), "success")
        return redirect(url_for("accounts.user", user_id=grant.user_id))

:func:`transaction` commits once after the handler returns. On an error it rolls back, takes
back the messages the handler flashed for a change that was not saved, runs the clean-ups
registered with :func:`on_rollback` (files written outside the database), and answers:

- a refusal of an operation (any ``ValueError``: ``AccountError``, ``VotingError``,
  ``InputRefused`` …): its own message, status 400;
- ``IntegrityError``: "conflicts with a record saved meanwhile", status 409;
- a database that is read-only, full, busy or unreachable (``OperationalError`` and other
  driver errors): said as such (:func:`database_problem`), status 503 (507 when full).

With ``back`` (a function of the view's arguments returning a URL) the message is flashed and
the browser is sent back there (a form posted from a page); without it an error page with the
status is rendered. HTTP errors (``abort(403)``) roll back and pass through unchanged.
Functions registered with :func:`after_commit` (notifications, e-mails) run only once the
commit succeeded, so nothing announces a change that rolled back.
"""
from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from typing import Callable, TypeVar

import click
from flask import flash, g, make_response, redirect, render_template, session
from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError
from werkzeug.exceptions import HTTPException

from ..extensions import db

log = logging.getLogger(__name__)

T = TypeVar("T")


class InputRefused(ValueError, click.ClickException):
    """A value the database would reject or overflow (too long, a NUL byte, out of range).

    Also a ``ClickException``: a command refuses it with the message and exit status 1."""

    def __init__(self, message: str):
        ValueError.__init__(self, message)
        click.ClickException.__init__(self, message)

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class DatabaseProblem:
    kind: str  # read_only | full | busy | unavailable
    message: str
    status: int


def database_problem(error: BaseException) -> DatabaseProblem:
    """What a database error means for the user: read-only, full, busy or unavailable."""
    text = str(getattr(error, "orig", None) or error).lower()
    sqlstate = getattr(getattr(error, "orig", None), "sqlstate", None) or ""
    if sqlstate == "25006" or "readonly database" in text or "read-only" in text or "read only" in text:
        return DatabaseProblem("read_only", _("数据库当前为只读状态，无法保存任何修改。请联系管理员。"), 503)
    if sqlstate in ("53100", "53200") or "disk is full" in text or "no space left" in text \
            or "database or disk is full" in text:
        return DatabaseProblem("full", _("数据库存储空间已满，刚才的操作没有保存。请联系管理员。"), 507)
    if sqlstate in ("40001", "40P01", "55P03") or "database is locked" in text or "busy" in text:
        return DatabaseProblem("busy", _("数据库正忙，刚才的操作没有保存，请稍后再试。"), 503)
    return DatabaseProblem("unavailable", _("数据库暂时无法使用，刚才的操作没有保存，请稍后再试。"), 503)


def after_commit(callback: Callable[[], None]) -> None:
    """Run ``callback`` once the request's transaction has been committed (never after a rollback)."""
    g.setdefault("_after_commit", []).append(callback)


def on_rollback(callback: Callable[[], None]) -> None:
    """Run ``callback`` when the request's transaction rolls back (e.g. delete a file written meanwhile)."""
    g.setdefault("_on_rollback", []).append(callback)


def rollback() -> None:
    """Roll the session back and undo what was written outside it."""
    db.session.rollback()
    callbacks = g.pop("_on_rollback", [])
    g.pop("_after_commit", None)
    for callback in reversed(callbacks):
        try:
            callback()
        except Exception:  # noqa: BLE001 - a failed clean-up must not hide the original error
            log.exception("clean-up after rollback failed")


def commit() -> None:
    db.session.commit()
    g.pop("_on_rollback", None)
    for callback in g.pop("_after_commit", []):
        try:
            callback()
        except Exception:  # noqa: BLE001 - the change is saved; report, do not undo it
            log.exception("after-commit action failed")


def attempt(operation: Callable[[], T]) -> tuple[T | None, ValueError | None]:
    """Run one operation of a :func:`transaction` view whose refusal shows the page again.

    ``(result, None)`` when it went through; ``(None, error)`` when the operation refused
    (a ``ValueError``): the change is rolled back and the message flashed, and the view
    answers with its page (status 400), keeping the posted form::

        meeting, refusal = attempt(lambda: operations.create_meeting(compound, ...))
        if refusal:
            return _index(compound, 400, meeting_form=form)

    The commit stays with :func:`transaction`, at the end of the request.
    """
    try:
        return operation(), None
    except ValueError as error:
        rollback()
        flash(str(error), "danger")
        return None, error


def known_error(error: BaseException) -> tuple[str, int] | None:
    """(message, status) for an error the helper answers itself, None for anything else."""
    if isinstance(error, ValueError):
        return str(error), 400
    if isinstance(error, IntegrityError):
        return _("与刚刚保存的记录冲突（可能他人同时做了修改），未保存。请刷新后重试。"), 409
    if isinstance(error, DBAPIError):
        problem = database_problem(error)
        return problem.message, problem.status
    return None


def transaction(view: Callable | None = None, *, back: Callable[..., str] | None = None,
                failure: Callable[..., object] | None = None):
    """Decorate a view so the request commits once at the end (see the module doc).

    ``back(**view_args)``: where to send the browser after a refusal (the message is flashed).
    ``failure(**view_args)``: the response to give instead, e.g. the page with the posted form
    again (a form built in the failure function re-reads the posted data); its status becomes
    the error's (400, 409, 503) when it says 200.
    """
    def decorate(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            flashes_before = list(session.get("_flashes", []))
            try:
                response = function(*args, **kwargs)
                commit()
                return response
            except HTTPException:
                rollback()
                raise
            except (ValueError, SQLAlchemyError) as error:
                rollback()
                answer = known_error(error)
                if answer is None:
                    raise
                message, status = answer
                if status >= 500:
                    log.warning("request not saved: %s", error)
                session["_flashes"] = flashes_before  # take back "saved" messages of the lost change
                if failure is not None:
                    flash(message, "danger")
                    response = make_response(failure(*args, **kwargs))
                    if response.status_code == 200:
                        response.status_code = status
                    return response
                if back is not None:
                    flash(message, "danger")
                    return redirect(back(*args, **kwargs))
                return render_template("web/error.html", status=status, title=_("未保存"), message=message), status
            except BaseException:
                rollback()
                raise
        return wrapper
    return decorate(view) if view is not None else decorate
