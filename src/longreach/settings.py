"""Longreach settings, read from environment variables.

Defaults are safe for production: DEBUG off, secure cookies, HSTS, strict CSP.
``LONGREACH_MODE=demo`` (used by ``make run``) relaxes only what plain-HTTP
on 127.0.0.1 needs; ``LONGREACH_MODE=test`` is for the test suite. Bad
configuration stops start-up with a message that names the variable.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str | None = None) -> str | None:
    """A setting from ``NAME`` or from the file named by ``NAME_FILE``."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_name} cannot be read: {exc}") from exc
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = env(name)
    if raw is None:
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int, minimum: int = 0) -> int:
    raw = env(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}")
    return value


MODE = env("LONGREACH_MODE", "production")
if MODE not in ("production", "demo", "test"):
    raise ImproperlyConfigured(f"LONGREACH_MODE must be production, demo or test, not {MODE!r}")
PRODUCTION = MODE == "production"

VAR_DIR = Path(env("LONGREACH_VAR_DIR", str(Path.cwd() / "var")) or "var").resolve()


def _local_secret(path: Path) -> str:
    """Demo and test only: a random secret kept in var/, created once (mode 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = env("LONGREACH_SECRET_KEY") or ""
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "LONGREACH_SECRET_KEY (or LONGREACH_SECRET_KEY_FILE) must be set in production"
        )
    SECRET_KEY = _local_secret(VAR_DIR / "secret_key") if MODE == "demo" else secrets.token_urlsafe(50)
elif len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("LONGREACH_SECRET_KEY must be at least 50 characters")

DEBUG = False

_hosts = env("LONGREACH_ALLOWED_HOSTS")
if _hosts:
    ALLOWED_HOSTS = [h.strip() for h in _hosts.split(",") if h.strip()]
elif PRODUCTION:
    raise ImproperlyConfigured("LONGREACH_ALLOWED_HOSTS must list the host names Longreach answers to")
else:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in (env("LONGREACH_CSRF_TRUSTED_ORIGINS") or "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "longreach.core",
    "longreach.accounts",
    "longreach.keys",
    "longreach.audit",
    "longreach.vocab",
    "longreach.geo",
    "longreach.registry",
    "longreach.intake",
    "longreach.vault",
    "longreach.messages",
    "longreach.screening",
    "longreach.legal",
    "longreach.insight",
    "longreach.site",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "longreach.core.middleware.UploadCleanupMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "longreach.core.middleware.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "longreach.intake.middleware.ReporterPagesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "longreach.keys.middleware.KeyringMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "longreach.site.urls"
WSGI_APPLICATION = "longreach.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "longreach.site.context.navigation",
            ],
        },
    }
]

_default_db = f"sqlite:///{VAR_DIR / 'longreach.sqlite3'}"
_db_url = env("LONGREACH_DATABASE_URL", _default_db) or _default_db
try:
    DATABASES = {"default": dj_database_url.parse(_db_url, conn_max_age=60)}
except ValueError as exc:
    raise ImproperlyConfigured(f"LONGREACH_DATABASE_URL is not a database URL: {exc}") from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers and one writer work at once; IMMEDIATE takes the
        # write lock at BEGIN so two writers queue instead of failing midway.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    if MODE != "test":
        VAR_DIR.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"

# Server-side sessions in the database; the cookie holds only the session id.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = int(env("LONGREACH_SESSION_SECONDS", "28800") or 28800)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
SESSION_COOKIE_NAME = "lr_session"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_NAME = "lr_csrf"
# No cookie outlives the browser session: a reporter's phone keeps no trace of the visit.
CSRF_COOKIE_AGE = None
CSRF_FAILURE_VIEW = "longreach.core.views.csrf_failure"
# Django would spool files over 2.5 MB to the temp directory in the clear; views that take
# files install the encrypting handler, and a file sent anywhere else is read past.
FILE_UPLOAD_HANDLERS = ["longreach.core.uploads.RefuseFilesUploadHandler"]
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Plain HTTP on 127.0.0.1 is the one thing demo mode allows; production
# cookies are Secure and HTTPS is enforced with HSTS.
HTTPS = env_bool("LONGREACH_HTTPS", PRODUCTION)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("LONGREACH_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(env("LONGREACH_HSTS_SECONDS", "31536000" if HTTPS else "0") or 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = env_bool("LONGREACH_HSTS_PRELOAD", HTTPS)
if env_bool("LONGREACH_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
# "same-origin", not "no-referrer": with no-referrer browsers send "Origin: null"
# on form posts and Django's CSRF origin check must then refuse every form.
# Both send nothing to other sites, which is what protects case URLs.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# Lockout by username only: staff may share an office or a Tor exit, and the
# attempt table then holds no addresses. Every failure shows the same text.
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_FAILURE_LIMIT = int(env("LONGREACH_LOGIN_FAILURE_LIMIT", "5") or 5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "longreach.accounts.auth.no_client_ip"
AXES_LOCKOUT_CALLABLE = "longreach.accounts.views.locked_out"
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False
AXES_DISABLE_ACCESS_LOG = True
# W006 warns that username-only lockout ignores addresses; that is the point (see above).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

OTP_TOTP_ISSUER = env("LONGREACH_ORG_NAME", "Longreach")

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("zh-hans", "简体中文"),
    ("ug", "ئۇيغۇرچە"),
    ("ru", "Русский"),
    ("tr", "Türkçe"),
    ("ar", "العربية"),
    ("fa", "فارسی"),
]
LANGUAGES_BIDI = ["ar", "fa", "ug", "he", "ur"]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "lr_language"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Strict"
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
# Production serves what collectstatic gathered; demo and tests serve the package's files.
STATIC_ROOT = VAR_DIR / "static" if PRODUCTION else BASE_DIR / "static"
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if not PRODUCTION:
    # Demo and tests serve static files from the package without collectstatic.
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = MODE != "production"

# The evidence vault (docs/admin-guide.md, "The evidence vault"). Only ciphertext
# reaches this storage, under random names; local files by default, or any
# S3-compatible object store through django-storages.
VAULT_DIR = Path(env("LONGREACH_VAULT_DIR", str(VAR_DIR / "vault")) or "")
VAULT_STORAGE = env("LONGREACH_VAULT_STORAGE", "filesystem") or "filesystem"
if VAULT_STORAGE == "filesystem":
    STORAGES["vault"] = {
        "BACKEND": "longreach.vault.storage.DurableFileSystemStorage",
        "OPTIONS": {"location": str(VAULT_DIR / "files"), "file_permissions_mode": 0o600},
    }
elif VAULT_STORAGE == "s3":
    _bucket = env("LONGREACH_VAULT_S3_BUCKET")
    if not _bucket:
        raise ImproperlyConfigured("LONGREACH_VAULT_STORAGE=s3 needs LONGREACH_VAULT_S3_BUCKET")
    STORAGES["vault"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _bucket,
            "endpoint_url": env("LONGREACH_VAULT_S3_ENDPOINT_URL") or None,
            "region_name": env("LONGREACH_VAULT_S3_REGION") or None,
            "access_key": env("LONGREACH_VAULT_S3_ACCESS_KEY_ID") or None,
            "secret_key": env("LONGREACH_VAULT_S3_SECRET_ACCESS_KEY") or None,
            "location": env("LONGREACH_VAULT_S3_PREFIX", "") or "",
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    raise ImproperlyConfigured(f"LONGREACH_VAULT_STORAGE must be filesystem or s3, not {VAULT_STORAGE!r}")
# Background jobs (viewing copies). Tests run them at once; otherwise they wait in
# the database for the worker thread that `longreach serve` and `up` start.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if MODE == "test"
        else "django_tasks_db.DatabaseBackend"
    }
}
VAULT_MAX_FILE_BYTES = env_int("LONGREACH_VAULT_MAX_FILE_MB", 4096, 1) * 1_000_000
VAULT_MAX_FILES = env_int("LONGREACH_VAULT_MAX_FILES", 20, 1)  # per upload
# The smallest count a de-identified dashboard or the statistics API shows; smaller ones are withheld.
STATISTICS_MIN_CELL = env_int("LONGREACH_STATISTICS_MIN_CELL", 5, 1)
# The public statistics page (/public/statistics/): off unless an organisation turns it on. Its
# differentially private tables share one privacy budget for the organisation's lifetime.
PUBLIC_STATISTICS = env_bool("LONGREACH_PUBLIC_STATISTICS", MODE == "demo")
try:
    PUBLIC_EPSILON_BUDGET = float(env("LONGREACH_PUBLIC_EPSILON_BUDGET", "3") or "")
except ValueError:
    raise ImproperlyConfigured("LONGREACH_PUBLIC_EPSILON_BUDGET must be a number, e.g. 3") from None
if not 0 < PUBLIC_EPSILON_BUDGET <= 100:
    raise ImproperlyConfigured("LONGREACH_PUBLIC_EPSILON_BUDGET must be above 0 and at most 100")
# Synthetic incidents in a new demo organisation (two thirds in demo-a): enough across a decade that
# the researcher's statistics are not nearly all withheld. The browser tests ask for fewer.
DEMO_INCIDENTS = env_int("LONGREACH_DEMO_INCIDENTS", 1500, 30)
# Capture metadata and derivatives read the plaintext in memory, so only up to this size.
VAULT_INSPECT_BYTES = env_int("LONGREACH_VAULT_INSPECT_MB", 64, 1) * 1_000_000

# Messages: an organisation's own coercion rules (TOML files, added to the shipped ones) and the
# domains its community trusts (one per line, added to the shipped list), for look-alike flags.
MESSAGES_TAG_RULES = [Path(p) for p in (env("LONGREACH_TAG_RULES", "") or "").split(os.pathsep) if p]
# An organisation's own deadline rules (legal/rules/deadlines.toml's shape), added to the project's.
LEGAL_RULES = [Path(p) for p in (env("LONGREACH_LEGAL_RULES", "") or "").split(os.pathsep) if p]
_community = env("LONGREACH_COMMUNITY_DOMAINS", "") or ""
MESSAGES_COMMUNITY_DOMAINS = Path(_community) if _community else None
# One chat import stops (keeping nothing, the evidence item unchanged) past any of these.
MESSAGES_MAX_PER_IMPORT = env_int("LONGREACH_MESSAGES_MAX_PER_IMPORT", 500_000, 1)
MESSAGES_MAX_TEXT_BYTES = env_int("LONGREACH_MESSAGES_MAX_TEXT_MB", 256, 1) * 1_000_000
MESSAGES_MAX_EXPANSION = env_int("LONGREACH_MESSAGES_MAX_EXPANSION", 100, 2)  # text bytes per stored byte
MESSAGES_MAX_SECONDS = env_int("LONGREACH_MESSAGES_MAX_SECONDS", 1800, 10)

# Key files live outside the database so that a stolen dump cannot forge tree heads.
SIGNING_KEY_FILE = Path(env("LONGREACH_SIGNING_KEY_FILE", str(VAR_DIR / "ledger-signing.key")) or "")
KDF_PROFILE = env("LONGREACH_KDF", "test" if MODE == "test" else "interactive")
if KDF_PROFILE not in ("interactive", "test"):
    raise ImproperlyConfigured("LONGREACH_KDF must be interactive or test")
if KDF_PROFILE == "test" and PRODUCTION:
    raise ImproperlyConfigured("LONGREACH_KDF=test is too weak for production")

# Public intake (docs/admin-guide.md, "The reporting line").
INTAKE_DIR = Path(env("LONGREACH_INTAKE_DIR", str(VAR_DIR / "intake")) or "")
# The pepper turns receipts into lookup hashes and reply keys; without it no
# receipt can be checked, so it lives in a file outside the database and its backups.
INTAKE_PEPPER_FILE = Path(env("LONGREACH_INTAKE_PEPPER_FILE", str(VAR_DIR / "intake-pepper.key")) or "")
# A batch screened through the browser, and a watchlist imported through it (larger lists: the command).
SCREENING_MAX_BATCH_BYTES = env_int("LONGREACH_SCREENING_MAX_BATCH_MB", 5, 1) * 1_000_000
SCREENING_MAX_LIST_BYTES = env_int("LONGREACH_SCREENING_MAX_LIST_MB", 100, 1) * 1_000_000
# Names in one batch screened in a web request (it runs in the request): more go through the command.
SCREENING_MAX_WEB_NAMES = env_int("LONGREACH_SCREENING_MAX_WEB_NAMES", 2000, 1)
INTAKE_MAX_FILE_BYTES = env_int("LONGREACH_INTAKE_MAX_FILE_MB", 25, 1) * 1_000_000
INTAKE_MAX_FILES = env_int("LONGREACH_INTAKE_MAX_FILES", 10, 1)
INTAKE_SESSION_BYTES = env_int("LONGREACH_INTAKE_SESSION_MB", 100, 1) * 1_000_000
INTAKE_TEXT_CHARS = env_int("LONGREACH_INTAKE_TEXT_CHARS", 20_000, 100)
# Notices by e-mail: only "something is waiting in Longreach", never what (site/inbox.py).
EMAIL_HOST = env("LONGREACH_EMAIL_HOST") or ""
EMAIL_PORT = env_int("LONGREACH_EMAIL_PORT", 587, 1)
EMAIL_HOST_USER = env("LONGREACH_EMAIL_USER") or ""
EMAIL_HOST_PASSWORD = env("LONGREACH_EMAIL_PASSWORD") or ""
EMAIL_USE_TLS = env_bool("LONGREACH_EMAIL_TLS", True)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env("LONGREACH_EMAIL_FROM") or "longreach@localhost"
if not EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
# At most one notice per person per so many hours, while something waits; 0: none.
NOTIFY_EMAIL_HOURS = env_int("LONGREACH_NOTIFY_EMAIL_HOURS", 24 if EMAIL_HOST else 0, 0)
# How often `longreach up` looks for surges (insight.services.watch); 0: never (run it from cron).
SURGE_WATCH_HOURS = env_int("LONGREACH_SURGE_WATCH_HOURS", 24, 0)
INTAKE_REPORTS_PER_SESSION = env_int("LONGREACH_INTAKE_REPORTS_PER_SESSION", 3, 1)  # per hour
INTAKE_MESSAGES_PER_SESSION = env_int("LONGREACH_INTAKE_MESSAGES_PER_SESSION", 20, 1)  # per hour
INTAKE_REPORTS_PER_MINUTE = env_int("LONGREACH_INTAKE_REPORTS_PER_MINUTE", 60, 1)  # everyone together
# Wrong receipts in 10 minutes: from everyone (wrong answers then slow down), from one visit and
# for one typed receipt (each then refused until the window ends).
INTAKE_STATUS_FAILURES = env_int("LONGREACH_INTAKE_STATUS_FAILURES", 100, 1)
INTAKE_STATUS_SESSION_FAILURES = env_int("LONGREACH_INTAKE_STATUS_SESSION_FAILURES", 5, 1)
INTAKE_STATUS_RECEIPT_FAILURES = env_int("LONGREACH_INTAKE_STATUS_RECEIPT_FAILURES", 3, 1)
INTAKE_STATUS_FLOOR_MS = env_int("LONGREACH_INTAKE_STATUS_FLOOR_MS", 0 if MODE == "test" else 800)
# The longest a wrong receipt's answer is held back while many fail (2 s per window's limit reached).
INTAKE_STATUS_MAX_PAUSE_MS = env_int("LONGREACH_INTAKE_STATUS_MAX_PAUSE_MS", 0 if MODE == "test" else 10_000)
INTAKE_RECEIPT_DAYS = env_int("LONGREACH_INTAKE_RECEIPT_DAYS", 365, 1)  # after the last activity
WHERE_TO_REPORT_FILE = env("LONGREACH_WHERE_TO_REPORT_FILE") or None
INTAKE_IDLE_MINUTES = env_int("LONGREACH_INTAKE_IDLE_MINUTES", 30, 1)
# What uploads from anyone, logged in or not, may hold in the intake's temp folder at once.
INTAKE_TMP_CEILING_BYTES = env_int("LONGREACH_INTAKE_TMP_CEILING_MB", 1024, 1) * 1_000_000
# A temp upload not written to for this long was abandoned; reconcile and the server remove it.
TEMP_UPLOAD_MAX_AGE_SECONDS = env_int("LONGREACH_TEMP_MAX_AGE_MINUTES", 60, 1) * 60

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LONGREACH_LOG_LEVEL", "WARNING")},
    # Request logs would carry addresses and paths; keep them out.
    "loggers": {"django.request": {"level": "ERROR"}, "waitress.queue": {"level": "ERROR"}},
}
