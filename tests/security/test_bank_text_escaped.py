"""Finding 2: every piece of bank text is shown as text, never run as HTML.

An instrument is imported whose every text (name, instructions, items, help, section
headings, options, band labels, a translation) holds a ``<meta http-equiv=refresh>``
redirect, a ``<script>`` and Django template syntax. No page or PDF that shows them
may carry them as markup, nor evaluate the template syntax.
"""

from __future__ import annotations

import copy
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from questionnaires.bank.protocols import ProtocolSpec
from questionnaires.models import InstrumentVersion, Patient, Screening
from questionnaires.reports import pdf
from questionnaires.services import invitations
from questionnaires.services import screenings as screening_services
from questionnaires.services.bank import protocol_load
from tests.bank.factories import demo_document, demo_version
from tests.conftest import PASSWORD
from tests.factories import start_screening

pytestmark = pytest.mark.django_db

META = '<meta http-equiv="refresh" content="0;url=https://evil.example/">'
SCRIPT = "<script>alert(1)</script>"
TEMPLATE = '{% now "Y" %}'
HOSTILE = f"{META}{SCRIPT}{TEMPLATE}"
ESCAPED_META = "&lt;meta http-equiv="


def _hostile(text: str) -> dict[str, str]:
    return {"en": f"{text} {HOSTILE}", "ja": f"{text} {HOSTILE}"}


def hostile_document() -> dict[str, Any]:
    document = demo_document()
    document["languages"] = ["en", "ja"]
    document["name"] = _hostile("Name")
    document["instructions"] = _hostile("Instructions")
    for item in document["items"]:
        item["text"] = _hostile(item["code"])
        item["help"] = _hostile("Help")
        item["section"] = _hostile("Section")
    document["option_sets"]["freq4"] = [
        {**option, "label": _hostile(f"Option {option['code']}")}
        for option in copy.deepcopy(document["option_sets"]["freq4"])
    ]
    for band in document["scoring"]["bands"]:
        band["label"] = _hostile(f"Band {band['code']}")
    return document


def assert_shown_as_text(html: str, *, shown: bool = True) -> None:
    assert META not in html
    assert SCRIPT not in html
    assert "<meta http-equiv" not in html
    if shown:
        assert ESCAPED_META in html
        # Template syntax is shown as typed, never evaluated.
        assert "{% now" in html


def _signed_in(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def version() -> InstrumentVersion:
    return demo_version(**hostile_document())


def test_admin_preview_and_try_scoring_show_bank_text_as_text(
    version: InstrumentVersion, admin_user: User
) -> None:
    client = _signed_in(admin_user)
    preview = client.get(reverse("admin:bank-preview", args=[version.pk]))
    assert preview.status_code == 200
    assert_shown_as_text(preview.content.decode())
    tried = client.post(
        reverse("admin:bank-try", args=[version.pk]),
        {"age": "19", "demo-demo_1": "3", "demo-demo_2": "2", "demo-demo_3": "0"},
    )
    assert tried.status_code == 200
    assert_shown_as_text(tried.content.decode())


@pytest.fixture
def screening(
    version: InstrumentVersion, clinician: User, patient: Patient
) -> Screening:
    spec = ProtocolSpec(
        code="hostile_protocol",
        name=_hostile("Protocol"),
        description=_hostile("Description"),
        audience="self",
        default=False,
        instruments=(("demo", 1),),
    )
    protocol = protocol_load(spec=spec, actor_label="tests").protocol
    return start_screening(
        patient=patient, by=clinician, parts=[("self", protocol, "link")]
    )


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_respondent_pages_show_bank_text_as_text(
    screening: Screening, clinician: User, lang: str
) -> None:
    part = screening.parts.get()
    token = invitations.invitation_create(part=part, by=clinician).token
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    start = client.get(reverse("questionnaires:respond-start", kwargs={"token": token}))
    assert_shown_as_text(start.content.decode(), shown=False)
    page = client.get(
        reverse("questionnaires:respond-page", kwargs={"token": token, "number": 1})
    )
    assert page.status_code == 200
    assert_shown_as_text(page.content.decode())


def test_clinician_pages_and_reports_show_bank_text_as_text(
    screening: Screening, clinician: User
) -> None:
    part = screening.parts.get()
    screening_services.answers_save(
        part=part, answers={"demo": {"demo_1": 3, "demo_2": 2, "demo_3": 0}}
    )
    screening_services.part_submit(part=part)
    client = _signed_in(clinician)
    for name in ("screening-detail", "screening-result"):
        response = client.get(reverse(f"questionnaires:{name}", args=[screening.pk]))
        assert response.status_code == 200, name
        assert_shown_as_text(response.content.decode(), shown=False)
    dictionary = client.get(
        reverse("questionnaires:screening-export-dictionary", args=[screening.pk])
    )
    assert dictionary.status_code == 200
    rendered: list[str] = []
    real = pdf.html_to_pdf

    def capture(html: str) -> bytes:
        rendered.append(html)
        return real(html)

    with mock.patch.object(pdf, "html_to_pdf", capture):
        report = client.get(
            reverse(
                "questionnaires:screening-report",
                kwargs={"pk": screening.pk, "audience": "clinician"},
            )
        )
    assert report.status_code == 200
    assert rendered
    for html in rendered:
        assert_shown_as_text(html)
