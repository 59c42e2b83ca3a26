"""Sign-in hardening: the lock-out backend and the second-factor gate.

A user with a confirmed TOTP device must enter a code after the password before any
other page; a staff user without one must enrol first while ``REQUIRE_STAFF_2FA`` is
on. Both rules live here so the middleware and the admin site agree.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import user_has_device


class State(enum.Enum):
    SATISFIED = "satisfied"
    VERIFY = "verify"  # has a device, has not entered a code this session
    ENROL = "enrol"  # staff without a device while REQUIRE_STAFF_2FA is on


PAGES = {State.VERIFY: "two-factor-verify", State.ENROL: "two-factor-enrol"}

# Pages a signed-in user reaches before the second factor: the factor pages
# themselves, signing out, the language switch and the health check.
OPEN_URL_NAMES = frozenset(
    {*PAGES.values(), "two-factor-qr", "logout", "set_language", "healthz"}
)


def state(user: User | AnonymousUser) -> State:
    """Whether ``user`` may go on, or must verify a code or enrol first."""
    # OTPMiddleware installs is_verified() on request.user.
    if not user.is_authenticated or user.is_verified():  # type: ignore[attr-defined]
        return State.SATISFIED
    if user_has_device(user, confirmed=True):
        return State.VERIFY
    if user.is_staff and settings.REQUIRE_STAFF_2FA:
        return State.ENROL
    return State.SATISFIED


class TwoFactorMiddleware:
    """Send a signed-in user who still owes a second factor to the page for it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match and not match.namespace and match.url_name in OPEN_URL_NAMES:
            return None
        pending = state(request.user)
        if pending is State.SATISFIED:
            return None
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse(PAGES[pending])}?{query}")


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lock-out check, skipped when there is no request to lock out.

    Every sign-in page passes the request; only Django's test client and scripts
    call ``authenticate()`` without one, which the stock backend refuses outright.
    """

    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, *args: Any, **kwargs: Any
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)
