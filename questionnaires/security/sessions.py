"""Signed-in sessions: an idle time-out, and pages that no cache keeps.

Every page a signed-in person sees (clinic home, patient list and page, screenings,
results, exports, the admin) can show patient data, so each response to a signed-in
request is marked ``Cache-Control: private, no-store``: a shared computer's browser
cache and any proxy keep nothing. A session unused for ``SESSION_IDLE_TIMEOUT``
seconds (default 30 minutes) is signed out at its next request.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control

#: Session key of the last request's time (seconds since the epoch).
LAST_SEEN = "hikiscreen_last_seen"
#: The stamp is rewritten at most this often, so most requests write no session.
STAMP_EVERY = 60


class SignedInSessionMiddleware:
    """Idle time-out and ``no-store`` for signed-in requests (after authentication)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.get_response(request)
        now = time.time()
        last_seen = request.session.get(LAST_SEEN)
        idle_limit = int(settings.SESSION_IDLE_TIMEOUT)
        if isinstance(last_seen, int | float) and now - last_seen > idle_limit:
            logout(request)
            return redirect_to_login(request.get_full_path())
        if not isinstance(last_seen, int | float) or now - last_seen >= STAMP_EVERY:
            request.session[LAST_SEEN] = now
        response = self.get_response(request)
        patch_cache_control(response, private=True, no_store=True)
        return response
