"""Reports rendered ahead: at submission, so the first download is served from cache.

``part_submit`` enqueues ``tasks.prerender_reports`` on commit; the task calls
:func:`reports_prerender`, which renders the clinician report of the screening and
the family (or self) summary of the submitted part through the reports' own cached
renderer, with the same data a download builds. A download whose report is not in
the cache yet (task not run, cache cleared) still renders it on demand.
"""

from __future__ import annotations

from questionnaires.models import Screening, ScreeningPart
from questionnaires.reports.data import report_data, screening_report_data
from questionnaires.reports.pdf import cache_owner, render_report_cached

#: The language of the clinician report a clinic downloads by default.
CLINICIAN_LANGUAGE = "en"


def reports_prerender(*, screening_id: int, part_id: int) -> list[str]:
    """Render and cache the reports a submission makes available; say which.

    Nothing for an anonymous family self-check's clinician report (there is no
    clinic) or for a part without a result.
    """
    screening = (
        Screening.objects.select_related("organisation", "patient")
        .prefetch_related("parts__protocol")
        .filter(pk=screening_id)
        .first()
    )
    if screening is None:  # erased meanwhile
        return []
    owner = cache_owner(screening.pk)
    rendered = []
    if screening.result and screening.organisation is not None:
        render_report_cached(
            screening_report_data(screening, lang=CLINICIAN_LANGUAGE),
            audience="clinician",
            lang=CLINICIAN_LANGUAGE,
            owner=owner,
        )
        rendered.append(f"clinician:{CLINICIAN_LANGUAGE}")
    part = next((p for p in screening.parts.all() if p.pk == part_id), None)
    if (
        part is not None
        and part.result
        and part.role != ScreeningPart.Role.CLINICIAN
        and part.submitted_at is not None
    ):
        render_report_cached(
            report_data(
                screening, parts=[part], snapshot=part.result, lang=part.language
            ),
            audience="family",
            lang=part.language,
            owner=owner,
        )
        rendered.append(f"family:{part.language}")
    return rendered
