"""Taking in answers collected by another FHIR form tool (docs/fhir-conformance.md).

One shape (STYLE.md §5): gatekeeper selector → bind form → service → redirect.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from questionnaires import selectors
from questionnaires.exports.streams import fhir_base
from questionnaires.forms.exports import ResponseImportForm
from questionnaires.services.fhir_import import ResponseImportError, responses_import


@require_http_methods(["GET", "POST"])
@login_required
def import_responses(request: HttpRequest, pk: int, role: str) -> HttpResponse:
    """Upload a FHIR QuestionnaireResponse (or a Bundle) as the answers of a part."""
    part = selectors.part_get_for(request.user, screening_pk=pk, role=role)
    assert isinstance(request.user, User)  # noqa: S101 - behind login_required
    form = ResponseImportForm(request.POST or None, request.FILES or None)
    problems: tuple[str, ...] = ()
    if part.is_submitted:
        messages.error(request, _("This part has been submitted."))
        return redirect("questionnaires:screening-detail", pk=pk)
    if request.method == "POST" and form.is_valid():
        try:
            responses_import(
                part=part,
                resource=form.cleaned_data["resource"],
                by=request.user,
                source=f"upload:{form.cleaned_data['file'].name}",
                base=fhir_base(),
            )
        except ResponseImportError as exc:
            problems = exc.problems
        else:
            messages.success(request, _("Answers imported and the part submitted."))
            return redirect("questionnaires:screening-result", pk=pk)
    return render(
        request,
        "questionnaires/clinician/import_responses.html",
        {
            "screening": part.screening,
            "patient": part.screening.patient,
            "part": part,
            "form": form,
            "problems": problems,
        },
        status=400 if problems else 200,
    )
