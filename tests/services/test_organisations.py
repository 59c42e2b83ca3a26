"""services.organisations: adding, re-roling and removing members, always audited."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from questionnaires.models import AuditEvent, Membership, Organisation
from questionnaires.services.organisations import (
    MembershipError,
    clinician_account_create,
    membership_add,
    membership_change_role,
    membership_remove,
)


def _membership(user: User, organisation: Organisation) -> Membership:
    return Membership.objects.get(user=user, organisation=organisation)


def test_adding_an_existing_user_records_who_added_whom(
    org_admin: User, clinic_a: Organisation, outsider: User
) -> None:
    membership = membership_add(
        organisation=clinic_a, user=outsider, role="clinician", by=org_admin
    )
    assert membership.role == "clinician"
    event = AuditEvent.objects.get(action="membership.add")
    assert event.actor == org_admin
    assert event.organisation == clinic_a
    assert event.details == {"user_id": outsider.pk, "role": "clinician"}


def test_adding_a_member_twice_is_refused(
    org_admin: User, clinic_a: Organisation, clinician: User
) -> None:
    with pytest.raises(MembershipError, match="already a member"):
        membership_add(
            organisation=clinic_a, user=clinician, role="clinician", by=org_admin
        )
    assert not AuditEvent.objects.exists()


def test_a_new_clinician_account_has_no_password_and_a_set_password_link(
    org_admin: User, clinic_a: Organisation
) -> None:
    account = clinician_account_create(
        organisation=clinic_a, username="dora", email="", by=org_admin
    )
    user = account.membership.user
    assert not user.has_usable_password()
    assert account.membership.role == "clinician"
    assert account.set_password_path.startswith("/accounts/reset/")
    assert AuditEvent.objects.filter(action="account.create").count() == 1


def test_a_taken_username_is_refused_whatever_its_case(
    org_admin: User, clinic_a: Organisation, outsider: User
) -> None:
    with pytest.raises(MembershipError, match="taken"):
        clinician_account_create(
            organisation=clinic_a, username="CHARLIE", email="", by=org_admin
        )


def test_role_change_is_audited_with_before_and_after(
    org_admin: User, clinic_a: Organisation, clinician: User
) -> None:
    membership_change_role(
        membership=_membership(clinician, clinic_a), role="org_admin", by=org_admin
    )
    assert _membership(clinician, clinic_a).role == "org_admin"
    event = AuditEvent.objects.get(action="membership.change_role")
    assert event.details == {
        "user_id": clinician.pk,
        "from": "clinician",
        "to": "org_admin",
    }


def test_the_last_org_admin_cannot_step_down_or_be_removed(
    org_admin: User, clinic_a: Organisation
) -> None:
    own = _membership(org_admin, clinic_a)
    with pytest.raises(MembershipError, match="at least one organisation admin"):
        membership_change_role(membership=own, role="clinician", by=org_admin)
    with pytest.raises(MembershipError, match="at least one organisation admin"):
        membership_remove(membership=own, by=org_admin)
    assert _membership(org_admin, clinic_a).role == "org_admin"
    assert not AuditEvent.objects.exists()


def test_an_org_admin_may_step_down_once_another_admin_exists(
    org_admin: User, clinic_a: Organisation, clinician: User
) -> None:
    membership_change_role(
        membership=_membership(clinician, clinic_a), role="org_admin", by=org_admin
    )
    membership_remove(membership=_membership(org_admin, clinic_a), by=org_admin)
    assert not Membership.objects.filter(user=org_admin).exists()
    assert AuditEvent.objects.filter(action="membership.remove").count() == 1


def test_an_unknown_role_is_refused(
    org_admin: User, clinic_a: Organisation, clinician: User
) -> None:
    with pytest.raises(MembershipError):
        membership_change_role(
            membership=_membership(clinician, clinic_a), role="owner", by=org_admin
        )
