"""Downloads for clinicians: a screening as CSV or FHIR, a clinic's screenings as CSV.

The same gatekeepers as the pages (``screening_get_for``, ``organisation_get_for``),
so another clinic gets the same 404 as for something that does not exist. Every data
export is recorded in the audit trail with counts and filters, never with data; a
data dictionary holds no patient data and is not recorded.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from questionnaires import selectors
from questionnaires.exports import csv as csv_rows
from questionnaires.exports import streams
from questionnaires.forms.exports import OrganisationExportForm
from questionnaires.models import Organisation, Screening
from questionnaires.services import export_files
from questionnaires.services.exports import export_record

CSV_TYPE = "text/csv; charset=utf-8"


def _download(
    content: Iterable[str], *, filename: str, content_type: str = CSV_TYPE
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101 - behind login_required
    return request.user


def _research(request: HttpRequest) -> bool:
    return request.GET.get("research") == "1"


# --- One screening ----------------------------------------------------------------


@require_GET
@login_required
def export_screening_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    screening = selectors.screening_get_for(request.user, pk=pk)
    research = _research(request)
    screenings = streams.single_screening(screening)
    export = streams.CsvExport.over(
        streams.versions_used(screenings), research=research
    )
    export_record(
        action="screening.export_csv",
        by=request.user,
        target=screening,
        organisation=screening.organisation,
        details={
            "rows": 1,
            "columns": len(export.columns),
            "research": research,
        },
    )
    rows = streams.screening_rows(screenings, export, research=research)
    return _download(
        streams.csv_lines(rows, trailer=True), filename=f"screening-{screening.pk}.csv"
    )


@require_GET
@login_required
def export_screening_dictionary(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    screening = selectors.screening_get_for(request.user, pk=pk)
    screenings = streams.single_screening(screening)
    export = streams.CsvExport.over(
        streams.versions_used(screenings), research=_research(request)
    )
    return _download(
        streams.csv_lines(csv_rows.dictionary_rows(export.columns)),
        filename=f"screening-{screening.pk}-dictionary.csv",
    )


@require_GET
@login_required
def export_screening_fhir(request: HttpRequest, pk: int) -> HttpResponse:
    screening = selectors.screening_get_for(request.user, pk=pk)
    bundle = streams.screening_bundle(screening)
    resources = [e["resource"]["resourceType"] for e in bundle["entry"]]
    export_record(
        action="screening.export_fhir",
        by=request.user,
        target=screening,
        organisation=screening.organisation,
        details={
            "questionnaire_responses": resources.count("QuestionnaireResponse"),
            "observations": resources.count("Observation"),
        },
    )
    response = JsonResponse(
        bundle,
        content_type="application/fhir+json; charset=utf-8",
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Content-Disposition"] = (
        f'attachment; filename="screening-{screening.pk}.fhir.json"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- A clinic's screenings ----------------------------------------------------------


@require_GET
@login_required
def organisation_export(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_get_for(request.user, slug=slug)
    form = OrganisationExportForm()
    return _export_page(request, organisation, form)


def _export_page(
    request: HttpRequest,
    organisation: Organisation,
    form: OrganisationExportForm,
    *,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "questionnaires/exports/organisation_export.html",
        {
            "organisation": organisation,
            "form": form,
            "export_files": selectors.export_file_list_for(
                request.user, organisation=organisation
            ),
            # The closed-loop figures are for org admins (issue 17).
            "safety_csv": selectors.user_administers(request.user, organisation),
        },
        status=status,
    )


def _filtered(
    request: HttpRequest, slug: str
) -> tuple[Organisation, OrganisationExportForm, QuerySet[Screening] | None]:
    """The clinic, its bound filter form, and the filtered screenings if valid."""
    organisation = selectors.organisation_get_for(request.user, slug=slug)
    form = OrganisationExportForm(request.GET)
    if not form.is_valid():
        return organisation, form, None
    return (
        organisation,
        form,
        streams.organisation_screenings(organisation, form.filters()),
    )


@require_GET
@login_required
def export_organisation_csv(
    request: HttpRequest, slug: str
) -> HttpResponse | StreamingHttpResponse:
    organisation, form, screenings = _filtered(request, slug)
    if screenings is None:
        return _export_page(request, organisation, form, status=400)
    research = form.cleaned_data["research"]
    export = streams.CsvExport.over(
        streams.versions_used(screenings), research=research
    )
    limit = settings.EXPORT_STREAM_MAX_ROWS
    count = streams.count_up_to(screenings, limit)
    if count > limit:
        export_files.organisation_export_request(
            organisation=organisation,
            by=_user(request),
            filters=form.filters(),
            research=research,
            columns=len(export.columns),
            download_url=request.build_absolute_uri(
                reverse("questionnaires:organisation-export", args=[slug])
            ),
        )
        messages.success(
            request,
            _(
                "This export has more than %(limit)s rows, so it is being written in "
                "the background. It appears below when it is complete, and you get "
                "an e-mail with its link."
            )
            % {"limit": f"{limit:,}"},
        )
        return redirect("questionnaires:organisation-export", slug=slug)
    export_record(
        action="organisation.export_csv",
        by=request.user,
        target=organisation,
        organisation=organisation,
        details={
            "rows": count,
            "columns": len(export.columns),
            "research": research,
            **form.filters().as_details(),
        },
    )
    kind = "research" if research else "screenings"
    name = f"{organisation.slug}-{kind}-{timezone.localdate():%Y-%m-%d}.csv"
    rows = streams.screening_rows(screenings, export, research=research)
    return _download(streams.csv_lines(rows, trailer=True), filename=name)


@require_GET
@login_required
def download_export_file(request: HttpRequest, pk: int) -> FileResponse:
    """A background export's file: only when complete and unexpired, to its owner.

    Sent with its length and SHA-256 (``Repr-Digest``), and it ends with the row
    trailer, so a cut download can be told from the whole file.
    """
    export_file = selectors.export_file_get_for(request.user, pk=pk)
    export_files.export_file_downloaded(export=export_file, by=_user(request))
    response = FileResponse(
        export_files.export_path(export_file).open("rb"),
        as_attachment=True,
        filename=export_file.filename,
        content_type=CSV_TYPE,
    )
    digest = base64.b64encode(bytes.fromhex(export_file.sha256)).decode()
    response["Repr-Digest"] = f"sha-256=:{digest}:"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def export_organisation_dictionary(
    request: HttpRequest, slug: str
) -> HttpResponse | StreamingHttpResponse:
    organisation, form, screenings = _filtered(request, slug)
    if screenings is None:
        return _export_page(request, organisation, form, status=400)
    export = streams.CsvExport.over(
        streams.versions_used(screenings), research=form.cleaned_data["research"]
    )
    name = f"{organisation.slug}-dictionary-{timezone.localdate():%Y-%m-%d}.csv"
    return _download(
        streams.csv_lines(csv_rows.dictionary_rows(export.columns)), filename=name
    )
