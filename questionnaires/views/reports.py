"""PDF downloads: the clinician and family reports of a screening.

The PDFs themselves come from ``questionnaires.reports`` (rendered once per content
and cached, and rendered ahead at submission by ``services.report_cache``); what a
report is built from is ``questionnaires.reports.data``. Every download is recorded in
the audit trail.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from questionnaires import selectors
from questionnaires.models import Screening
from questionnaires.reports.context import AUDIENCES, ReportData
from questionnaires.reports.data import report_data, screening_report_data
from questionnaires.reports.pdf import cache_owner, render_report_cached
from questionnaires.services import screenings as services

LANGUAGES = ("en", "ja", "it")

__all__ = ["download_report", "pdf_response", "report_data", "screening_report_data"]


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


@require_GET
@login_required
def download_report(request: HttpRequest, pk: int, audience: str) -> HttpResponse:
    screening = selectors.screening_get_for(request.user, pk=pk)
    lang = request.GET.get("lang", "en")
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
