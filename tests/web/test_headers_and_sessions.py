"""Security headers, cookies and the secret key (issue 12, item 9)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from committee_app import create_app
from committee_app.web.security import InsecureConfiguration
from tests.conftest import PASSWORD

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _policy(response) -> dict[str, str]:
    directives = [part.strip() for part in response.headers["Content-Security-Policy"].split(";")]
    return {d.split(" ", 1)[0]: d.split(" ", 1)[1] if " " in d else "" for d in directives if d}


@pytest.mark.parametrize("url", ["/", "/login", "/healthz", "/board/A", "/no-such-page"])
def test_every_answer_carries_the_security_headers(client, world, url):
    response = client.get(url)
    policy = _policy(response)
    assert policy["script-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP: HSTS would mean nothing


def test_hsts_is_sent_over_https(client, world):
    response = client.get("/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_no_template_holds_an_inline_script_or_event_handler():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        if path.parts[-2] == "pdf":  # rendered to PDF by WeasyPrint, never served to a browser
            continue
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<script\b[^>]*>", text):
            if "src=" not in match.group(0):
                offenders.append(f"{path.relative_to(TEMPLATES)}: inline <script>")
        for match in re.finditer(r"\son[a-z]+\s*=\s*[\"']", text):
            offenders.append(f"{path.relative_to(TEMPLATES)}: event handler {match.group(0).strip()}")
        if "javascript:" in text:
            offenders.append(f"{path.relative_to(TEMPLATES)}: javascript: URL")
    assert offenders == []


def test_the_page_scripts_are_served_from_static_files(client):
    for name in ("js/ballot.js", "js/nominations-new.js"):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200 and "javascript" in response.content_type
        response.close()


def _production_config(tmp_path, **extra) -> dict:
    return {"SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "prod.sqlite3"),
            "UPLOAD_FOLDER": str(tmp_path / "uploads"), "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", **extra}


@pytest.mark.parametrize("key", ["dev", "secret", "changeme", "short-key", "a" * 40])
def test_production_refuses_to_start_with_a_weak_secret_key(tmp_path, key):
    with pytest.raises(InsecureConfiguration):
        create_app(_production_config(tmp_path, SECRET_KEY=key))


def test_testing_and_debug_may_use_a_simple_key(tmp_path):
    assert create_app(_production_config(tmp_path, SECRET_KEY="dev", TESTING=True)).config["SECRET_KEY"] == "dev"
    assert create_app(_production_config(tmp_path, SECRET_KEY="dev", DEBUG=True)).debug


def test_production_session_cookies_are_secure_and_same_site(app, world, tmp_path):
    from committee_app.extensions import db

    prod = create_app(_production_config(tmp_path, SECRET_KEY="9f2c4e7a1b8d6f3e0c5a2b7d4e1f8a6c3b0d9e2f",
                                         WTF_CSRF_ENABLED=False))
    with prod.app_context():
        db.create_all()
        from committee_app.accounts import operations
        operations.create_user("clerk", "王五", PASSWORD)
        db.session.commit()
    client = prod.test_client()
    response = client.post("/login", base_url="https://committee.example.cn",
                           data={"username": "clerk", "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    local = prod.test_client().post("/login", base_url="http://127.0.0.1:5000",
                                    data={"username": "clerk", "password": PASSWORD})
    assert "Secure" not in local.headers["Set-Cookie"]  # make run: a browser on the server itself
    with prod.app_context():
        db.session.remove()
        db.engine.dispose()
