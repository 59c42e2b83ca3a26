"""Per-address rate limits on the shared cache (django-ratelimit): the one limiter.

The counters live in Django's default cache: Redis when ``REDIS_URL`` is set, so every
app server counts together; local memory otherwise (each process counts alone). Every
limit keys on ``client_ip`` (``CLIENT_IP_HEADER`` behind a proxy). When Redis does not
answer, the cache reports a miss (hikiscreen.cache) and the limits fail open: degraded,
logged as a warning, never a 500 (``RATELIMIT_FAIL_OPEN``).

Views that MUST use ``token_ratelimit``: every view reached with a respondent token
or code in the URL or form (``r/<token>/...``: start, pages, review, submit, saved,
done, summary PDF; the family resume-code form; the kiosk return page). The login
page uses ``login_ratelimit`` (POSTs only) on top of django-axes' per-username
lock-out; the two-factor code page uses it too. The family resume-code form counts
its submissions once, in ``resume_ratelimit``; the family start counts the checks an
address starts (``family_start_ratelimit``); the password-reset form counts requests
per address (``password_reset_ratelimit``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django_ratelimit import ALL, UNSAFE
from django_ratelimit.core import is_ratelimited

View = Callable[..., HttpResponseBase]


def client_ip(request: HttpRequest) -> str:
    """The client's address: the proxy's header when one is configured, else the peer.

    The header is trusted only because ``CLIENT_IP_HEADER`` says a proxy in front
    sets it. Its last entry is the one that proxy wrote (X-Forwarded-For lists are
    appended to, and a client can forge the earlier entries).
    """
    header = settings.CLIENT_IP_HEADER
    value = request.META.get(header, "") if header else ""
    address = value.split(",")[-1].strip() if value else ""
    return address or request.META.get("REMOTE_ADDR", "") or "0.0.0.0"  # noqa: S104


def too_many_requests(request: HttpRequest) -> HttpResponse:
    """The 429 page: what happened and what to do, nothing about the resource."""
    response = render(request, "questionnaires/too_many_requests.html", status=429)
    response["Retry-After"] = "60"
    return response


def limited(request: HttpRequest, *, group: str, rate: str, methods: Any = ALL) -> bool:
    """Count this request in ``group``; True once its address exceeds ``rate``."""
    return is_ratelimited(
        request, group=group, key="ip", rate=rate, method=methods, increment=True
    )


def account_limited(
    request: HttpRequest, *, group: str, account: str, rate: str
) -> bool:
    """Count one attempt on ``account`` (not the address); True once over ``rate``.

    For limits that follow an account wherever its attempts come from, such as
    password-reset e-mails to one account.
    """
    return is_ratelimited(
        request,
        group=group,
        key=lambda _group, _request: account,
        rate=rate,
        method=ALL,
        increment=True,
    )


def _ratelimit(group: str, setting: str, methods: Any) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapped(
            request: HttpRequest, *args: Any, **kwargs: Any
        ) -> HttpResponseBase:
            rate = getattr(settings, setting)
            if limited(request, group=group, rate=rate, methods=methods):
                return too_many_requests(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


#: For views reached with a respondent token: every request counts, per address.
token_ratelimit = _ratelimit("token", "TOKEN_RATE_LIMIT", ALL)
#: For sign-in forms: only submissions (POST) count, per address.
login_ratelimit = _ratelimit("login", "LOGIN_RATE_LIMIT", UNSAFE)
#: Resume-code guesses (POST), per address: a code is short enough to guess at speed.
resume_ratelimit = _ratelimit("family-resume", "RESUME_RATE_LIMIT", UNSAFE)
#: Anonymous family checks started (POST), per address: each one stores rows.
family_start_ratelimit = _ratelimit("family-start", "FAMILY_START_RATE_LIMIT", UNSAFE)
#: Password-reset requests (POST), per address; per account in the service.
password_reset_ratelimit = _ratelimit(
    "password-reset", "PASSWORD_RESET_RATE_LIMIT", UNSAFE
)
