"""Settings come from the environment; production refuses to start half-set."""

from __future__ import annotations

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
