"""A question shown by an answer given on an earlier page is checked on its own page.

A page POST reads the saved answers before saving only when its checks can use them
(views/respondent.py, ``_checks_read_other_pages``); this is the case that must.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from questionnaires.bank.protocols import ProtocolSpec
from questionnaires.models import Answer, Patient
from questionnaires.services import invitations
from questionnaires.services.bank import protocol_load
from tests.bank.factories import DEMO, demo_version
from tests.factories import start_screening

pytestmark = pytest.mark.django_db


def _two_page_link(clinician: User, patient: Patient) -> str:
    """demo_3 ("Is it hard right now?", shown if demo_1 >= 1) opens page 2."""
    items = [dict(item) for item in DEMO["items"]]
    items[2]["section"] = {"en": "Right now"}
    demo_version(items=items)
    spec = ProtocolSpec(
        code="demo_two_pages",
        name={"en": "Demo"},
        description={},
        audience="self",
        default=False,
        instruments=(("demo", 1),),
    )
    protocol = protocol_load(spec=spec, actor_label="tests").protocol
    screening = start_screening(
        patient=patient, by=clinician, parts=[("self", protocol, "link")]
    )
    return invitations.invitation_create(part=screening.parts.get(), by=clinician).token


def _post(client: Client, token: str, number: int, data: dict[str, str]) -> Any:
    page = reverse(
        "questionnaires:respond-page", kwargs={"token": token, "number": number}
    )
    return client.post(page, {**data, "action": "next"})


@pytest.mark.parametrize(("first", "status"), [("2", 422), ("0", 302)])
def test_a_question_opened_on_an_earlier_page_must_be_answered(
    client: Client, clinician: User, patient: Patient, first: str, status: int
) -> None:
    token = _two_page_link(clinician, patient)
    assert (
        _post(client, token, 1, {"demo-demo_1": first, "demo-demo_2": "0"}).status_code
        == 302
    )

    response = _post(client, token, 2, {"demo-demo_4": "3"})

    assert response.status_code == status
    if status == 422:
        assert "Please answer this question." in response.content.decode()
    saved = dict(Answer.objects.values_list("item_code", "value"))
    assert saved == {"demo_1": int(first), "demo_2": 0, "demo_4": 3}
