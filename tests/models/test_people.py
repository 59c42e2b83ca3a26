"""Organisations and memberships."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.test import Client

from questionnaires.models import Membership, Organisation


def test_a_user_belongs_to_an_organisation_only_once(
    clinician: User, clinic_a: Organisation
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=clinician, organisation=clinic_a, role=Membership.Role.ORG_ADMIN
        )


def test_the_database_refuses_an_unknown_role(
    clinician: User, clinic_b: Organisation
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=clinician, organisation=clinic_b, role="owner")


def test_a_user_may_belong_to_several_organisations(
    clinician: User, clinic_b: Organisation
) -> None:
    Membership.objects.create(user=clinician, organisation=clinic_b)
    assert set(
        clinician.memberships.values_list("organisation__slug", flat=True)  # type: ignore[attr-defined]
    ) == {"clinic-a", "clinic-b"}


def test_clinic_home_lists_only_the_users_own_organisations(
    client: Client, clinician: User, outsider: User
) -> None:
    client.force_login(clinician)
    html = client.get("/clinic/").content.decode()
    assert "Clinic A" in html
    assert "Clinic B" not in html


def test_clinic_home_explains_an_empty_list(client: Client, db: None) -> None:
    from django.contrib.auth import get_user_model

    loner = get_user_model().objects.create_user(username="loner", password="x")
    client.force_login(loner)
    assert "not a member of any clinic yet" in client.get("/clinic/").content.decode()
