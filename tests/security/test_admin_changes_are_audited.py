"""Finding 7: staff cannot grant themselves a clinic unseen, nor browse patients.

Every change of membership, role, organisation and crisis contact made in the
Django admin is an audit event of the organisation, on its org admins' audit page.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from questionnaires.models import AuditEvent, CrisisContact, Membership, Organisation
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _signed_in(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _organisation_form(
    organisation: Organisation, rows: list[dict[str, Any]], initial: int
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": organisation.name,
        "slug": organisation.slug,
        "memberships-TOTAL_FORMS": str(len(rows)),
        "memberships-INITIAL_FORMS": str(initial),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        for key, value in row.items():
            data[f"memberships-{n}-{key}"] = value
    return data


def _audit_page(org_admin: User, organisation: Organisation) -> str:
    response = _signed_in(org_admin).get(
        reverse("questionnaires:organisation-audit", args=[organisation.slug])
    )
    assert response.status_code == 200
    return response.content.decode()


def _change_url(organisation: Organisation) -> str:
    return reverse("admin:questionnaires_organisation_change", args=[organisation.pk])


def test_staff_adding_themselves_to_a_clinic_is_on_its_audit_trail(
    clinic_a: Organisation, org_admin: User, admin_user: User
) -> None:
    existing = Membership.objects.get(user=org_admin)
    rows = [
        {
            "id": existing.pk,
            "organisation": clinic_a.pk,
            "user": org_admin.pk,
            "role": "org_admin",
        },
        {"organisation": clinic_a.pk, "user": admin_user.pk, "role": "clinician"},
    ]
    response = _signed_in(admin_user).post(
        _change_url(clinic_a), _organisation_form(clinic_a, rows, initial=1)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Membership.objects.filter(user=admin_user, organisation=clinic_a).exists()
    event = AuditEvent.objects.get(action="membership.add", organisation=clinic_a)
    assert event.actor == admin_user
    assert event.details["user_id"] == admin_user.pk
    assert "membership.add" in _audit_page(org_admin, clinic_a)


def test_a_role_change_and_a_removal_in_the_admin_are_audited(
    clinic_a: Organisation, org_admin: User, clinician: User, admin_user: User
) -> None:
    admin_row = Membership.objects.get(user=org_admin)
    member = Membership.objects.get(user=clinician)
    rows = [
        {
            "id": admin_row.pk,
            "organisation": clinic_a.pk,
            "user": org_admin.pk,
            "role": "org_admin",
        },
        {
            "id": member.pk,
            "organisation": clinic_a.pk,
            "user": clinician.pk,
            "role": "org_admin",
        },
    ]
    client = _signed_in(admin_user)
    client.post(_change_url(clinic_a), _organisation_form(clinic_a, rows, initial=2))
    changed = AuditEvent.objects.get(action="membership.change")
    assert changed.organisation == clinic_a
    assert changed.details["role"] == "org_admin"
    rows[1]["DELETE"] = "on"
    client.post(_change_url(clinic_a), _organisation_form(clinic_a, rows, initial=2))
    assert not Membership.objects.filter(pk=member.pk).exists()
    removed = AuditEvent.objects.get(action="membership.remove")
    assert (removed.organisation, removed.target_id) == (clinic_a, str(member.pk))
    page = _audit_page(org_admin, clinic_a)
    assert "membership.change" in page and "membership.remove" in page


def test_renaming_an_organisation_in_the_admin_is_audited(
    clinic_a: Organisation, org_admin: User, admin_user: User
) -> None:
    existing = Membership.objects.get(user=org_admin)
    rows = [
        {
            "id": existing.pk,
            "organisation": clinic_a.pk,
            "user": org_admin.pk,
            "role": "org_admin",
        },
    ]
    data = _organisation_form(clinic_a, rows, initial=1) | {"name": "Renamed"}
    _signed_in(admin_user).post(_change_url(clinic_a), data)
    event = AuditEvent.objects.get(action="organisation.change")
    assert event.organisation == clinic_a and event.details["fields"] == ["name"]


def test_crisis_contact_changes_in_the_admin_are_audited(
    clinic_a: Organisation, org_admin: User, admin_user: User
) -> None:
    client = _signed_in(admin_user)
    added = client.post(
        reverse("admin:questionnaires_crisiscontact_add"),
        {
            "organisation": clinic_a.pk,
            "language": "en",
            "name": "Night line",
            "phone": "0800 000",
            "hours": "",
            "order": "0",
        },
    )
    assert added.status_code == 302
    contact = CrisisContact.objects.get()
    client.post(
        reverse("admin:questionnaires_crisiscontact_delete", args=[contact.pk]),
        {"post": "yes"},
    )
    assert not CrisisContact.objects.exists()
    actions = set(
        AuditEvent.objects.filter(organisation=clinic_a).values_list(
            "action", flat=True
        )
    )
    assert {"crisis_contact.add", "crisis_contact.remove"} <= actions


def test_patients_are_not_in_the_django_admin(admin_user: User) -> None:
    client = _signed_in(admin_user)
    response = client.get("/admin/questionnaires/patient/")
    assert response.status_code == 404
    assert (
        "/admin/questionnaires/patient/" not in client.get("/admin/").content.decode()
    )
