"""The one transaction helper (issue 12, item 10): commit once, roll back on error, say why,
undo what was written outside the database, announce only what was saved."""
from __future__ import annotations

from flask import flash, get_flashed_messages
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from committee_app.accounts import operations as accounts
from committee_app.accounts.models import User
from committee_app.extensions import db
from committee_app.web.transaction import after_commit, on_rollback, transaction


def _names(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(select(User.username)))


def _routes(app, log: list):
    @app.post("/t/refused")
    @transaction(back=lambda: "/")
    def refused():
        accounts.create_user("first", "一", "password-123")
        on_rollback(lambda: log.append("file removed"))
        after_commit(lambda: log.append("notified"))
        flash("已创建", "success")
        raise accounts.AccountError("用户名已被使用。")

    @app.post("/t/saved")
    @transaction
    def saved():
        accounts.create_user("second", "二", "password-123")
        on_rollback(lambda: log.append("file removed"))
        after_commit(lambda: log.append("notified"))
        return "ok"

    @app.post("/t/duplicate")
    @transaction
    def duplicate():
        db.session.add(User(username="dup", display_name="x", password_hash="x"))
        db.session.add(User(username="dup", display_name="y", password_hash="y"))
        db.session.flush()
        return "never"

    @app.post("/t/read-only")
    @transaction
    def read_only():
        raise OperationalError("UPDATE", {}, Exception("attempt to write a readonly database"))

    @app.get("/t/flashes")
    def flashes():
        return {"messages": get_flashed_messages()}


def test_a_refusal_rolls_back_takes_back_the_success_message_and_cleans_up(app, client):
    log = []
    _routes(app, log)
    response = client.post("/t/refused")
    assert response.status_code == 302
    assert "first" not in _names(app)
    assert log == ["file removed"]  # cleaned up, never announced
    assert client.get("/t/flashes").json["messages"] == ["用户名已被使用。"]


def test_a_handler_that_returns_is_committed_once_and_then_announced(app, client):
    log = []
    _routes(app, log)
    assert client.post("/t/saved").status_code == 200
    assert "second" in _names(app)
    assert log == ["notified"]


def test_a_conflict_answers_409_and_saves_nothing(app, client):
    _routes(app, [])
    response = client.post("/t/duplicate")
    assert response.status_code == 409 and "冲突" in response.get_data(as_text=True)
    assert "dup" not in _names(app)


def test_a_read_only_database_is_named_not_called_busy(app, client):
    _routes(app, [])
    response = client.post("/t/read-only")
    text = response.get_data(as_text=True)
    assert response.status_code == 503 and "只读" in text and "正忙" not in text


def test_an_admin_refused_a_duplicate_name_sees_why_and_nothing_is_saved(app, world, login_as):
    client = login_as("admin")
    response = client.post("/admin/users", data={"username": "Officer", "display_name": "重名",
                                                 "password": "long-enough-1"}, follow_redirects=True)
    assert "已被使用" in response.get_data(as_text=True)
    assert "Officer" not in _names(app)
