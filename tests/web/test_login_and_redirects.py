"""Logins that cannot be turned against the street officer, and redirects that stay on this site
(issue 12, item 3)."""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select

from committee_app.accounts.models import LoginAttempt
from committee_app.extensions import db
from tests.conftest import PASSWORD, login

EVIL_TARGETS = ["/%09/evil.example/x", "//evil.example/x", "/\\evil.example/x", "\\\\evil.example/x",
                "https:evil.example", "https://evil.example/x", "/%0a/evil.example", "javascript:alert(1)"]


@pytest.mark.parametrize("target", EVIL_TARGETS)
def test_login_never_sends_the_browser_to_another_site(client, world, target):
    response = client.post(f"/login?next={target}", data={"username": "officer", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] in ("/", "http://localhost/")


def test_login_follows_a_path_on_this_site(client, world):
    response = client.post("/login?next=/oversight/%3Fsort=name", data={"username": "officer", "password": PASSWORD})
    assert response.headers["Location"] == "/oversight/?sort=name"


@pytest.mark.parametrize("target", [t.replace("%09", "\t").replace("%0a", "\n") for t in EVIL_TARGETS])
def test_the_language_switch_never_sends_the_browser_to_another_site(client, world, target):
    response = client.post("/language", data={"locale": "en", "next": target})
    assert response.status_code == 302 and response.headers["Location"] in ("/", "http://localhost/")


@pytest.mark.parametrize("target", [t.replace("%09", "\t").replace("%0a", "\n") for t in EVIL_TARGETS])
def test_the_workshop_next_field_never_sends_the_browser_to_another_site(app, world, login_as, target):
    from tests.workshop.factories import ensure_access_fixtures

    with app.app_context():
        item_id = ensure_access_fixtures(world)["item"]
    client = login_as("mentor")
    response = client.post(f"/workshop/compounds/A/items/{item_id}/drop", data={"reason": "重复", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/workshop/compounds/A/items")


def test_wrong_passwords_from_elsewhere_do_not_lock_the_street_officer_out(app, client, world):
    attacker = app.test_client()
    for _ in range(12):
        attacker.post("/login", data={"username": "officer", "password": "guess"},
                      environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert attacker.post("/login", data={"username": "officer", "password": "guess"},
                         environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 429
    office = client.post("/login", data={"username": "officer", "password": PASSWORD},
                         environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert office.status_code == 302


def test_the_wait_grows_with_the_failures(app, client, world):
    from committee_app.accounts import throttle

    app.config["LOGIN_LIMITS_PER_ACCOUNT_IP"] = "2 per minute;3 per 10 minutes"
    assert [login(client, "organiser", "wrong").status_code for _ in range(3)] == [200, 200, 429]
    first_wait = int(login(client, "organiser", "wrong").headers["Retry-After"])
    assert first_wait <= 60
    # a minute later (the minute's window emptied) one more try is allowed, then the 10-minute window holds
    throttle.limiter.limiter.clear(throttle.parse_many("2 per minute")[0], "login-account-ip", "organiser",
                                   "127.0.0.1")
    assert login(client, "organiser", "wrong").status_code == 200
    later = login(client, "organiser", "wrong")
    assert later.status_code == 429 and int(later.headers["Retry-After"]) > 60


def test_one_password_sprayed_across_many_names_is_slowed(app, client, world):
    app.config["LOGIN_LIMITS_PER_IP"] = "10 per minute"
    answers = [login(client, f"name{n}", "Summer2026!").status_code for n in range(12)]
    assert answers[:10] == [200] * 10 and answers[10:] == [429, 429]


def test_forty_parallel_tries_check_no_more_guesses_than_the_limit(app, world):
    app.config["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:200000"  # a real hash's cost, so the tries overlap
    with app.app_context():
        from committee_app.accounts.models import User
        db.session.scalar(select(User).where(User.username == "officer")).set_password(PASSWORD)
        db.session.commit()
    results = []
    start = threading.Barrier(40)

    def attempt():
        client = app.test_client()
        start.wait()
        results.append(client.post("/login", data={"username": "officer", "password": "guess"}).status_code)
    threads = [threading.Thread(target=attempt) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        checked = db.session.scalar(select(func.count()).select_from(LoginAttempt)
                                    .where(LoginAttempt.username == "officer"))
    assert checked == 5 and results.count(429) == 35


def test_an_unknown_name_takes_as_long_as_a_known_one(app, client, world):
    app.config["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:300000"
    with app.app_context():
        from committee_app.accounts.models import User
        user = db.session.scalar(select(User).where(User.username == "mentor"))
        user.set_password(PASSWORD)
        db.session.commit()

    def timed(name):
        start = time.perf_counter()
        login(client, name, "wrong-password")
        return time.perf_counter() - start
    timed("nobody")  # warm the dummy hash
    known = min(timed("mentor") for _ in range(3))
    unknown = min(timed(f"nobody{n}") for n in range(3))
    assert unknown > known * 0.6


def test_a_session_cookie_copied_before_logout_no_longer_works(app, client, world):
    assert login(client, "officer").status_code == 302
    assert client.get("/oversight/").status_code == 200
    copied = client.get_cookie("session").value
    client.post("/logout")
    thief = app.test_client()
    thief.set_cookie("session", copied, domain="localhost")
    response = thief.get("/oversight/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert login(client, "officer").status_code == 302  # the owner logs in again as usual
    assert client.get("/oversight/").status_code == 200


def test_the_login_counts_live_in_redis_when_configured(_schema, database_url, tmp_path):
    """Several gunicorn workers share one count: two apps (two workers) on one Redis."""
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/11"
    try:
        redis.Redis.from_url(url).flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    from tests.conftest import _test_config
    from committee_app import create_app

    workers = [create_app({**_test_config(database_url, tmp_path), "RATELIMIT_STORAGE_URI": url,
                           "LOGIN_LIMITS_PER_ACCOUNT_IP": "3 per minute"}) for _ in range(2)]
    answers = [workers[n % 2].test_client().post("/login", data={"username": "nobody", "password": "x"}).status_code
               for n in range(4)]
    assert answers == [200, 200, 200, 429]
    assert any(b"login-account-ip" in key for key in redis.Redis.from_url(url).keys("*"))  # counted in Redis
    redis.Redis.from_url(url).flushdb()
    for worker in workers:
        with worker.app_context():
            db.session.remove()
            db.engine.dispose()
