"""The audit page: an organisation's events, newest first, paginated and filterable."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from questionnaires.models import AUDIT_ACTIONS, AuditEvent, Organisation
from questionnaires.services.audit import audit_record

AUDIT = "/clinic/clinic-a/audit/"


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_org_admin_sees_their_organisation_events_only(
    org_admin: User, clinic_a: Organisation, clinic_b: Organisation
) -> None:
    audit_record(action="screening.view", actor=org_admin, organisation=clinic_a)
    audit_record(action="report.download", actor=org_admin, organisation=clinic_b)
    rows = _signed_in(org_admin).get(AUDIT).content.decode().split("<tbody>")[1]
    assert "screening.view" in rows
    assert "report.download" not in rows


def test_events_can_be_filtered_by_action(
    org_admin: User, clinic_a: Organisation
) -> None:
    audit_record(action="screening.view", actor=org_admin, organisation=clinic_a)
    audit_record(action="patient.create", actor=org_admin, organisation=clinic_a)
    response = _signed_in(org_admin).get(AUDIT, {"action": "patient.create"})
    rows = response.content.decode().split("<tbody>")[1]
    assert "patient.create" in rows
    assert "screening.view" not in rows


def test_events_are_paginated_fifty_a_page_by_keyset(
    org_admin: User, clinic_a: Organisation
) -> None:
    AuditEvent.objects.bulk_create(
        AuditEvent(action=f"test.event{n:03d}", organisation=clinic_a)
        for n in range(60)
    )
    client = _signed_in(org_admin)
    first = client.get(AUDIT)
    html = first.content.decode()
    assert html.count("<code>test.event") == 50
    older = first.context["page"].older
    assert older
    second = client.get(AUDIT, {"before": older}).content.decode()
    assert second.count("<code>test.event") == 10
    assert "test.event059" in html  # newest first
    assert "test.event000" in second
    assert "test.event000" not in html


def test_a_malformed_page_cursor_shows_the_newest_events(
    org_admin: User, clinic_a: Organisation
) -> None:
    audit_record(action="screening.view", actor=org_admin, organisation=clinic_a)
    response = _signed_in(org_admin).get(AUDIT, {"before": "yesterday~x"})
    assert response.status_code == 200
    assert "screening.view" in response.content.decode()


def test_audit_page_query_count_does_not_grow_with_events(
    org_admin: User, clinic_a: Organisation
) -> None:
    client = _signed_in(org_admin)

    def queries_for_page_with(events: int) -> int:
        AuditEvent.objects.bulk_create(
            AuditEvent(action="patient.create", organisation=clinic_a, actor=org_admin)
            for _ in range(events)
        )
        first = client.get(AUDIT)
        with CaptureQueriesContext(connection) as first_page:
            client.get(AUDIT, {"action": "patient.create"})
        with CaptureQueriesContext(connection) as later_page:
            client.get(AUDIT, {"before": first.context["page"].older})
        return len(first_page) + len(later_page)

    assert queries_for_page_with(60) == queries_for_page_with(600)


def test_the_action_filter_offers_every_known_action_without_reading_events(
    org_admin: User, clinic_a: Organisation
) -> None:
    html = _signed_in(org_admin).get(AUDIT).content.decode()
    assert all(f'value="{action}"' in html for action in AUDIT_ACTIONS)


def test_an_unknown_action_filter_shows_everything_rather_than_failing(
    org_admin: User, clinic_a: Organisation
) -> None:
    audit_record(action="screening.view", actor=org_admin, organisation=clinic_a)
    response = _signed_in(org_admin).get(AUDIT, {"action": "<script>"})
    assert response.status_code == 200
    assert "screening.view" in response.content.decode()
