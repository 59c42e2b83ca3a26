"""Start-up checks on the settings a server cannot run without."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

MISSING_SIGNING_KEY = (
    "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
    "(a long random string), or DEBUG=1 for local development."
)
MISSING_ALLOWED_HOSTS = (
    "ALLOWED_HOSTS is not set. Set ALLOWED_HOSTS to the comma-separated host "
    "names this server answers to, or DEBUG=1 for local development."
)
MISSING_EMAIL_URL = (
    "EMAIL_URL is not set. Set EMAIL_URL to the mail server that sends password "
    "resets (e.g. smtp+tls://user:password@mail.example.org:587), or DEBUG=1 for "
    "local development."
)
CONSOLE_EMAIL = (
    "EMAIL_URL is consolemail://, which prints whole e-mails (password-reset links "
    "included) to the logs. Set EMAIL_URL to a mail server."
)
#: Backends that write a message's body where log readers see it.
LOGGING_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
}


def production_settings_problems() -> list[str]:
    """What a server with DEBUG off lacks, as messages naming the variable to set."""
    if settings.DEBUG:
        return []
    problems = []
    try:
        has_key = bool(settings.SECRET_KEY)
    except ImproperlyConfigured:  # Django refuses to hand out an empty key
        has_key = False
    if not has_key:
        problems.append(MISSING_SIGNING_KEY)
    if not settings.ALLOWED_HOSTS:
        problems.append(MISSING_ALLOWED_HOSTS)
    if not settings.EMAIL_URL:
        problems.append(MISSING_EMAIL_URL)
    elif settings.EMAIL_BACKEND in LOGGING_EMAIL_BACKENDS:
        problems.append(CONSOLE_EMAIL)
    return problems


def check_production_settings(app_configs: Any, **kwargs: Any) -> list[checks.Error]:
    """System check run by runserver, migrate, check and the other server commands."""
    return [
        checks.Error(message, id=f"hikiscreen.E00{number}")
        for number, message in enumerate(production_settings_problems(), start=1)
    ]


def require_production_settings() -> None:
    """Refuse to serve (gunicorn skips system checks) while settings are missing."""
    problems = production_settings_problems()
    if problems:
        raise ImproperlyConfigured(" ".join(problems))
