"""Shoumen settings: one module, read from the environment.

SHOUMEN_ENV is ``dev`` (default) or ``production``. In dev, missing keys are generated
once into var/ with a warning; in production anything missing or insecure stops start-up.
"""

import re
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE

from shoumen.env import (
    ConfigurationError,
    decode_data_key,
    env_bool,
    env_decimal,
    env_int,
    env_list,
    env_rate,
    env_str,
    generated_key,
    new_data_key,
    new_secret_key,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("SHOUMEN_VAR_DIR", str(BASE_DIR / "var")))

SHOUMEN_ENV: str = env_str("SHOUMEN_ENV", "dev")
if SHOUMEN_ENV not in {"dev", "production"}:
    raise ConfigurationError(f"SHOUMEN_ENV must be 'dev' or 'production', not {SHOUMEN_ENV!r}")
PRODUCTION = SHOUMEN_ENV == "production"


def _key(name: str, filename: str, factory) -> str:
    value = env_str(name)
    if value:
        return value
    if PRODUCTION:
        raise ConfigurationError(f"{name} is required when SHOUMEN_ENV=production")
    path = VAR_DIR / filename
    if not path.exists():
        # One plain line on the first run (the file exists afterwards), not a UserWarning.
        print(f"{name} is not set; using a generated dev key in {path}", file=sys.stderr)
    return generated_key(path, factory)


SECRET_KEY = _key("SHOUMEN_SECRET_KEY", "secret_key", new_secret_key)
SHOUMEN_DATA_KEY = decode_data_key(_key("SHOUMEN_DATA_KEY", "data_key", new_data_key))
# Ed25519 seed that signs checkpoint passes; after a rotation, the retired public keys stay
# valid (until their passes expire) when listed in SHOUMEN_PASS_RETIRED_PUBLIC_KEYS.
SHOUMEN_PASS_SIGNING_KEY = decode_data_key(
    _key("SHOUMEN_PASS_SIGNING_KEY", "pass_signing_key", new_data_key),
    "SHOUMEN_PASS_SIGNING_KEY",
)
SHOUMEN_PASS_RETIRED_PUBLIC_KEYS = env_list("SHOUMEN_PASS_RETIRED_PUBLIC_KEYS", [])
# Ed25519 seed that signs the audit blocks' heads: never in the database (a copy of the
# database must not be able to re-sign a rewritten log). Heads go to SHOUMEN_AUDIT_HEADS_FILE.
SHOUMEN_AUDIT_SIGNING_KEY = decode_data_key(
    _key("SHOUMEN_AUDIT_SIGNING_KEY", "audit_signing_key", new_data_key),
    "SHOUMEN_AUDIT_SIGNING_KEY",
)
SHOUMEN_AUDIT_HEADS_FILE = Path(
    env_str("SHOUMEN_AUDIT_HEADS_FILE", str(VAR_DIR / "audit-heads.log"))
)
# How often the sealer puts committed audit events into a signed block (seconds).
SHOUMEN_AUDIT_SEAL_SECONDS = env_int("SHOUMEN_AUDIT_SEAL_SECONDS", 5)

DEBUG = env_bool("SHOUMEN_DEBUG", not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ConfigurationError("SHOUMEN_DEBUG must be off when SHOUMEN_ENV=production")

ALLOWED_HOSTS = env_list(
    "SHOUMEN_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ConfigurationError("SHOUMEN_ALLOWED_HOSTS is required when SHOUMEN_ENV=production")
CSRF_TRUSTED_ORIGINS = env_list("SHOUMEN_CSRF_TRUSTED_ORIGINS", [])

SHOUMEN_DEMO_PASSWORD = env_str("SHOUMEN_DEMO_PASSWORD", None if PRODUCTION else "shoumen-demo")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_prometheus",
    "django_htmx",
    "treebeard",
    "axes",
    "ninja",
    # Before django_tasks_db: its `db_worker` command is ops' own, which wraps theirs.
    "shoumen.ops",
    "django_tasks",
    "django_tasks_db",
    "shoumen.audit",
    "shoumen.places",
    "shoumen.accounts",
    "shoumen.registry",
    "shoumen.ledgers",
    "shoumen.observation",
    "shoumen.alerts",
    "shoumen.checkpoints",
    "shoumen.screening",
    "shoumen.schools",
    "shoumen.duty",
    "shoumen.supplies",
    "shoumen.services",
    "shoumen.healthcentre",
    "shoumen.reports",
    "shoumen.home",
    "shoumen.demo",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "shoumen.accounts.keys.KeyCheckMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "shoumen.middleware.SessionKeepAliveMiddleware",
    "shoumen.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    # After authentication: which database this request reads from (shoumen.lib.replicas).
    "shoumen.lib.replicas.ReplicaMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "shoumen.urls"
# The person search index carries an included column on PostgreSQL only; SQLite builds
# the same index without it (registry.Person.Meta.indexes).
SILENCED_SYSTEM_CHECKS = ["models.W040"]
WSGI_APPLICATION = "shoumen.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'shoumen.sqlite3'}"),
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": env_int("SHOUMEN_DB_POOL_SIZE", 10),
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        ),
    }
