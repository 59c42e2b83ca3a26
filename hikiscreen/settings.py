"""HikiScreen settings: one file, configured by the environment, safe by default.

Read top to bottom: paths, security, apps and middleware, database, cache and sessions,
auth, i18n, static files, logging, app-specific. Every value that differs between a
laptop demo and a clinic's server is an environment variable (see README.md); the
defaults are the production-safe ones, and `make run` passes the demo values.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

# --- Paths --------------------------------------------------------------------
BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# --- Security -----------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)

# A development key is accepted only with DEBUG on, so a forgotten variable can never
# put a guessable key into production. A missing SECRET_KEY or ALLOWED_HOSTS with DEBUG
# off is reported by `hikiscreen.checks` when the app starts (system checks, wsgi.py),
# not here, so database-free tools (`manage.py score`) work without a configuration.
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# HTTPS is assumed outside development; a TLS-terminating proxy must set
# X-Forwarded-Proto, which is trusted only when SECURE_PROXY_SSL_HEADER is on.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True
)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Joining the browsers' preload list is the domain owner's decision, not the app's.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Content Security Policy (django-csp 4): no inline script or style anywhere, the
# Django admin included (its 5.2 templates load every script and style from files).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
# Browser features no page of the app uses (django-permissions-policy).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}
# The request header a TLS proxy in front sets to the client's address (e.g.
# HTTP_X_REAL_IP, or HTTP_X_FORWARDED_FOR whose last entry the proxy appends); empty:
# REMOTE_ADDR. Rate limits and lock-outs key on it.
CLIENT_IP_HEADER = env.str("CLIENT_IP_HEADER", default="")
# Answers are small; anything bigger than this is not a questionnaire.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)

# --- Applications and middleware ----------------------------------------------
INSTALLED_APPS = [
    # Django's admin with a site that asks staff for their second factor.
    "hikiscreen.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # PostgreSQL's index operator classes (migration 0010's trigram index on patient
    # codes); does nothing on SQLite.
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # A one-time code by e-mail proves a staff account's owner before it enrols.
    "django_otp.plugins.otp_email",
    # Backup codes: one-time codes for a lost phone, made when an app is enrolled.
    "django_otp.plugins.otp_static",
    "django_ratelimit",
    "django_tasks",
    "django_tasks_db",
    "questionnaires",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After Locale and Authentication: a signed-in clinician's own language.
    "questionnaires.middleware.StaffLanguageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "questionnaires.security.two_factor.TwoFactorMiddleware",
    # Idle time-out, and no-store on every signed-in page (they show patient data).
    "questionnaires.security.sessions.SignedInSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a lock-out into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hikiscreen.urls"
WSGI_APPLICATION = "hikiscreen.wsgi.application"

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
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
# SQLite for one machine with no configuration; PostgreSQL through DATABASE_URL
# (postgres://user:password@host:5432/name) for real use.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions -------------------------------------------------------
# With REDIS_URL every app server shares one cache (rate limits, cached reports);
# without it, each process keeps its own memory.
REDIS_URL = env.str("REDIS_URL", default="")
# Redis is an accelerator: when it does not answer, requests carry on without it
# (hikiscreen/cache.py: sessions from the database, rate limits not counted, logged).
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "hikiscreen.cache.FallbackRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "hikiscreen",
            # A dead or unreachable server costs a request at most this long.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "hikiscreen",
        }
    }
# Sessions are written through to the database so a restart or a lost cache never
# logs anyone out mid-questionnaire.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
# A signed-in session unused this long (seconds) is signed out at its next request
# (questionnaires/security/sessions.py); SESSION_COOKIE_AGE caps it in any case.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
# Rate limits (django-ratelimit, questionnaires/security/ratelimits.py) count in this
# cache.
# Django's RedisCache increments atomically, but the library lists only third-party
# Redis backends (W001); local memory is per process (E003), which a single server
# accepts: each worker then counts on its own, so a limit is at most workers x rate.
RATELIMIT_USE_CACHE = "default"
RATELIMIT_IP_META_KEY = "questionnaires.security.ratelimits.client_ip"
SILENCED_SYSTEM_CHECKS += ["django_ratelimit.W001"]
if not REDIS_URL:
    SILENCED_SYSTEM_CHECKS += ["django_ratelimit.E003"]
# Requests per client address: sign-in attempts (POST), and any page reached with a
# respondent token.
LOGIN_RATE_LIMIT = env.str("LOGIN_RATE_LIMIT", default="20/m")
TOKEN_RATE_LIMIT = env.str("TOKEN_RATE_LIMIT", default="120/m")
# Resume-code guesses: 10 per 15 minutes per address (a code has 50 bits).
RESUME_RATE_LIMIT = env.str("RESUME_RATE_LIMIT", default="10/15m")
# Anonymous family checks started per address: a household tries a few, not dozens.
FAMILY_START_RATE_LIMIT = env.str("FAMILY_START_RATE_LIMIT", default="10/h")
# Password-reset requests: per address here, per account in the service.
PASSWORD_RESET_RATE_LIMIT = env.str("PASSWORD_RESET_RATE_LIMIT", default="5/h")
PASSWORD_RESET_ACCOUNT_RATE_LIMIT = env.str(
    "PASSWORD_RESET_ACCOUNT_RATE_LIMIT", default="3/h"
)
# When the cache does not answer, requests go through rather than fail (logged).
RATELIMIT_FAIL_OPEN = True

# --- Authentication -----------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "questionnaires:clinic-home"
LOGOUT_REDIRECT_URL = "questionnaires:start"
# django-axes counts failed sign-ins in the database, so a lock-out holds on every app
# server. It locks a username (known or not, so the page reveals nothing) and, apart,
# a client address; behind a proxy set CLIENT_IP_HEADER, or every client shares the
# proxy's address. The per-address rate limit on the login page slows spraying.
AUTHENTICATION_BACKENDS = [
    "questionnaires.security.two_factor.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "questionnaires.views.accounts.locked_out"
AXES_CLIENT_IP_CALLABLE = "questionnaires.security.ratelimits.client_ip"
# Two-factor sign-in (django-otp, TOTP apps). Staff must enrol when this is on.
REQUIRE_STAFF_2FA = env.bool("REQUIRE_STAFF_2FA", default=not DEBUG)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="HikiScreen")
# Staff enrolling while 2FA is required first enter a code sent to their e-mail
# address (questionnaires/services/two_factor.py): the password alone is not enough.
OTP_EMAIL_SUBJECT = _("Your HikiScreen enrolment code")
OTP_EMAIL_TOKEN_VALIDITY = 10 * 60

# EMAIL_URL, e.g. smtp+tls://user:password@mail.example.org:587 (django-environ syntax).
# Required with DEBUG off (hikiscreen.checks): e-mails carry password-reset links, so a
# server never falls back to printing them, and `consolemail://` is refused there too.
# With DEBUG on and no EMAIL_URL, e-mails go to the console for local development.
EMAIL_URL = env.str("EMAIL_URL", default="")
_email = env.email_url_config(EMAIL_URL or "consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
# A mail server that does not answer must not hold a worker (or a task) for minutes.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# filemail:////abs/path (four slashes) writes each message to a file there.
if "EMAIL_FILE_PATH" in _email:
    EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"]
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="HikiScreen <noreply@localhost>"
)

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ja", _("Japanese")), ("it", _("Italian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and numbers come from each language's formats (Django's, with these overrides):
# never a hand-written format string in a template (docs/translation.md).
FORMAT_MODULE_PATH = ["hikiscreen.formats"]
USE_I18N = True
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_TZ = True

# --- Static files -------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Logging ------------------------------------------------------------------
# One JSON object per line (LOG_FORMAT=plain for reading by eye). The scrub filter
# drops request objects and bodies and masks anything token-like, so answers, tokens
# and personal data never reach the logs (questionnaires/security/log_scrub.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"scrub": {"()": "questionnaires.security.log_scrub.ScrubFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level"},
        },
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env.str("LOG_FORMAT", default="json"),
            "filters": ["scrub"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # 404s and 400s would log request paths, which can carry invitation tokens.
        "django.request": {"level": "ERROR"},
        "django.security.DisallowedHost": {"level": "ERROR"},
        # WeasyPrint logs every layout step at INFO: noise, not events.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # django-axes announces its version at every start.
        "axes": {"level": "WARNING"},
    },
}

# --- Third-party apps -----------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- HikiScreen -----------------------------------------------------------------
# Days an anonymous family self-check is kept before `manage.py purge_expired`
# deletes it with its answers (the family start page states this number).
FAMILY_CHECK_RETENTION_DAYS = env.int("FAMILY_CHECK_RETENTION_DAYS", default=30)
# Hours a clinic's respondent link still shows its done page and summary PDF after
# the answers are sent (then it is a dead link).
SUBMITTED_LINK_HOURS = env.int("SUBMITTED_LINK_HOURS", default=24)
# Hours a family check nobody answered is kept (abandoned starts cost six rows each).
FAMILY_CHECK_ABANDONED_HOURS = env.int("FAMILY_CHECK_ABANDONED_HOURS", default=24)

# Clinic exports: up to EXPORT_STREAM_MAX_ROWS screenings stream in the request; a
# larger one is written by a background task into EXPORT_ROOT (never served as static
# or media files) and offered for EXPORT_FILE_DAYS days once complete.
EXPORT_STREAM_MAX_ROWS = env.int("EXPORT_STREAM_MAX_ROWS", default=10_000)
EXPORT_ROOT = env.path("EXPORT_ROOT", default=BASE_DIR / "var" / "exports")
EXPORT_FILE_DAYS = env.int("EXPORT_FILE_DAYS", default=7)

# Background tasks (Django's Tasks API, the django-tasks backport) on the database: the
# queue lives in PostgreSQL (or SQLite), so several app servers share it and no new
# service is needed. Workers run `manage.py db_worker` (README.md, Deploy).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A task RUNNING longer than this is taken for lost (its worker died) and re-queued.
TASK_STALE_AFTER = env.int("TASK_STALE_AFTER", default=600)
# The address the app is reached at, for links in e-mails sent by background tasks.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
