"""PDF downloads: the clinician and family reports of a screening.

The PDFs themselves come from ``questionnaires.reports`` (rendered once per content
and cached; gathered by ``questionnaires.reports.data``); this module serves them and
records every download in the audit trail, with what the clinician chose to share.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from questionnaires import selectors
from questionnaires.models import Screening
from questionnaires.reports.context import AUDIENCES, SHARE_CHOICES, ReportData
from questionnaires.reports.data import screening_report_data
from questionnaires.reports.pdf import cache_owner, render_report_cached
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
    shared: Sequence[str] = (),
) -> HttpResponse:
    """The PDF as a download, recorded in the audit trail with what was shared."""
    pdf = render_report_cached(
        data,
        audience=audience,
        lang=lang,
        shared=shared,
        owner=cache_owner(screening.pk),
    )
    services.report_download_record(
        screening=screening, audience=audience, by=by, lang=lang, shared=shared
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


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
    # Disclosure is the clinician's choice for this download, default nothing
    # (a visible choice on the result page); only the family summary can share.
    shared = (
        sorted(set(request.GET.getlist("share")) & set(SHARE_CHOICES))
        if audience == "family"
        else []
    )
    return pdf_response(
        data=screening_report_data(screening, lang=lang),
        audience=audience,
        lang=lang,
        screening=screening,
        by=request.user,
        filename=f"hikiscreen-{audience}-{code}-{screening.pk}",
        shared=shared,
    )
