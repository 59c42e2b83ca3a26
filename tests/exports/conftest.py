"""A submitted screening (self-report and family parts) for the export tests."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from bench import benchmarks
from questionnaires import selectors
from questionnaires.models import Patient, Screening
from questionnaires.services import screenings as services
from tests.factories import self_and_family_screening


def answer_every_item(part: Any) -> dict[str, dict[str, Any]]:
    """Answer every item of a part's instruments; return what was saved."""
    state = selectors.part_state(part)
    answers = benchmarks.full_screening(state.definitions_by_code)
    services.answers_save(part=part, answers=answers)
    return answers


@pytest.fixture
def submitted(
    clinician: User, patient: Patient, protocols: dict[str, Any]
) -> Screening:
    """Self-report (brief) and family parts, every item answered, both submitted."""
    screening = self_and_family_screening(
        patient=patient, by=clinician, protocols=protocols
    )
    for part in screening.parts.all():
        answer_every_item(part)
        services.part_submit(part=part)
    screening.refresh_from_db()
    return screening
