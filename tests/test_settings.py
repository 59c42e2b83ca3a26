"""Settings come from the environment; production refuses to start half-set."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.helpers import manage, production_env


def test_production_settings_start_with_their_secrets() -> None:
    result = manage("check", env=production_env())
    assert result.returncode == 0, result.stderr


def test_missing_secret_key_is_a_clear_error_when_debug_is_off() -> None:
    result = manage("check", env=production_env(SECRET_KEY=None))
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_missing_allowed_hosts_is_a_clear_error_when_debug_is_off() -> None:
    result = manage("check", env=production_env(ALLOWED_HOSTS=None))
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is not set" in result.stderr


def test_missing_email_url_is_a_clear_error_when_debug_is_off() -> None:
    result = manage("check", env=production_env(EMAIL_URL=None))
    assert result.returncode != 0
    assert "EMAIL_URL is not set" in result.stderr


def test_console_email_is_refused_when_debug_is_off() -> None:
    # The console backend prints whole e-mails, password-reset links included, to
    # the logs, past the scrub filter.
    result = manage("check", env=production_env(EMAIL_URL="consolemail://"))
    assert result.returncode != 0
    assert "prints whole e-mails" in result.stderr


def test_the_wsgi_application_refuses_to_start_without_a_mail_server() -> None:
    result = _import_wsgi(production_env(EMAIL_URL=None))
    assert result.returncode != 0
    assert "EMAIL_URL is not set" in result.stderr


def test_debug_mode_runs_without_secrets_for_local_development() -> None:
    result = manage(
        "check", env=production_env(DEBUG="1", SECRET_KEY=None, ALLOWED_HOSTS=None)
    )
    assert result.returncode == 0, result.stderr


def test_database_url_selects_postgresql() -> None:
    code = (
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE'])"
    )
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        env=production_env(DATABASE_URL="postgres://u@db.example.org:5432/hs"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_default_database_is_a_sqlite_file() -> None:
    code = (
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE'])"
    )
    result = manage(
        "shell", "--no-imports", "-c", code, env=production_env(DATABASE_URL=None)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"


def test_production_cookies_are_secure_and_https_is_enforced() -> None:
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0, "
        "s.PASSWORD_HASHERS[0].endswith('Argon2PasswordHasher'))"
    )
    result = manage("shell", "--no-imports", "-c", code, env=production_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True"] * 5


def _import_wsgi(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Load the WSGI application as gunicorn does (`shell` runs no system checks)."""
    return manage("shell", "--no-imports", "-c", "import hikiscreen.wsgi", env=env)


def test_the_wsgi_application_refuses_to_start_without_its_secrets() -> None:
    # gunicorn runs no system checks: the WSGI module itself must refuse.
    result = _import_wsgi(production_env(SECRET_KEY=None, ALLOWED_HOSTS=None))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr
    assert "ALLOWED_HOSTS is not set" in result.stderr


def test_the_wsgi_application_loads_with_production_secrets() -> None:
    result = _import_wsgi(production_env())
    assert result.returncode == 0, result.stderr


def test_scoring_needs_no_production_configuration(tmp_path: Path) -> None:
    screening = tmp_path / "input.json"
    screening.write_text(json.dumps({"age": 19, "answers": {}}))
    result = manage(
        "score", str(screening), env=production_env(SECRET_KEY=None, ALLOWED_HOSTS=None)
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["outcome"]["category"] == "incomplete"
