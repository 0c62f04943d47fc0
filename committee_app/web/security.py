"""Response headers, cookie settings and the secret key check (issue 12, item 9).

- Every response carries a Content-Security-Policy without inline scripts (page scripts live
  in ``static/js``), ``frame-ancestors 'none'`` (with ``X-Frame-Options: DENY`` for old
  browsers), ``X-Content-Type-Options: nosniff`` and a Referrer-Policy that keeps URLs (a
  ballot link holds a voting code) on this site. Over HTTPS, HSTS too.
- Styles: ``'unsafe-inline'`` stays allowed for ``style`` attributes and blocks (layout only;
  every page's text is escaped, so a style cannot be injected through user input).
- In production (neither TESTING nor DEBUG) the session cookie is ``Secure`` (except for a
  browser on the server itself, http://127.0.0.1) unless the instance config says
  ``SESSION_COOKIE_SECURE = False`` (plain HTTP on a closed network); always ``HttpOnly`` and
  ``SameSite=Lax``; the app refuses to start with a weak or default
  ``SECRET_KEY`` such as "dev".
"""
from __future__ import annotations

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

#: secrets seen in tutorials, examples and this project's own tests: never valid in production
KNOWN_WEAK_SECRETS = {"dev", "development", "secret", "secret-key", "secret_key", "changeme", "change-me",
                      "test", "testing", "bench", "x", "default", "password", "flask", "key"}
MIN_SECRET_LENGTH = 32


class InsecureConfiguration(RuntimeError):
    """The app refuses to start in production with this configuration."""


def is_production(app: Flask) -> bool:
    return not (app.config.get("TESTING") or app.debug)


def check_secret_key(app: Flask) -> None:
    key = app.config.get("SECRET_KEY") or ""
    text = key.decode() if isinstance(key, bytes) else str(key)
    if text.strip().lower() in KNOWN_WEAK_SECRETS or len(text) < MIN_SECRET_LENGTH or len(set(text)) < 8:
        raise InsecureConfiguration(
            "SECRET_KEY is weak or a known default: set a random value of at least "
            f"{MIN_SECRET_LENGTH} characters in instance/config.py, or remove it so the app keeps its "
            "own in instance/secret_key.")


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")


class AutoSecureSessionInterface(SecureCookieSessionInterface):
    """``SESSION_COOKIE_SECURE = None``: Secure in production, except for a browser on the
    server itself (``make run`` on http://127.0.0.1:5000, where there is no HTTPS to use)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        if not is_production(app):
            return False
        if request and not request.is_secure and request.host.rsplit(":", 1)[0] in LOOPBACK_HOSTS:
            return False
        return True


def set_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def init_app(app: Flask) -> None:
    if is_production(app):
        check_secret_key(app)
    if app.config.get("SESSION_COOKIE_SECURE") is None:  # "auto" (config.py): Secure in production
        app.session_interface = AutoSecureSessionInterface()
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config["REMEMBER_COOKIE_HTTPONLY"] = True
    app.config["REMEMBER_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    app.after_request(set_security_headers)
