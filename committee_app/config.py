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
    # Owner roll imports (issue 12): rows read at most, the largest area of one exclusive part
    # in m², and the most an .xlsx may unzip to (a zip bomb is refused before it is read).
    ROLL_MAX_ROWS = 50_000
    ROLL_MAX_UNIT_AREA = "20000.00"
    ROLL_MAX_XLSX_BYTES = 64 * 1024 * 1024
    # The public address used in printed QR codes (voter letters); falls back to the request host.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")
