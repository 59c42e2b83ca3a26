"""With REDIS_URL, a rate limit reached in one process holds in another (scale-out)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client

from tests.helpers import manage, production_env

REDIS_URL = "redis://127.0.0.1:6379/15"  # a database of its own, flushed by keys


def _redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def shared_cache(settings: Any) -> Iterator[str]:
    """This process's cache switched to the local Redis, under a fresh key prefix."""
    if not _redis_reachable():
        pytest.skip(f"no Redis answers at {REDIS_URL} (start redis-server to run)")
    prefix = f"hikiscreen-test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    yield prefix
    caches["default"].clear()


# The other "server": a separate process, same Redis and key prefix, counting the
# same login-page group the decorator counts, for one client address.
BURST = """
from django.conf import settings
from django.test import RequestFactory
from django_ratelimit import UNSAFE
from questionnaires.security.ratelimits import limited
settings.CACHES['default']['KEY_PREFIX'] = {prefix!r}
request = RequestFactory().post('/accounts/login/', REMOTE_ADDR='198.51.100.7')
print([limited(request, group='login', rate='5/m', methods=UNSAFE) for _ in range(5)])
"""


def _login(address: str) -> int:
    response = Client().post(
        "/accounts/login/",
        {"username": "someone", "password": "x"},
        REMOTE_ADDR=address,
    )
    return response.status_code


@pytest.mark.slow
@pytest.mark.django_db
def test_a_rate_limit_reached_by_one_server_holds_on_another(
    shared_cache: str, settings: Any
) -> None:
    settings.LOGIN_RATE_LIMIT = "5/m"
    env = production_env(REDIS_URL=REDIS_URL)
    code = BURST.format(prefix=shared_cache)
    other = manage("shell", "--no-imports", "-c", code, env=env)
    assert other.returncode == 0, other.stderr
    assert other.stdout.strip().splitlines()[-1] == str([False] * 5)

    # This process has sent nothing for that address, yet it is over its limit.
    assert _login("198.51.100.7") == 429
    assert _login("198.51.100.8") == 200
