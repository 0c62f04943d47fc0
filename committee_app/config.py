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
    # None: Secure in production, not under TESTING/DEBUG (committee_app.web.security);
    # set False in instance/config.py only for plain HTTP on a closed network.
    SESSION_COOKIE_SECURE = None
    SESSION_COOKIE_SAMESITE = "Lax"
    # Login throttling (committee_app.accounts.throttle): attempts counted before the password
    # is checked; stacked windows make the wait grow. Redis shares the counts between workers.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") or os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_STRATEGY = "moving-window"
    RATELIMIT_HEADERS_ENABLED = False
    LOGIN_LIMITS_PER_IP = "30 per minute;300 per hour"
    LOGIN_LIMITS_PER_ACCOUNT_IP = "5 per minute;10 per 10 minutes;20 per hour;40 per day"
    LOGIN_LIMITS_PER_ACCOUNT = "20 per 10 minutes;100 per day"
    UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    # Every date a form or command accepts lies in this range (committee_app.web.forms).
    INPUT_DATE_RANGE = ("2000-01-01", "2100-12-31")
    # Owner roll imports (issue 12): rows read at most, the largest area of one exclusive part
    # in m², and the most an .xlsx may unzip to (a zip bomb is refused before it is read).
    ROLL_MAX_ROWS = 50_000
    ROLL_MAX_UNIT_AREA = "20000.00"
    ROLL_MAX_XLSX_BYTES = 64 * 1024 * 1024
    # The public address used in printed QR codes (voter letters); falls back to the request host.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")
