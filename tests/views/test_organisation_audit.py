"""The audit page: an organisation's events, newest first, paginated and filterable."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import Client

from questionnaires.models import AuditEvent, Organisation
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
    html = _signed_in(org_admin).get(AUDIT).content.decode()
    assert "screening.view" in html
    assert "report.download" not in html


def test_events_can_be_filtered_by_action(
    org_admin: User, clinic_a: Organisation
) -> None:
    audit_record(action="screening.view", actor=org_admin, organisation=clinic_a)
    audit_record(action="patient.create", actor=org_admin, organisation=clinic_a)
    response = _signed_in(org_admin).get(AUDIT, {"action": "patient.create"})
    rows = response.content.decode().split("<tbody>")[1]
    assert "patient.create" in rows
    assert "screening.view" not in rows


def test_events_are_paginated_fifty_a_page(
    org_admin: User, clinic_a: Organisation
) -> None:
    AuditEvent.objects.bulk_create(
        AuditEvent(action=f"test.event{n:03d}", organisation=clinic_a)
        for n in range(60)
    )
    client = _signed_in(org_admin)
    first = client.get(AUDIT).content.decode()
    assert first.count("<code>test.event") == 50
    assert "Page 1 of 2" in first
    second = client.get(AUDIT, {"page": 2}).content.decode()
    assert second.count("<code>test.event") == 10


def test_an_unknown_action_filter_shows_everything_rather_than_failing(
    org_admin: User, clinic_a: Organisation
) -> None:
    audit_record(action="screening.view", actor=org_admin, organisation=clinic_a)
    response = _signed_in(org_admin).get(AUDIT, {"action": "<script>"})
    assert response.status_code == 200
    assert "screening.view" in response.content.decode()
