"""Pages anyone may open: the start page, the health check and the favicon."""

from __future__ import annotations

import logging

from django.contrib.staticfiles import finders
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from questionnaires.services.task_queue import task_queue_health

logger = logging.getLogger(__name__)


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    return render(request, "questionnaires/public/start.html")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the app can reach its database, 503 when it cannot.

    Also reports the task queue (tasks due and waiting, running, the oldest wait in
    seconds) for monitoring; a backed-up queue means no worker runs, which is an
    alert for people, not a reason to take app servers out of the load balancer.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        queue = task_queue_health()
    except DatabaseError:
        logger.warning("healthz: database unreachable")
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse(
        {
            "status": "ok",
            "database": "ok",
            "tasks": {
                "waiting": queue.ready,
                "running": queue.running,
                "oldest_waiting_seconds": queue.oldest_ready_seconds,
            },
        }
    )


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
