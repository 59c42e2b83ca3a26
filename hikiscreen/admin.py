"""The admin site: staff only, and only after the second factor when one is due."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from questionnaires.security import two_factor


class HikiScreenAdminSite(admin.AdminSite):
    """Like django-otp's OTPAdminSite, but sends staff to enrol or verify first.

    OTPAdminSite refuses unverified staff with its own login form; here a staff user
    who must enrol (REQUIRE_STAFF_2FA) or who has a device is redirected to the same
    enrolment and code pages every other signed-in page uses.
    """

    site_header = "HikiScreen administration"
    site_title = "HikiScreen admin"

    def has_permission(self, request: HttpRequest) -> bool:
        return (
            super().has_permission(request)
            and two_factor.state(request.user) is two_factor.State.SATISFIED
        )

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        pending = two_factor.state(request.user)
        if request.user.is_authenticated and pending is not two_factor.State.SATISFIED:
            target = request.GET.get("next") or reverse("admin:index")
            page = two_factor.PAGES[pending]
            return redirect(f"{reverse(page)}?{urlencode({'next': target})}")
        return super().login(request, extra_context)
