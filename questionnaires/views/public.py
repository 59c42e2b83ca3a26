"""Pages anyone may open: the start page, the health check and the favicon."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from questionnaires import selectors

logger = logging.getLogger(__name__)


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    return render(request, "questionnaires/public/start.html")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Each dependency as ``ok`` or ``degraded``; 503 only when the database is down.

    The cache (Redis) and the task queue are accelerators: without them the app
    still serves (hikiscreen/cache.py), so they make the body say ``degraded`` and
    the status stays 200. Without the database nothing can be served: 503.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("healthz: database unreachable")
        return JsonResponse(
            {
                "status": "error",
                "database": "unreachable",
                "cache": _cache_state(),
                "tasks": "degraded",
            },
            status=503,
        )
    cache_state = _cache_state()
    tasks_state = (
        "degraded" if selectors.tasks_overdue(older_than=TASKS_OVERDUE) else "ok"
    )
    body = {"database": "ok", "cache": cache_state, "tasks": tasks_state}
    overall = "ok" if set(body.values()) == {"ok"} else "degraded"
    return JsonResponse({"status": overall, **body})


#: A task still waiting this long after it was due means no worker is running.
TASKS_OVERDUE = timedelta(minutes=10)
HEALTH_KEY = "healthz:probe"


def _cache_state() -> str:
    """``ok`` when a value written to the cache reads back, else ``degraded``."""
    probe = secrets.token_hex(4)
    cache.set(HEALTH_KEY, probe, timeout=10)
    return "ok" if cache.get(HEALTH_KEY) == probe else "degraded"


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says: answer with the icon."""
    path = finders.find("favicon.svg")
    if not isinstance(path, str):
        raise Http404
    with open(path, "rb") as icon:
        response = HttpResponse(icon.read(), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response
