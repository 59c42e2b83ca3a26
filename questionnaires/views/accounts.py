"""Sign-in extras: the second factor (enrol, verify, remove) and the lock-out page.

Signing in, out and password changes stay Django's own views (hikiscreen/urls.py);
the login view is wrapped there with the per-address rate limit.
"""

from __future__ import annotations

import io
from base64 import b32encode
from typing import Any

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_otp.qr import write_qrcode_image

from questionnaires import selectors
from questionnaires.forms.accounts import (
    EmailCodeForm,
    SignInCodeForm,
    StaffLanguageForm,
    TokenForm,
)
from questionnaires.middleware import SESSION_KEY as LANGUAGE_SESSION_KEY
from questionnaires.security import two_factor
from questionnaires.security.ratelimits import login_ratelimit
from questionnaires.services import profiles
from questionnaires.services import two_factor as services


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _signed_in(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101  (login_required ran)
    return user


@never_cache
@login_required
@login_ratelimit
@require_http_methods(["GET", "POST"])
def verify_two_factor(request: HttpRequest) -> HttpResponse:
    """Ask for the authenticator code after the password."""
    user = _signed_in(request)
    if two_factor.state(user) is not two_factor.State.VERIFY:
        return redirect(_next_url(request))
    form = SignInCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = django_otp.match_token(user, form.cleaned_data["otp_token"])
        if device is not None:
            django_otp.login(request, device)
            return redirect(_next_url(request))
        form.add_error(
            "otp_token",
            _("That code did not work. Codes change every 30 seconds: try again."),
        )
    return render(
        request,
        "registration/two_factor_verify.html",
        {"form": form, "next_url": _next_url(request)},
    )


@never_cache
@login_required
@login_ratelimit
@require_http_methods(["GET", "POST"])
def enrol_two_factor(request: HttpRequest) -> HttpResponse:
    """Show the QR code and secret of a new authenticator, and confirm it by a code."""
    user = _signed_in(request)
    if two_factor.state(user) is two_factor.State.VERIFY:
        return redirect(two_factor.PAGES[two_factor.State.VERIFY])
    confirmed = selectors.totp_device_confirmed(user)
    if confirmed:
        return render(
            request,
            "registration/two_factor_status.html",
            {
                "can_remove": not (user.is_staff and settings.REQUIRE_STAFF_2FA),
                "form": TokenForm(),
            },
        )
    if two_factor.state(user) is two_factor.State.ENROL and not request.session.get(
        ENROL_PROVEN
    ):
        return _prove_by_email(request, user)
    device = services.totp_device_start(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_device_confirm(
            device=device, token=form.cleaned_data["otp_token"]
        ):
            django_otp.login(request, device)
            messages.success(
                request,
                _("Two-factor sign-in is on. From now on you will be asked a code."),
            )
            # Shown once, on this page, never stored in clear (not in a redirect).
            response = render(
                request,
                "registration/two_factor_backup_codes.html",
                {
                    "codes": services.backup_codes_create(user=user),
                    "next_url": _next_url(request),
                },
            )
            response["Cache-Control"] = "no-store"
            return response
        form.add_error(
            "otp_token",
            _("That code did not work. Check the app shows HikiScreen and retry."),
        )
    return render(
        request,
        "registration/two_factor_enrol.html",
        {
            "form": form,
            "secret": b32encode(device.bin_key).decode(),
            "required": two_factor.state(user) is two_factor.State.ENROL,
            "next_url": _next_url(request),
        },
    )


#: Session flag: this staff user entered the code e-mailed for enrolment.
ENROL_PROVEN = "hikiscreen_enrol_proven"


def _prove_by_email(request: HttpRequest, user: User) -> HttpResponse:
    """Before staff enrol: a code sent to their e-mail, so a password is not enough.

    Whoever learnt a staff password could otherwise enrol their own authenticator
    and own the account. The code goes to the address on the account (set by an
    administrator); without one, enrolment waits for an administrator.
    """
    if not user.email:
        return render(
            request,
            "registration/two_factor_email.html",
            {"no_email": True},
            status=403,
        )
    verifying = request.method == "POST" and "otp_token" in request.POST
    form = EmailCodeForm(request.POST if verifying else None)
    if request.method == "POST" and not verifying:
        messages.info(request, services.enrol_code_send(user=user))
        return redirect(f"{request.path}?{urlencode({'next': _next_url(request)})}")
    if verifying and form.is_valid():
        if services.enrol_code_check(user=user, token=form.cleaned_data["otp_token"]):
            request.session[ENROL_PROVEN] = True
            return redirect(f"{request.path}?{urlencode({'next': _next_url(request)})}")
        form.add_error(
            "otp_token", _("That code did not work. Ask for a new one and retry.")
        )
    return render(
        request,
        "registration/two_factor_email.html",
        {"form": form, "email": _masked(user.email), "next_url": _next_url(request)},
    )


def _masked(email: str) -> str:
    """``a•••@example.org``: enough to recognise one's address, not to learn it."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"


@never_cache
@login_required
@require_GET
def two_factor_qr(request: HttpRequest) -> HttpResponse:
    """The pending authenticator's set-up URI as an SVG QR code."""
    device = selectors.totp_device_pending(_signed_in(request))
    if device is None:
        raise Http404
    out = io.BytesIO()
    write_qrcode_image(device.config_url, out)
    return HttpResponse(out.getvalue(), content_type="image/svg+xml")


@never_cache
@login_required
@require_http_methods(["POST"])
def remove_two_factor(request: HttpRequest) -> HttpResponse:
    """Turn two-factor sign-in off, after a current code; never for required staff."""
    user = _signed_in(request)
    if user.is_staff and settings.REQUIRE_STAFF_2FA:
        messages.error(request, _("Staff accounts must keep two-factor sign-in."))
        return redirect("two-factor-enrol")
    form = TokenForm(request.POST)
    if form.is_valid() and django_otp.match_token(user, form.cleaned_data["otp_token"]):
        services.totp_device_remove(user=user, by=user)
        messages.success(request, _("Two-factor sign-in is off."))
    else:
        messages.error(request, _("That code did not work; nothing was changed."))
    return redirect("two-factor-enrol")


def locked_out(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' lock-out response: when to try again, and nothing about the user.

    The same page whatever the username, known or not.
    """
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request, "registration/lockout.html", {"minutes": minutes}, status=429
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def account_language(request: HttpRequest) -> HttpResponse:
    """The language of the user's own pages and PDFs (else the browser's)."""
    user = _signed_in(request)
    form = StaffLanguageForm(
        request.POST or None, initial={"language": selectors.staff_language(user)}
    )
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["language"]
        profiles.staff_language_set(user=user, language=language)
        request.session[LANGUAGE_SESSION_KEY] = language
        response = redirect("account-language")
        # The stored choice replaces any language picked earlier in this browser.
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
        if language:
            translation.activate(language)
        messages.success(request, _("Your language is saved."))
        return response
    return render(request, "registration/language.html", {"form": form})
