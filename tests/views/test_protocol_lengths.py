"""Every page says the same length for a protocol: the clinician's choice, /family/
and the respondent's start page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from questionnaires import selectors
from questionnaires.bank.protocols import protocol_size
from questionnaires.models import Patient
from tests.factories import FAMILY, SELF

pytestmark = pytest.mark.django_db


def test_a_protocol_size_counts_every_question_at_twelve_seconds_each() -> None:
    from questionnaires.bank import loader

    definitions = {d.code: d for d in loader.load_bundled()}

    size = protocol_size([definitions["gad7"], definitions["phq9"]])

    assert (size.questions, size.minutes, size.age_min) == (17, 3, 12)


def test_family_page_and_the_start_page_give_the_same_minutes(
    client: Client, protocols: dict[str, Any]
) -> None:
    size = selectors.protocol_size_for(protocols[FAMILY])

    family = client.get("/family/").content.decode()
    started = client.post("/family/", {"age": "17"}, follow=True).content.decode()

    assert f"{size.questions} questions about your young person" in family
    assert f"takes about {size.minutes} minutes" in family
    assert re.search(rf"takes about {size.minutes} minutes", started)


def test_the_clinician_chooses_among_protocols_by_who_they_are_for_and_length(
    client: Client, clinician: Any, patient: Patient, protocols: dict[str, Any]
) -> None:
    client.force_login(clinician)
    size = selectors.protocol_size_for(protocols[SELF])

    html = client.get(
        reverse("questionnaires:screening-start", kwargs={"pk": patient.pk})
    ).content.decode()

    assert (
        f"Self-report screen, brief — for the young person, aged {size.age_min} or "
        f"over; {size.questions} questions, about {size.minutes} minutes"
    ) in html
