"""A small fixed-window rate limit on the shared cache (Redis when configured)."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import HttpRequest


def _client(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is set by the client unless a trusted proxy
    # rewrites it, and the deployment terminates TLS in front of gunicorn.
    address = request.META.get("REMOTE_ADDR", "")
    return hashlib.sha256(address.encode()).hexdigest()[:16]


def allow(scope: str, request: HttpRequest, *, limit: int, window: int) -> bool:
    """Count one attempt; False once ``limit`` attempts were made in ``window`` s."""
    key = f"ratelimit:{scope}:{_client(request)}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit
