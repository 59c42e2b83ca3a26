"""Pages anyone may open: the start page, the health check and the favicon."""

from __future__ import annotations

import logging
import secrets

from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from questionnaires import selectors
from questionnaires.services.task_queue import task_queue_health

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
    ``task_queue`` gives the queue's figures for monitoring (docs/tasks.md).
    """
    try:
        if not selectors.database_answers():
            raise DatabaseError
        queue = task_queue_health()
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
    waited = queue.oldest_ready_seconds
    body = {
        "database": "ok",
        "cache": _cache_state(),
        "tasks": "degraded" if waited is not None and waited > TASKS_OVERDUE else "ok",
    }
    overall = "ok" if set(body.values()) == {"ok"} else "degraded"
    return JsonResponse(
        {
            "status": overall,
            **body,
            "task_queue": {
                "waiting": queue.ready,
                "running": queue.running,
                "oldest_waiting_seconds": waited,
            },
        }
    )


#: Seconds a due task may wait before the queue counts as degraded (no worker runs).
TASKS_OVERDUE = 10 * 60
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
