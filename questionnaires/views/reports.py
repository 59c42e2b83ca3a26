"""PDF downloads: the clinician and family reports of a screening.

The PDFs themselves come from ``questionnaires.reports`` (rendered once per content
and cached); this module gathers what a report is built from and records every
download in the audit trail.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from questionnaires import selectors
from questionnaires.models import Screening, ScreeningPart
from questionnaires.reports.context import (
    AUDIENCES,
    ReportData,
    Respondent,
    instruments_meta,
)
from questionnaires.reports.pdf import cache_owner, render_report_cached
from questionnaires.scoring.definitions import InstrumentDefinition
from questionnaires.services import screenings as services

LANGUAGES = ("en", "ja", "it")


def pdf_response(
    *,
    data: ReportData,
    audience: str,
    lang: str,
    screening: Screening,
    by: User | None,
    filename: str,
) -> HttpResponse:
    """The PDF as a download, recorded in the audit trail."""
    pdf = render_report_cached(
        data, audience=audience, lang=lang, owner=cache_owner(screening.pk)
    )
    services.report_download_record(
        screening=screening, audience=audience, by=by, lang=lang
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def report_data(
    screening: Screening,
    *,
    parts: Iterable[ScreeningPart],
    snapshot: Mapping[str, Any],
    lang: str,
) -> ReportData:
    """What a report is rendered from: a snapshot and the submitted ``parts``."""
    definitions: dict[str, InstrumentDefinition] = {}
    respondents: list[Respondent] = []
    for part in parts:
        if part.submitted_at is None:
            continue
        state = selectors.part_state(part)
        definitions.update(state.definitions_by_code)
        respondents.append(
            {
                "role": part.role,
                "instruments": list(state.definitions_by_code),
                "answered_on": part.submitted_at.date().isoformat(),
            }
        )
    organisation = screening.organisation
    return ReportData(
        snapshot=snapshot,
        instruments=instruments_meta(
            definitions, snapshot.get("instruments", {}).keys(), age=screening.age
        ),
        meta={
            "organisation": organisation.name if organisation else "HikiScreen",
            "patient_code": screening.patient.code if screening.patient else "—",
            "report_date": (screening.scored_at or screening.created_at)
            .date()
            .isoformat(),
            "respondents": respondents,
            "crisis_contacts": {
                lang: list(selectors.crisis_contacts_for(organisation, lang))
            },
        },
    )


def screening_report_data(screening: Screening, *, lang: str) -> ReportData:
    """The whole screening's report data: every submitted part."""
    return report_data(
        screening,
        parts=screening.parts.all(),
        snapshot=screening.result or {},
        lang=lang,
    )


@require_GET
@login_required
def download_report(request: HttpRequest, pk: int, audience: str) -> HttpResponse:
    screening = selectors.screening_get_for(request.user, pk=pk)
    # Without ?lang=, the clinician's own language (their profile, else the browser).
    lang = request.GET.get("lang") or (translation.get_language() or "en")[:2]
    if audience not in AUDIENCES or lang not in LANGUAGES or not screening.result:
        raise Http404
    assert isinstance(request.user, User)  # noqa: S101 - login_required
    code = slugify(screening.patient.code) if screening.patient else "screening"
    return pdf_response(
        data=screening_report_data(screening, lang=lang),
        audience=audience,
        lang=lang,
        screening=screening,
        by=request.user,
        filename=f"hikiscreen-{audience}-{code}-{screening.pk}",
    )
