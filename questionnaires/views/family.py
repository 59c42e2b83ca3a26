"""The public family self-check at /family/: no clinician, no account, a resume code.

Once started, the check is answered through the respondent flow
(``views.respondent``) like any invitation.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from questionnaires import selectors
from questionnaires.forms.screening import (
    FamilyStartForm,
    ResumeCodeForm,
)
from questionnaires.models import ScreeningPart
from questionnaires.services import invitations as invitation_services
from questionnaires.views.respondent import respondent_language

SESSION_RESUME_CODES = 3


@require_http_methods(["GET", "POST"])
def family_start(request: HttpRequest) -> HttpResponse:
    """The public family self-check: what it is, what is kept, and a start button."""
    form = FamilyStartForm(request.POST or None)
    protocol = selectors.default_protocol(ScreeningPart.Role.INFORMANT)
    if request.method == "POST" and protocol is not None and form.is_valid():
        started = invitation_services.family_check_start(
            age=form.cleaned_data["age"],
            language=respondent_language(),
            protocol=protocol,
        )
        # The latest few checks of this browser only: a session stays small.
        codes = dict(request.session.get("resume_codes", {}))
        codes[str(started.part.pk)] = started.resume_code
        request.session["resume_codes"] = dict(
            list(codes.items())[-SESSION_RESUME_CODES:]
        )
        return redirect("questionnaires:respond-start", token=started.token)
    return render(
        request,
        "questionnaires/respond/family_start.html",
        {
            "form": form,
            "available": protocol is not None,
            "size": None if protocol is None else selectors.protocol_size_for(protocol),
            "retention_days": invitation_services.retention_days(),
            "resume_form": ResumeCodeForm(),
        },
    )


@require_http_methods(["GET", "POST"])
def family_resume(request: HttpRequest) -> HttpResponse:
    """Continue an anonymous check from its resume code.

    Guesses are limited per client address by ``resume_ratelimit`` in urls.py.
    """
    form = ResumeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = invitation_services.family_check_resume(code=form.cleaned_data["code"])
        if token is not None:
            return redirect("questionnaires:respond-start", token=token)
        form.add_error(
            "code",
            gettext(
                "No check was found with this code. It may be mistyped, or the "
                "check may have been deleted after its storage period."
            ),
        )
    return render(
        request,
        "questionnaires/respond/family_resume.html",
        {"form": form},
    )
