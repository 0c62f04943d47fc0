"""Default configuration; ``instance/config.py`` and a test mapping override it."""
import os


class DefaultConfig:
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    BABEL_DEFAULT_LOCALE = "zh_Hans_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = {"zh_Hans_CN": "中文", "en": "English"}
    BOOTSTRAP_SERVE_LOCAL = True
    BOOTSTRAP_BOOTSWATCH_THEME = None
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Login throttling: this many failures within the window lock the name out.
    LOGIN_MAX_FAILURES = 5
    LOGIN_WINDOW_MINUTES = 15
    UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    # Every date a form or command accepts lies in this range (committee_app.web.forms).
    INPUT_DATE_RANGE = ("2000-01-01", "2100-12-31")
    # The public address used in printed QR codes (voter letters); falls back to the request host.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")
