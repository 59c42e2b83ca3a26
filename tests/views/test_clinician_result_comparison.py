"""The result page's self-report and family-report table says what each row shows."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from questionnaires.models import Patient
from tests.factories import submitted_self_and_family

pytestmark = pytest.mark.django_db


def _agreement_column(html: str) -> dict[str, str]:
    """Criterion label → the last cell ("Agree?") of the side-by-side table's rows."""
    table = html[html.index('id="side-heading"') :]
    body = table[table.index("<tbody>") : table.index("</tbody>")]
    rows = {}
    for row in body.split("<tr")[1:]:
        cells = [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.split(r"<t[hd][^>]*>", row)[1:]
        ]
        rows[cells[0]] = cells[-1]
    return rows


def test_agreement_says_same_differ_or_not_known_per_criterion(
    client: Client, clinician: User, patient: Patient, protocols: dict[str, Any]
) -> None:
    # Both report 6+ months; they differ on going out; nobody answered impairment.
    screening = submitted_self_and_family(
        patient=patient,
        by=clinician,
        protocols=protocols,
        own={"withdrawal": {"months_withdrawn": 8, "days_out_per_week": 5}},
        family={"withdrawal_family": {"months_withdrawn": 9, "days_out_per_week": 1}},
    )
    client.force_login(clinician)
    url = reverse("questionnaires:screening-result", kwargs={"pk": screening.pk})
    verdicts = _agreement_column(client.get(url).content.decode())
    by_letter = {label[:3]: verdict for label, verdict in verdicts.items()}
    assert by_letter["(a)"] == "Differ"
    assert by_letter["(b)"] == "Same"
    assert by_letter["(c)"] == "Not known"