# Streaming replicas of the PostgreSQL primary (comma-separated URLs; none by default).
# Requests that only read (pages, boards, exports, read-only API calls) read from them;
# every write, the task worker and the scheduler use the primary (shoumen.lib.replicas).
# A session or token that wrote reads from the primary for SHOUMEN_REPLICA_PIN_SECONDS;
# a replica more than SHOUMEN_REPLICA_MAX_LAG_SECONDS behind, or not answering, is skipped.
REPLICA_DATABASES: list[str] = []
REPLICA_CONNECT_TIMEOUT = 2  # seconds
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URLS", []), start=1):
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ConfigurationError("DATABASE_REPLICA_URLS needs a PostgreSQL DATABASE_URL")
    _replica = dj_database_url.parse(_url, conn_max_age=0)
    if _replica["ENGINE"] != "django.db.backends.postgresql":
        raise ConfigurationError(f"DATABASE_REPLICA_URLS: replica {_number} is not PostgreSQL")
    # The primary's options, then the replica URL's own (sslmode...); a replica that does
    # not answer must fail fast, not hold a request: a short connect timeout (unless its
    # URL sets one), and a short wait for a pooled connection (the router then skips it
    # until it answers again).
    _replica["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "connect_timeout": REPLICA_CONNECT_TIMEOUT,
        **_replica.get("OPTIONS", {}),
    }
    if "pool" in _replica["OPTIONS"]:
        _replica["OPTIONS"]["pool"] = {
            **_replica["OPTIONS"]["pool"],
            "timeout": REPLICA_CONNECT_TIMEOUT,
        }
    # Tests run against the primary's test database: a replica mirrors it there.
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica{_number}"] = _replica
    REPLICA_DATABASES.append(f"replica{_number}")
