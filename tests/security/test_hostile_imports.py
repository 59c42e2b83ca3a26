"""Finding 6: every import refuses a hostile file with its problems; never a 500.

Each case is posted to the admin's import pages (instrument JSON and FHIR): the
answer is the import page with every problem listed at its JSON path, and nothing
is stored.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from questionnaires.bank import DefinitionError, parse
from questionnaires.bank.schema import (
    MAX_DOCUMENT_BYTES,
    MAX_ITEMS,
    MAX_OPTION_ROWS,
    MAX_OPTIONS,
)
from questionnaires.forms.exports import FHIR_UPLOAD_MAX_BYTES
from questionnaires.models import AuditEvent, Instrument, InstrumentVersion, ItemOption
from tests.bank.factories import demo_document
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _shared_options(items: int, options: int) -> dict[str, Any]:
    """One option set of ``options`` options shared by ``items`` items."""
    document = demo_document()
    document["option_sets"] = {
        "big": [
            {"code": f"o{n}", "value": n, "label": {"en": f"Option {n}"}}
            for n in range(options)
        ]
    }
    document["items"] = [
        {"code": f"q{n}", "kind": "likert", "text": {"en": "Q"}, "options": "big"}
        for n in range(items)
    ]
    document["scoring"] = {"total": {"method": "none"}}
    return document


def _json(document: object) -> bytes:
    return json.dumps(document).encode()


HOSTILE: list[Any] = [
    pytest.param(b"[" * 50_000 + b"]" * 50_000, ["nested too deeply"], id="deep"),
    pytest.param(
        _json(demo_document(version=10**30)),
        ["version: must be at most 1000000"],
        id="version-10e30",
    ),
    pytest.param(
        b'{"version": ' + b"9" * 5000 + b"}",
        ["more than 4300 digits"],
        id="over-4300-digits",
    ),
    pytest.param(b'{"code": "\xff\xfe"}', ["not UTF-8"], id="not-utf-8"),
    pytest.param(
        b" " * (MAX_DOCUMENT_BYTES + 1) + b"{}",
        ["an instrument file is at most"],
        id="too-big",
    ),
    pytest.param(
        _json(_shared_options(2000, 1000)),
        [
            f"items: has more than {MAX_ITEMS} entries",
            f"option_sets.big: has more than {MAX_OPTIONS} entries",
        ],
        id="1000-options-across-2000-items",
    ),
    pytest.param(
        _json(_shared_options(MAX_ITEMS, MAX_OPTIONS)),
        [f"(at most {MAX_OPTION_ROWS})"],
        id="option-rows",
    ),
    pytest.param(
        _json(
            demo_document(
                name={"en": "x" * 201},
                items=[{"code": "a", "kind": "likert", "options": 7, "min": "1"}],
                scoring={"total": {"method": "sum", "items": "a"}},
            )
        ),
        [
            "name.en: is longer than 200 characters",
            "items[0].min: must be a number",
            "scoring.total.items: must be a list of codes",
        ],
        id="wrong-types-everywhere",
    ),
]


def _signed_in(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _stored() -> tuple[int, ...]:
    return (
        Instrument.objects.count(),
        InstrumentVersion.objects.count(),
        ItemOption.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize(("content", "messages"), HOSTILE)
def test_the_instrument_import_lists_the_problems_and_stores_nothing(
    admin_user: User, content: bytes, messages: list[str]
) -> None:
    before = _stored()
    response = _signed_in(admin_user).post(
        reverse("admin:bank-import"),
        {"file": SimpleUploadedFile("x.json", content), "publish": "on"},
    )
    assert response.status_code == 200
    shown = response.content.decode() + " ".join(
        str(m) for m in response.context["messages"]
    )
    for message in messages:
        assert message in shown
    assert _stored() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[" * 50_000 + b"]" * 50_000, "nested too deeply"),
        (b" " * (FHIR_UPLOAD_MAX_BYTES + 1) + b"{}", "larger than"),
        (b'{"resourceType": "\xff"}', "not UTF-8"),
    ],
)
def test_the_fhir_import_refuses_files_it_could_not_read_safely(
    admin_user: User, content: bytes, message: str
) -> None:
    before = _stored()
    response = _signed_in(admin_user).post(
        reverse("admin:bank-import-fhir"),
        {"file": SimpleUploadedFile("q.json", content)},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _stored() == before


def test_every_structural_and_semantic_problem_is_listed_at_once() -> None:
    document = demo_document()
    document["items"][0]["kind"] = "slider"
    document["items"][1]["code"] = "demo_1"
    document["items"][3]["max"] = "24"
    document["version"] = 0
    with pytest.raises(DefinitionError) as caught:
        parse(document)
    assert [str(issue) for issue in caught.value.issues] == [
        "items[0].kind: must be one of likert, single_choice, yes_no, integer, "
        "number, months, age, time_of_day, free_text",
        "items[1].code: duplicate code demo_1",
        "items[3].max: must be a number",
        # demo_2 is gone (renamed demo_1 above), so the total's reference to it is
        # a problem of its own; the refused kind and max cause no further ones.
        "scoring.total.items[1]: unknown item demo_2",
        "version: must be at least 1",
    ]
