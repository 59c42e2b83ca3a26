"""Export downloads: permissions as for viewing, one audit event each, streaming."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import StreamingHttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench import benchmarks
from questionnaires.exports import csv as export_csv
from questionnaires.exports import fhir, streams
from questionnaires.models import (
    AuditEvent,
    InstrumentVersion,
    Organisation,
    Screening,
)
from tests.factories import SELF

pytestmark = pytest.mark.django_db


def body(response: Any) -> str:
    if isinstance(response, StreamingHttpResponse):
        return b"".join(response.streaming_content).decode()  # type: ignore[arg-type]
    return str(response.content.decode())


def rows(text: str) -> list[dict[str, str]]:
    """The rows of a dictionary, or of a data file after checking its trailer."""
    if export_csv.TRAILER_START in text:
        assert export_csv.is_complete(text)
        text = text.rstrip("\r\n").rpartition("\n")[0] + "\n"
    return list(csv.DictReader(io.StringIO(text)))


SCREENING_EXPORTS = [
    "questionnaires:screening-export-csv",
    "questionnaires:screening-export-dictionary",
    "questionnaires:screening-export-fhir",
]
ORGANISATION_EXPORTS = [
    "questionnaires:organisation-export",
    "questionnaires:organisation-export-csv",
    "questionnaires:organisation-export-dictionary",
]


@pytest.mark.parametrize("name", SCREENING_EXPORTS)
@pytest.mark.parametrize(
    ("persona", "status"), [("clinician", 200), ("colleague", 200), ("outsider", 404)]
)
def test_screening_exports_follow_the_screening_permissions(
    client: Client,
    submitted: Screening,
    request: Any,
    name: str,
    persona: str,
    status: int,
) -> None:
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse(name, kwargs={"pk": submitted.pk}))
    assert response.status_code == status


@pytest.mark.parametrize("name", ORGANISATION_EXPORTS)
@pytest.mark.parametrize(("persona", "status"), [("clinician", 200), ("outsider", 404)])
def test_organisation_exports_follow_the_membership(
    client: Client,
    submitted: Screening,
    request: Any,
    name: str,
    persona: str,
    status: int,
) -> None:
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse(name, kwargs={"slug": "clinic-a"}))
    assert response.status_code == status


@pytest.mark.parametrize("name", SCREENING_EXPORTS + ORGANISATION_EXPORTS)
def test_anonymous_export_redirects_to_login(
    client: Client, submitted: Screening, name: str
) -> None:
    kwargs = {"pk": submitted.pk} if name in SCREENING_EXPORTS else {"slug": "clinic-a"}
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_screening_csv_streams_one_row_matching_its_dictionary(
    client: Client, clinician: User, submitted: Screening
) -> None:
    client.force_login(clinician)
    response = client.get(
        reverse("questionnaires:screening-export-csv", args=[submitted.pk])
    )
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    data = body(response)
    dictionary = rows(
        body(
            client.get(
                reverse(
                    "questionnaires:screening-export-dictionary", args=[submitted.pk]
                )
            )
        )
    )
    (row,) = rows(data)
    assert list(row) == [entry["column"] for entry in dictionary]
    assert row["patient_code"] == "A-001"


def test_each_data_export_writes_one_audit_event_with_counts_only(
    client: Client, clinician: User, submitted: Screening
) -> None:
    client.force_login(clinician)
    before = AuditEvent.objects.count()
    body(
        client.get(reverse("questionnaires:screening-export-csv", args=[submitted.pk]))
    )
    body(
        client.get(reverse("questionnaires:screening-export-fhir", args=[submitted.pk]))
    )
    body(
        client.get(reverse("questionnaires:organisation-export-csv", args=["clinic-a"]))
    )
    body(
        client.get(
            reverse("questionnaires:screening-export-dictionary", args=[submitted.pk])
        )
    )
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert [e.action for e in events] == [
        "screening.export_csv",
        "screening.export_fhir",
        "organisation.export_csv",
    ]
    assert all(e.actor == clinician for e in events)
    assert events[0].details == {
        "rows": 1,
        "columns": events[0].details["columns"],
        "research": False,
    }
    assert events[1].details == {
        "questionnaire_responses": 5,
        "observations": events[1].details["observations"],
    }
    assert events[2].details["rows"] == 1
    assert "A-001" not in json.dumps([e.details for e in events])


def test_research_export_has_no_patient_codes(
    client: Client, clinician: User, submitted: Screening
) -> None:
    client.force_login(clinician)
    url = reverse("questionnaires:organisation-export-csv", args=["clinic-a"])
    data = body(client.get(url, {"research": "on"}))
    (row,) = rows(data)
    assert "A-001" not in data
    assert "patient_code" not in row and "screening_id" not in row
    assert row["patient_key"].startswith("R-")
    assert AuditEvent.objects.get(action="organisation.export_csv").details["research"]


def test_organisation_export_filters_by_date_and_protocol(
    client: Client, clinician: User, submitted: Screening, protocols: dict[str, Any]
) -> None:
    client.force_login(clinician)
    url = reverse("questionnaires:organisation-export-csv", args=["clinic-a"])
    day = submitted.created_at.date().isoformat()
    assert len(rows(body(client.get(url, {"since": day, "until": day})))) == 1
    assert rows(body(client.get(url, {"since": "2999-01-01"}))) == []
    assert len(rows(body(client.get(url, {"protocol": protocols[SELF].code})))) == 1
    assert rows(body(client.get(url, {"protocol": "clinician"}))) == []
    refused = client.get(url, {"since": "2026-02-01", "until": "2026-01-01"})
    assert refused.status_code == 400


def _organisation_csv_queries(
    client: Client, *, count: int, chunk: int, monkeypatch: Any
) -> int:
    monkeypatch.setattr(streams, "CHUNK_SIZE", chunk)
    url = reverse("questionnaires:organisation-export-csv", args=["clinic-a"])
    with CaptureQueriesContext(connection) as queries:
        data = body(client.get(url))
    assert len(rows(data)) == count
    return len(queries)


def test_organisation_csv_queries_grow_with_chunks_not_screenings(
    client: Client,
    clinician: User,
    clinic_a: Organisation,
    protocols: dict[str, Any],
    monkeypatch: Any,
) -> None:
    client.force_login(clinician)
    # The session's first request records its time (idle time-out): not counted.
    client.get(reverse("questionnaires:clinic-home"))
    benchmarks.synthetic_screenings(
        organisation=clinic_a, protocol=protocols[SELF], count=3
    )
    few = _organisation_csv_queries(client, count=3, chunk=100, monkeypatch=monkeypatch)
    benchmarks.synthetic_screenings(
        organisation=clinic_a, protocol=protocols[SELF], count=9
    )
    many = _organisation_csv_queries(
        client, count=12, chunk=100, monkeypatch=monkeypatch
    )
    chunked = _organisation_csv_queries(
        client, count=12, chunk=5, monkeypatch=monkeypatch
    )
    assert many == few
    assert chunked == few + 2 * 3  # two more chunks, each: results, parts, answers


def test_result_page_links_to_the_exports(
    client: Client, clinician: User, submitted: Screening
) -> None:
    client.force_login(clinician)
    page = client.get(reverse("questionnaires:screening-result", args=[submitted.pk]))
    assert (
        reverse("questionnaires:screening-export-csv", args=[submitted.pk])
        in page.content.decode()
    )
    listing = client.get(reverse("questionnaires:patient-list", args=["clinic-a"]))
    assert (
        reverse("questionnaires:organisation-export", args=["clinic-a"])
        in listing.content.decode()
    )


# --- Admin ------------------------------------------------------------------------


def test_admin_fhir_export_is_staff_only_and_audited(
    client: Client, clinician: User, admin_user: User, protocols: dict[str, Any]
) -> None:
    version = InstrumentVersion.objects.get(instrument__code="phq9", number=1)
    url = reverse("admin:bank-export-fhir", args=[version.pk])
    client.force_login(clinician)
    assert client.get(url).status_code == 302  # to the admin login
    client.force_login(admin_user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json; charset=utf-8"
    resource = json.loads(response.content)
    assert resource["url"] == fhir.questionnaire_url("phq9")
    event = AuditEvent.objects.get(action="instrument_version.export_fhir")
    assert event.actor == admin_user and event.target_id == str(version.pk)


def test_admin_action_downloads_the_selected_as_a_bundle(
    client: Client, admin_user: User, protocols: dict[str, Any]
) -> None:
    client.force_login(admin_user)
    versions = InstrumentVersion.objects.filter(instrument__code__in=["phq9", "gad7"])
    response = client.post(
        reverse("admin:questionnaires_instrumentversion_changelist"),
        {
            "action": "download_fhir_selected",
            "_selected_action": [v.pk for v in versions],
        },
    )
    bundle = json.loads(response.content)
    assert sorted(e["resource"]["id"] for e in bundle["entry"]) == [
        "gad7-v1",
        "phq9-v1",
    ]


def test_admin_imports_a_questionnaire_as_a_draft(
    client: Client, clinician: User, admin_user: User, protocols: dict[str, Any]
) -> None:
    version = InstrumentVersion.objects.get(instrument__code="gad7", number=1)
    resource = streams.version_questionnaire(version)
    url = reverse("admin:bank-import-fhir")
    upload = SimpleUploadedFile("gad7.json", json.dumps(resource).encode())
    client.force_login(clinician)
    assert client.post(url, {"file": upload}).status_code == 302
    assert not InstrumentVersion.objects.filter(
        instrument__code="gad7", number=2
    ).exists()
    client.force_login(admin_user)
    upload = SimpleUploadedFile("gad7.json", json.dumps(resource).encode())
    response = client.post(url, {"file": upload})
    draft = InstrumentVersion.objects.get(instrument__code="gad7", number=2)
    assert response.status_code == 302 and draft.status == "draft"


@pytest.mark.parametrize("research", [False, True])
def test_organisation_csv_header_is_its_dictionary_for_both_variants(
    client: Client,
    clinician: User,
    submitted: Screening,
    clinic_a: Organisation,
    protocols: dict[str, Any],
    research: bool,
) -> None:
    benchmarks.synthetic_screenings(
        organisation=clinic_a, protocol=protocols[SELF], count=2
    )
    client.force_login(clinician)
    query = {"research": "on"} if research else {}
    data = body(
        client.get(
            reverse("questionnaires:organisation-export-csv", args=["clinic-a"]), query
        )
    )
    dictionary = rows(
        body(
            client.get(
                reverse(
                    "questionnaires:organisation-export-dictionary", args=["clinic-a"]
                ),
                query,
            )
        )
    )
    header = next(csv.reader(io.StringIO(data)))
    assert header == [entry["column"] for entry in dictionary]
    assert len(rows(data)) == 3
    assert ("patient_code" in header) is not research
    assert ("patient_key" in header) is research


# --- A stream cut short can be told from a whole one ------------------------------


def test_a_complete_csv_ends_with_its_row_count_and_every_cut_of_it_is_incomplete(
    client: Client,
    clinician: User,
    clinic_a: Organisation,
    protocols: dict[str, Any],
    monkeypatch: Any,
) -> None:
    client.force_login(clinician)
    benchmarks.synthetic_screenings(
        organisation=clinic_a, protocol=protocols[SELF], count=4
    )
    url = reverse("questionnaires:organisation-export-csv", args=["clinic-a"])
    whole = body(client.get(url))
    assert whole.rstrip().endswith(export_csv.TRAILER_START + "4")
    assert export_csv.is_complete(whole)
    for cut in range(0, len(whole) - 2, 97):
        assert not export_csv.is_complete(whole[:cut]), cut


def test_a_stream_killed_midway_lacks_the_trailer_so_the_client_can_tell(
    client: Client,
    clinician: User,
    clinic_a: Organisation,
    protocols: dict[str, Any],
    monkeypatch: Any,
) -> None:
    client.force_login(clinician)
    benchmarks.synthetic_screenings(
        organisation=clinic_a, protocol=protocols[SELF], count=6
    )
    monkeypatch.setattr(streams, "CHUNK_SIZE", 2)
    read = streams.screening_records

    def dies_after_three(*args: Any, **kwargs: Any) -> Any:
        for n, record in enumerate(read(*args, **kwargs)):
            if n == 3:
                raise ConnectionResetError("worker killed")
            yield record

    monkeypatch.setattr(streams, "screening_records", dies_after_three)
    lines = streams.csv_lines
    monkeypatch.setattr(
        streams, "csv_lines", lambda rows, **kw: lines(rows, **kw, batch=1)
    )
    response = client.get(
        reverse("questionnaires:organisation-export-csv", args=["clinic-a"])
    )
    received: list[bytes] = []
    with pytest.raises(ConnectionResetError):
        for chunk in response.streaming_content:  # type: ignore[attr-defined]
            received.append(chunk)
    text = b"".join(received).decode()
    assert len(rows(text)) == 3  # the header and three rows reached the client
    assert not export_csv.is_complete(text)
    assert export_csv.TRAILER_START not in text
