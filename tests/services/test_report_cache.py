"""Reports rendered at submission: the first download comes from the cache."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from questionnaires.models import Patient
from questionnaires.reports import pdf
from questionnaires.services import report_cache
from questionnaires.services import screenings as services
from tests.exports.conftest import answer_every_item
from tests.factories import self_and_family_screening

pytestmark = pytest.mark.django_db


@pytest.fixture
def immediate_tasks(settings: Any) -> None:
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The audiences rendered (not served from the cache), in order."""
    made: list[str] = []
    real = pdf.render_report

    def counting(data: Any, *, audience: str, **kwargs: Any) -> bytes:
        made.append(audience)
        return real(data, audience=audience, **kwargs)

    monkeypatch.setattr(pdf, "render_report", counting)
    return made


def test_submitting_renders_both_reports_so_the_first_download_is_cached(
    client: Client,
    clinician: User,
    patient: Patient,
    protocols: dict[str, Any],
    immediate_tasks: None,
    renders: list[str],
    django_capture_on_commit_callbacks: Any,
) -> None:
    screening = self_and_family_screening(
        patient=patient, by=clinician, protocols=protocols
    )
    part = screening.parts.get(role="self")
    answer_every_item(part)
    with django_capture_on_commit_callbacks(execute=True):
        services.part_submit(part=part)
    assert renders == ["clinician", "self"]
    client.force_login(clinician)
    response = client.get(
        reverse("questionnaires:screening-report", args=[screening.pk, "clinician"])
    )
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert renders == ["clinician", "self"]  # served from the cache


def test_a_download_before_the_task_ran_still_renders_on_demand(
    client: Client,
    clinician: User,
    patient: Patient,
    protocols: dict[str, Any],
    renders: list[str],
) -> None:
    screening = self_and_family_screening(
        patient=patient, by=clinician, protocols=protocols
    )
    part = screening.parts.get(role="self")
    answer_every_item(part)
    services.part_submit(part=part)  # no commit here: the task never runs
    client.force_login(clinician)
    response = client.get(
        reverse("questionnaires:screening-report", args=[screening.pk, "clinician"])
    )
    assert response.content.startswith(b"%PDF")
    assert renders == ["clinician"]


def test_nothing_is_rendered_for_an_unsubmitted_part(
    clinician: User, patient: Patient, protocols: dict[str, Any], renders: list[str]
) -> None:
    screening = self_and_family_screening(
        patient=patient, by=clinician, protocols=protocols
    )
    part = screening.parts.get(role="self")
    assert (
        report_cache.reports_prerender(screening_id=screening.pk, part_id=part.pk) == []
    )
    assert renders == []