DATABASE_ROUTERS = ["shoumen.lib.replicas.ReplicaRouter"]
SHOUMEN_REPLICA_PIN_SECONDS = env_int("SHOUMEN_REPLICA_PIN_SECONDS", 10)
SHOUMEN_REPLICA_MAX_LAG_SECONDS = env_int("SHOUMEN_REPLICA_MAX_LAG_SECONDS", 30)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("SHOUMEN_REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Limits on the public pages that need no login (visitor self-registration, self-report
# links), per client address, counted by django-ratelimit in the cache above: without Redis
# each server process counts on its own. Over the probe rate (addresses of unknown keys or
# tokens), a client is refused every key until the period ends.
PUBLIC_POST_RATE = env_rate("SHOUMEN_PUBLIC_POST_RATE", "30/m")
PUBLIC_PROBE_RATE = env_rate("SHOUMEN_PUBLIC_PROBE_RATE", "20/m")
# Behind a reverse proxy REMOTE_ADDR is the proxy: name the header it sets to the client's
# address (e.g. X-Real-IP). Trust it only when the proxy overwrites it.
_client_ip_header = env_str("SHOUMEN_CLIENT_IP_HEADER", "").strip()
CLIENT_IP_META_KEY = (
    "HTTP_" + _client_ip_header.upper().replace("-", "_") if _client_ip_header else ""
)
RATELIMIT_IP_META_KEY = "shoumen.lib.throttle.client_ip"
# A cache hiccup must not lock visitors out of the gate.
RATELIMIT_FAIL_OPEN = True

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout after repeated failures, per username and address.
AXES_FAILURE_LIMIT = env_int("SHOUMEN_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Lockouts count per client address as the rate limits do (behind a proxy, from its header):
# otherwise every client behind the proxy would share one address and one lockout.
AXES_CLIENT_IP_CALLABLE = "shoumen.lib.throttle.client_ip"
# Failed logins per client address across every username (password spraying): past the
# limit within the window, the address is refused every login until the window ends.
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("SHOUMEN_LOGIN_ADDRESS_FAILURE_LIMIT", 20)
LOGIN_ADDRESS_WINDOW_SECONDS = env_int("SHOUMEN_LOGIN_ADDRESS_WINDOW_SECONDS", 900)
if LOGIN_ADDRESS_FAILURE_LIMIT < 1 or LOGIN_ADDRESS_WINDOW_SECONDS < 1:
    raise ConfigurationError(
        "SHOUMEN_LOGIN_ADDRESS_FAILURE_LIMIT and SHOUMEN_LOGIN_ADDRESS_WINDOW_SECONDS must be "
        "at least 1"
    )

SESSION_COOKIE_AGE = env_int("SHOUMEN_SESSION_SECONDS", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# The idle timeout: shoumen.middleware.SessionKeepAliveMiddleware moves a session's expiry
# forward at most this often (not on every request, as SESSION_SAVE_EVERY_REQUEST would).
SESSION_REFRESH_SECONDS = env_int("SHOUMEN_SESSION_REFRESH_SECONDS", 300)
SESSION_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "shoumen" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it even before collectstatic
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Content-Security-Policy (django-csp): scripts only from our own files, never inline (a
# test scans every template); style attributes are allowed (progress bars, widths), never
# inline <style>. Images may be data: URLs (Bootstrap's icons are SVG inside its CSS).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "worker-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SHOUMEN_SSL_REDIRECT", True)
    # Load balancers and Prometheus reach each node directly, over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SHOUMEN_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if not SECURE_SSL_REDIRECT:
        raise ConfigurationError("SHOUMEN_SSL_REDIRECT must stay on when SHOUMEN_ENV=production")
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ConfigurationError("SHOUMEN_SECRET_KEY must be at least 50 random characters")


def _one_line_refusals():
    """A refused request (403) is routine: its log line says so without the traceback of
    the PermissionDenied that refused it."""

    def drop_traceback(record) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = record.exc_text = None
        return True

    return drop_traceback


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "no_query_strings": {"()": "shoumen.lib.logs.DropQueryStrings"},
        "one_line_refusals": {"()": _one_line_refusals},
        # On every handler, in both formats: ID numbers and mobile numbers masked.
        "no_personal_data": {"()": "shoumen.lib.logs.MaskPersonalData"},
    },
    # One JSON object a line when SHOUMEN_LOG_FORMAT is "json" (read when logging is
    # configured, below), else these text formats.
    "formatters": {
        "line": {"()": "shoumen.lib.logs.line_formatter"},
        "django.server": {
            "()": "shoumen.lib.logs.line_formatter",
            "text_class": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": sys.stderr,
            "formatter": "line",
            "filters": ["no_personal_data"],
        },
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["no_query_strings", "no_personal_data"],
        },
        "requests": {
            "class": "logging.StreamHandler",
            "stream": sys.stderr,
            "formatter": "line",
            "filters": ["one_line_refusals", "no_personal_data"],
        },
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    # The development server's access log, as Django's own but without query strings.
    "loggers": {
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        # Refusals and errors of requests: once each (not also through Django's own console
        # handler), a 403 in one line.
        "django.request": {"handlers": ["requests"], "level": "WARNING", "propagate": False},
        "django.security": {"handlers": ["requests"], "level": "WARNING", "propagate": False},
    },
}

NINJA_PAGINATION_MAX_LIMIT = 500

# /metrics (Prometheus) answers only a request bearing this token ("Authorization: Bearer
# …"); unset, it answers nobody. /healthz and /readyz need no token: the nginx site
# (deploy/) keeps /readyz and /metrics from the public; monitoring reaches each node.
SHOUMEN_METRICS_TOKEN = env_str("SHOUMEN_METRICS_TOKEN", "")
# Logs: "json" (one JSON object a line, the default in production) or "text".
SHOUMEN_LOG_FORMAT = env_str("SHOUMEN_LOG_FORMAT", "json" if PRODUCTION else "text")
if SHOUMEN_LOG_FORMAT not in {"json", "text"}:
    raise ConfigurationError("SHOUMEN_LOG_FORMAT must be 'json' or 'text'")

# How often a waiting `shoumen scheduler` tries for the lead (and the leader checks it
# still holds it): one of any number of schedulers enqueues the jobs.
SHOUMEN_SCHEDULER_RETRY_SECONDS = env_int("SHOUMEN_SCHEDULER_RETRY_SECONDS", 5)

# Background work: one queue in the database (SQLite or PostgreSQL); `shoumen db_worker` runs it.
TASKS = {
    "default": {
        "BACKEND": env_str("SHOUMEN_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Key persons: default observation period per kind, in days, counted from arrival or exposure.
OBSERVATION_PERIOD_DAYS = {
    "home_isolation": env_int("SHOUMEN_DAYS_HOME_ISOLATION", 14),
    "central_isolation": env_int("SHOUMEN_DAYS_CENTRAL_ISOLATION", 14),
    "home_monitoring": env_int("SHOUMEN_DAYS_HOME_MONITORING", 7),
    "routine_monitoring": env_int("SHOUMEN_DAYS_ROUTINE_MONITORING", 14),
}
# Self-report links last this many days unless regenerated or revoked.
REPORT_LINK_DAYS = env_int("SHOUMEN_REPORT_LINK_DAYS", 30)
# A guardian's personal link for reporting a pupil's absence lasts this many days.
SHOUMEN_GUARDIAN_LINK_DAYS = env_int("SHOUMEN_GUARDIAN_LINK_DAYS", 120)
# Today's daily figures are filled every minute by the scheduler; pages read them while the
# last fill is younger than this, and compute today live in the request otherwise.
SHOUMEN_TODAY_FIGURES_SECONDS = env_int("SHOUMEN_TODAY_FIGURES_SECONDS", 180)
# Duty rosters: the least rest between two shifts of one person, the most working days in
# a row (and so at least one day off in every that many plus one), the days without a full
# day off after which community staff are told, and how long the solver may search.
SHOUMEN_DUTY_MIN_REST_HOURS = env_int("SHOUMEN_DUTY_MIN_REST_HOURS", 12)
SHOUMEN_DUTY_MAX_CONSECUTIVE_DAYS = env_int("SHOUMEN_DUTY_MAX_CONSECUTIVE_DAYS", 6)
SHOUMEN_DUTY_REST_ALERT_DAYS = env_int("SHOUMEN_DUTY_REST_ALERT_DAYS", 7)
SHOUMEN_DUTY_SOLVE_SECONDS = env_int("SHOUMEN_DUTY_SOLVE_SECONDS", 60)
# Re-solving a published roster around a sick call: how long it may search.
SHOUMEN_DUTY_RESOLVE_SECONDS = env_int("SHOUMEN_DUTY_RESOLVE_SECONDS", 10)
# The standard working week (标准工时): the duty hours ledger counts planned hours above it.
SHOUMEN_DUTY_STANDARD_HOURS_WEEK = env_int("SHOUMEN_DUTY_STANDARD_HOURS_WEEK", 40)
# Supplies: when a low-stock alert falls due, the days of use days of cover are averaged
# over, and how far ahead a batch counts as expiring.
SHOUMEN_SUPPLIES_LOW_STOCK_DUE_MINUTES = env_int("SHOUMEN_SUPPLIES_LOW_STOCK_DUE_MINUTES", 1440)
SHOUMEN_SUPPLIES_COVER_DAYS = env_int("SHOUMEN_SUPPLIES_COVER_DAYS", 14)
SHOUMEN_SUPPLIES_EXPIRY_WARN_DAYS = env_int("SHOUMEN_SUPPLIES_EXPIRY_WARN_DAYS", 30)
# Resident services: when urgent and normal requests fall due, when an overdue request's
# alert falls due, and the longest a standing daily delivery runs.
SHOUMEN_SERVICE_DUE_HOURS_URGENT = env_int("SHOUMEN_SERVICE_DUE_HOURS_URGENT", 2)
SHOUMEN_SERVICE_DUE_HOURS_NORMAL = env_int("SHOUMEN_SERVICE_DUE_HOURS_NORMAL", 24)
SHOUMEN_SERVICE_OVERDUE_ALERT_MINUTES = env_int("SHOUMEN_SERVICE_OVERDUE_ALERT_MINUTES", 60)
SHOUMEN_SERVICE_STANDING_MAX_DAYS = env_int("SHOUMEN_SERVICE_STANDING_MAX_DAYS", 28)
# Volunteers: the hours a delivered service request counts on a volunteer's record.
SHOUMEN_VOLUNTEER_HOURS_PER_SERVICE = env_int("SHOUMEN_VOLUNTEER_HOURS_PER_SERVICE", 1)
# The health centre, after 国家基本公共卫生服务规范(第三版). Hypertension: residents from
# this age get a blood pressure check at their first visit; the follow-ups a year that
# make a patient's management standard; controlled below 140/90, or 150/90 from 65;
# urgent referral from 180 systolic or 110 diastolic.
SHOUMEN_HT_SCREEN_AGE = env_int("SHOUMEN_HT_SCREEN_AGE", 35)
SHOUMEN_CHRONIC_FOLLOW_UPS_A_YEAR = env_int("SHOUMEN_CHRONIC_FOLLOW_UPS_A_YEAR", 4)
SHOUMEN_HT_TARGET_SYSTOLIC = env_int("SHOUMEN_HT_TARGET_SYSTOLIC", 140)
SHOUMEN_HT_TARGET_DIASTOLIC = env_int("SHOUMEN_HT_TARGET_DIASTOLIC", 90)
SHOUMEN_HT_ELDERLY_AGE = env_int("SHOUMEN_HT_ELDERLY_AGE", 65)
SHOUMEN_HT_ELDERLY_TARGET_SYSTOLIC = env_int("SHOUMEN_HT_ELDERLY_TARGET_SYSTOLIC", 150)
SHOUMEN_HT_URGENT_SYSTOLIC = env_int("SHOUMEN_HT_URGENT_SYSTOLIC", 180)
SHOUMEN_HT_URGENT_DIASTOLIC = env_int("SHOUMEN_HT_URGENT_DIASTOLIC", 110)
# Type 2 diabetes: controlled below this fasting glucose (mmol/L); urgent referral at or
# above the high one or at or below the low one.
SHOUMEN_DM_TARGET_GLUCOSE = env_decimal("SHOUMEN_DM_TARGET_GLUCOSE", "7.0")
SHOUMEN_DM_URGENT_HIGH_GLUCOSE = env_decimal("SHOUMEN_DM_URGENT_HIGH_GLUCOSE", "16.7")
SHOUMEN_DM_URGENT_LOW_GLUCOSE = env_decimal("SHOUMEN_DM_URGENT_LOW_GLUCOSE", "3.9")
# Both: a controlled patient is seen again within this many days (a quarter); a first
# uncontrolled reading or a drug reaction brings them back within 2 weeks; this many
# uncontrolled follow-ups in a row, or a new complication, refer them; a referral is
# followed up within 2 weeks.
SHOUMEN_CHRONIC_ROUTINE_DAYS = env_int("SHOUMEN_CHRONIC_ROUTINE_DAYS", 90)
SHOUMEN_CHRONIC_ADJUST_DAYS = env_int("SHOUMEN_CHRONIC_ADJUST_DAYS", 14)
SHOUMEN_CHRONIC_REFER_AFTER_UNCONTROLLED = env_int("SHOUMEN_CHRONIC_REFER_AFTER_UNCONTROLLED", 2)
SHOUMEN_CHRONIC_REFERRAL_CHECK_DAYS = env_int("SHOUMEN_CHRONIC_REFERRAL_CHECK_DAYS", 14)
# When the health centre's alerts fall due: an urgent referral at once (2 h), an overdue
# follow-up or a referral check within a working day.
SHOUMEN_HEALTH_URGENT_REFERRAL_DUE_MINUTES = env_int(
    "SHOUMEN_HEALTH_URGENT_REFERRAL_DUE_MINUTES", 120
)
SHOUMEN_HEALTH_OVERDUE_DUE_MINUTES = env_int("SHOUMEN_HEALTH_OVERDUE_DUE_MINUTES", 1440)
# The elderly's annual health management service: from this age.
SHOUMEN_ELDERLY_CHECK_AGE = env_int("SHOUMEN_ELDERLY_CHECK_AGE", 65)
# Satisfaction surveys: the fewest ratings before an average is shown or earns points.
SHOUMEN_SURVEY_MIN_RATINGS = env_int("SHOUMEN_SURVEY_MIN_RATINGS", 3)
# Family doctor contracts: the term in months, and how many days before its end the
# team and the resident are reminded to renew.
SHOUMEN_CONTRACT_TERM_MONTHS = env_int("SHOUMEN_CONTRACT_TERM_MONTHS", 12)
SHOUMEN_CONTRACT_RENEWAL_NOTICE_DAYS = env_int("SHOUMEN_CONTRACT_RENEWAL_NOTICE_DAYS", 30)
# Communities (streets, districts) confirm their daily report by this local time (HH:MM).
SHOUMEN_DAILY_REPORT_DEADLINE = env_str("SHOUMEN_DAILY_REPORT_DEADLINE", "16:00")
if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", SHOUMEN_DAILY_REPORT_DEADLINE):
    raise ConfigurationError("SHOUMEN_DAILY_REPORT_DEADLINE must be a time as HH:MM, e.g. 16:00")
# Personal details of finished observations and old health reports are purged after this.
HEALTH_DATA_RETENTION_DAYS = env_int("SHOUMEN_HEALTH_DATA_RETENTION_DAYS", 30)
# Uploaded ledgers and their error reports (encrypted) are deleted after this many days at
# the latest; sooner when their import is done.
SHOUMEN_IMPORT_FILE_DAYS = env_int("SHOUMEN_IMPORT_FILE_DAYS", 7)
# A one-tap "normal" follow-up on Today can be undone by its worker for this many minutes.
SHOUMEN_NORMAL_UNDO_MINUTES = env_int("SHOUMEN_NORMAL_UNDO_MINUTES", 5)

# Uploaded spreadsheets are checked against these limits before any parser reads them
# (shoumen/lib/file_checks.py): a 100,000-row ledger passes with room to spare, a zip
# bomb or a million-row file is refused with a clear error, and reading any accepted file
# stays under 1 GB.
SHOUMEN_IMPORT_MAX_BYTES = env_int("SHOUMEN_IMPORT_MAX_BYTES", 50 * 1024 * 1024)
SHOUMEN_IMPORT_MAX_UNCOMPRESSED_BYTES = env_int(
    "SHOUMEN_IMPORT_MAX_UNCOMPRESSED_BYTES", 300 * 1024 * 1024
)
SHOUMEN_IMPORT_MAX_COMPRESSION_RATIO = env_int("SHOUMEN_IMPORT_MAX_COMPRESSION_RATIO", 100)
SHOUMEN_IMPORT_MAX_ZIP_MEMBERS = env_int("SHOUMEN_IMPORT_MAX_ZIP_MEMBERS", 1000)
SHOUMEN_IMPORT_MAX_ROWS = env_int("SHOUMEN_IMPORT_MAX_ROWS", 200_000)
SHOUMEN_IMPORT_MAX_COLUMNS = env_int("SHOUMEN_IMPORT_MAX_COLUMNS", 500)
SHOUMEN_IMPORT_MAX_CELLS = env_int("SHOUMEN_IMPORT_MAX_CELLS", 3_000_000)
SHOUMEN_IMPORT_MAX_CELL_CHARS = env_int("SHOUMEN_IMPORT_MAX_CELL_CHARS", 5_000)
SHOUMEN_IMPORT_MAX_TEXT_BYTES = env_int("SHOUMEN_IMPORT_MAX_TEXT_BYTES", 100 * 1024 * 1024)

# Checkpoint passes: valid this many days from issue; a warning shows in the last days.
PASS_VALID_DAYS = env_int("SHOUMEN_PASS_VALID_DAYS", 30)
PASS_EXPIRY_WARNING_DAYS = env_int("SHOUMEN_PASS_EXPIRY_WARNING_DAYS", 3)
# Manual lookups of residents (no pass at hand) per volunteer; over it: 429 until the period
# ends. Each lookup is audited.
CHECKPOINT_LOOKUP_RATE = env_rate("SHOUMEN_CHECKPOINT_LOOKUP_RATE", "60/h")

# Notifications: every inbox message also goes out by email (to users with an address) and
# by SMS (to users with a work phone) through these backends. Copies carry no resident names.
EMAIL_BACKEND = env_str(
    "SHOUMEN_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("SHOUMEN_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("SHOUMEN_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("SHOUMEN_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("SHOUMEN_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("SHOUMEN_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = env_str("SHOUMEN_EMAIL_FROM", "shoumen@localhost")
# A dotted path to a class with ``send(phone, text)``; the default writes a log line only.
SHOUMEN_SMS_BACKEND = env_str("SHOUMEN_SMS_BACKEND", "shoumen.alerts.channels.LogSmsBackend")
SHOUMEN_NOTIFY_EMAIL = env_bool("SHOUMEN_NOTIFY_EMAIL", True)
SHOUMEN_NOTIFY_SMS = env_bool("SHOUMEN_NOTIFY_SMS", True)
# The schedule (`shoumen scheduler`): how often alert rules run and escalate, in minutes,
# and when the daily jobs run (local time, HH:MM).
SHOUMEN_ALERT_EVALUATION_MINUTES = env_int("SHOUMEN_ALERT_EVALUATION_MINUTES", 5)
SHOUMEN_DIGEST_AT = env_str("SHOUMEN_DIGEST_AT", "16:30")
SHOUMEN_RETENTION_AT = env_str("SHOUMEN_RETENTION_AT", "02:30")
