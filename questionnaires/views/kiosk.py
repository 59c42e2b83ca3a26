"""The clinic tablet's hand-back: the device returns to the clinician who gave it.

Only that clinician's password opens it again. Wrong guesses here never count toward
the sign-in lock-out; after a few the hand-over ends and a full sign-in is needed.
"""

from __future__ import annotations

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from questionnaires.forms.screening import (
    KioskReturnForm,
)
from questionnaires.services import invitations as invitation_services

# The hand-back checks the password itself (never through axes' backend).
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@require_http_methods(["GET", "POST"])
def kiosk_return(request: HttpRequest) -> HttpResponse:
    """Give the device back to the clinician: only their password opens it again.

    Wrong guesses here never count toward the sign-in lock-out; after a few the
    hand-over ends and only a full sign-in opens the clinic pages. The page names
    nobody: the username would help whoever holds the device guess.
    """
    kiosk = request.session.get("kiosk")
    if kiosk is None:
        return redirect("login")
    form = KioskReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        clinician = invitation_services.kiosk_clinician_check(
            user_pk=kiosk["user"], password=form.cleaned_data["password"]
        )
        if clinician is not None:
            screening_pk = kiosk["screening"]
            invitation_services.kiosk_invitations_revoke(
                screening_pk=screening_pk, by=clinician
            )
            login(request, clinician, backend=MODEL_BACKEND)
            return redirect("questionnaires:screening-detail", pk=screening_pk)
        wrong = kiosk.get("wrong", 0) + 1
        if wrong >= invitation_services.KIOSK_RETURN_ATTEMPTS:
            invitation_services.kiosk_hand_back_end(screening_pk=kiosk["screening"])
            request.session.flush()
            return redirect(f"{reverse('login')}?hand_over_ended=1")
        request.session["kiosk"] = {**kiosk, "wrong": wrong}
        form.add_error(
            "password",
            ngettext(
                "That password is not right. %(left)d try left before a full "
                "sign-in is needed.",
                "That password is not right. %(left)d tries left before a full "
                "sign-in is needed.",
                invitation_services.KIOSK_RETURN_ATTEMPTS - wrong,
            )
            % {"left": invitation_services.KIOSK_RETURN_ATTEMPTS - wrong},
        )
    return render(request, "questionnaires/respond/kiosk_return.html", {"form": form})
