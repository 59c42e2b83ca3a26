"""Production settings turn the security features on (and read them from the env)."""

from __future__ import annotations

import json

from tests.helpers import manage, production_env

SHOW = (
    "import json; from django.conf import settings as s; print(json.dumps({"
    "'require_staff_2fa': s.REQUIRE_STAFF_2FA, "
    "'csp': 'csp.middleware.CSPMiddleware' in s.MIDDLEWARE, "
    "'csp_script': s.CONTENT_SECURITY_POLICY['DIRECTIVES']['script-src'], "
    "'axes': 'axes.middleware.AxesMiddleware' in s.MIDDLEWARE "
    "and 'axes' in s.INSTALLED_APPS "
    "and s.AUTHENTICATION_BACKENDS[0].endswith('LockoutBackend'), "
    "'axes_handler': s.AXES_HANDLER, "
    "'limit': s.AXES_FAILURE_LIMIT, "
    "'cooloff': s.AXES_COOLOFF_TIME.total_seconds(), "
    "'otp': 'django_otp.middleware.OTPMiddleware' in s.MIDDLEWARE, "
    "'permissions': 'django_permissions_policy.PermissionsPolicyMiddleware' "
    "in s.MIDDLEWARE}))"
)


def _settings(**env: str | None) -> dict[str, object]:
    result = manage("shell", "--no-imports", "-c", SHOW, env=production_env(**env))
    assert result.returncode == 0, result.stderr
    shown: dict[str, object] = json.loads(result.stdout)
    return shown


def test_production_settings_turn_on_staff_2fa_csp_and_lock_out() -> None:
    shown = _settings()
    assert shown == {
        "require_staff_2fa": True,
        "csp": True,
        "csp_script": ["'self'"],
        "axes": True,
        "axes_handler": "axes.handlers.database.AxesDatabaseHandler",
        "limit": 5,
        "cooloff": 900.0,
        "otp": True,
        "permissions": True,
    }


def test_lock_out_and_2fa_are_configured_from_the_environment() -> None:
    shown = _settings(
        LOGIN_FAILURE_LIMIT="8", LOGIN_COOLOFF_MINUTES="30", REQUIRE_STAFF_2FA="0"
    )
    assert (shown["limit"], shown["cooloff"]) == (8, 1800.0)
    assert shown["require_staff_2fa"] is False


def test_the_demo_does_not_require_2fa() -> None:
    shown = _settings(DEBUG="1", REQUIRE_STAFF_2FA=None)
    assert shown["require_staff_2fa"] is False


def test_deploy_check_stays_clean_with_redis() -> None:
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=production_env(REDIS_URL="redis://127.0.0.1:6379/0"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
