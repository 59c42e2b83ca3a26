"""Reports rendered ahead: at submission, so the first download is served from cache.

``part_submit`` enqueues ``tasks.prerender_reports`` on commit; the task calls
:func:`reports_prerender`, which renders the clinician report of the screening (in the
language of the clinician who started it, as their download defaults to) and the
submitted part's own summary (its reader's, in the part's language) through the
reports' own cached renderer, with the same data a download builds. A download whose
report is not in the cache yet (task not run, cache cleared, another language or
disclosure chosen) still renders it on demand.
"""

from __future__ import annotations

from questionnaires import selectors
from questionnaires.models import Screening, ScreeningPart
from questionnaires.reports.data import (
    part_report_data,
    reader_of,
    screening_report_data,
)
from questionnaires.reports.pdf import cache_owner, render_report_cached


def reports_prerender(*, screening_id: int, part_id: int) -> list[str]:
    """Render and cache the reports a submission makes available; say which.

    Nothing for an anonymous family self-check's clinician report (there is no
    clinic) or for a part without a result.
    """
    screening = (
        Screening.objects.select_related("organisation", "patient", "created_by")
        .prefetch_related("parts__protocol")
        .filter(pk=screening_id)
        .first()
    )
    if screening is None:  # erased meanwhile
        return []
    owner = cache_owner(screening.pk)
    rendered = []
    if screening.result and screening.organisation is not None:
        creator = screening.created_by
        lang = (selectors.staff_language(creator) if creator else "") or "en"
        render_report_cached(
            screening_report_data(screening, lang=lang),
            audience="clinician",
            lang=lang,
            owner=owner,
        )
        rendered.append(f"clinician:{lang}")
    part = next((p for p in screening.parts.all() if p.pk == part_id), None)
    if (
        part is not None
        and part.result
        and part.role != ScreeningPart.Role.CLINICIAN
        and part.submitted_at is not None
    ):
        audience = reader_of(part)
        render_report_cached(
            part_report_data(part, lang=part.language),
            audience=audience,
            lang=part.language,
            owner=owner,
        )
        rendered.append(f"{audience}:{part.language}")
    return rendered
