"""Redis as an accelerator: when it does not answer, the app carries on without it.

``FallbackRedisCache`` is Django's Redis cache whose calls, while the server is
unreachable, behave as if the cache were empty and forgot every write:

- sessions (``cached_db``) are read from and written to the database alone;
- rate limits count nothing and let requests through (``RATELIMIT_FAIL_OPEN``):
  degraded, and logged here;
- cached reports are rendered again.

After a failure the server is left alone for ``RETRY_SECONDS`` (one warning in the
log per outage, not one per request), then tried again. ``/healthz`` reports the
cache as ``degraded`` meanwhile.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

#: Seconds an unreachable Redis is skipped before the next attempt.
RETRY_SECONDS = 10.0

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)

Result = TypeVar("Result")


class CacheUnavailable(Exception):
    """Redis did not answer (raised only inside this module)."""


class FallbackRedisCache(RedisCache):
    """Django's RedisCache that degrades to 'empty and forgetful' when Redis is down."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._down_until = 0.0

    @property
    def available(self) -> bool:
        """False while Redis is being skipped after a failure."""
        return time.monotonic() >= self._down_until

    def _call(self, operation: Callable[[], Result]) -> Result:
        if not self.available:
            raise CacheUnavailable
        try:
            return operation()
        except UNREACHABLE as error:
            self._down_until = time.monotonic() + RETRY_SECONDS
            logger.warning(
                "cache unavailable (%s): serving without it for %ss; sessions use "
                "the database, rate limits are not counted",
                type(error).__name__,
                int(RETRY_SECONDS),
            )
            raise CacheUnavailable from error

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> Any:
        try:
            return self._call(
                functools.partial(super().add, key, value, timeout, version)
            )
        except CacheUnavailable:
            return False

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        try:
            return self._call(functools.partial(super().get, key, default, version))
        except CacheUnavailable:
            return default

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        try:
            self._call(functools.partial(super().set, key, value, timeout, version))
        except CacheUnavailable:
            return

    def touch(
        self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> Any:
        try:
            return self._call(functools.partial(super().touch, key, timeout, version))
        except CacheUnavailable:
            return False

    def delete(self, key: Any, version: Any = None) -> Any:
        try:
            return self._call(functools.partial(super().delete, key, version))
        except CacheUnavailable:
            return False

    def get_many(self, keys: Any, version: Any = None) -> Any:
        try:
            return self._call(functools.partial(super().get_many, keys, version))
        except CacheUnavailable:
            return {}

    def has_key(self, key: Any, version: Any = None) -> Any:
        try:
            return self._call(functools.partial(super().has_key, key, version))
        except CacheUnavailable:
            return False

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> Any:
        try:
            return self._call(functools.partial(super().incr, key, delta, version))
        except CacheUnavailable:
            # What a missing key gives: callers (django-ratelimit) treat it as a miss.
            raise ValueError("cache unavailable") from None

    def set_many(
        self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> Any:
        try:
            return self._call(
                functools.partial(super().set_many, data, timeout, version)
            )
        except CacheUnavailable:
            return list(data)

    def delete_many(self, keys: Any, version: Any = None) -> None:
        try:
            self._call(functools.partial(super().delete_many, keys, version))
        except CacheUnavailable:
            return

    def clear(self) -> Any:
        try:
            return self._call(super().clear)
        except CacheUnavailable:
            return False
