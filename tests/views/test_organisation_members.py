"""The members page: an org admin manages their own organisation's members only."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.test import Client

from questionnaires.models import Membership, Organisation
from tests.conftest import PASSWORD

MEMBERS = "/clinic/clinic-a/members/"


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_org_admin_sees_the_members_of_their_organisation(
    org_admin: User, clinician: User, outsider: User
) -> None:
    response = _signed_in(org_admin).get(MEMBERS)
    assert response.status_code == 200
    html = response.content.decode()
    assert "alice" in html
    assert "olga" in html
    assert "charlie" not in html


@pytest.mark.parametrize("persona", ["clinician", "outsider", "admin_user"])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", MEMBERS),
        ("get", "/clinic/clinic-a/audit/"),
        ("post", MEMBERS + "add/"),
        ("post", MEMBERS + "new-account/"),
    ],
)
def test_anyone_but_its_org_admin_gets_404(
    request: pytest.FixtureRequest,
    persona: str,
    method: str,
    path: str,
    org_admin: User,
) -> None:
    user = request.getfixturevalue(persona)
    client = _signed_in(user)
    response = getattr(client, method)(path, {"username": "x", "role": "clinician"})
    assert response.status_code == 404


def test_org_admin_gets_404_for_another_organisation(
    org_admin: User, outsider: User, clinic_b: Organisation
) -> None:
    membership = Membership.objects.get(user=outsider)
    client = _signed_in(org_admin)
    assert client.get("/clinic/clinic-b/members/").status_code == 404
    # Nor can a membership of clinic B be reached through clinic A's address.
    response = client.post(f"{MEMBERS}{membership.pk}/remove/")
    assert response.status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_anonymous_visitors_are_sent_to_sign_in(
    db: None, clinic_a: Organisation
) -> None:
    response = Client().get(MEMBERS)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_org_admin_adds_an_account_without_a_clinic(org_admin: User) -> None:
    free = get_user_model().objects.create_user("frank", password=PASSWORD)
    client = _signed_in(org_admin)
    response = client.post(MEMBERS + "add/", {"username": "FRANK", "role": "clinician"})
    assert response.status_code == 302
    assert Membership.objects.filter(user=free, organisation__slug="clinic-a").exists()


@pytest.mark.parametrize("username", ["nobody", "charlie", "iago", "alice"])
def test_adding_any_other_username_gets_one_answer(
    org_admin: User, outsider: User, admin_user: User, clinician: User, username: str
) -> None:
    # Unknown, another clinic's clinician, staff, already here: the same answer,
    # so an org admin learns nothing about which accounts exist.
    response = _signed_in(org_admin).post(
        MEMBERS + "add/", {"username": username, "role": "clinician"}
    )
    assert response.status_code == 400
    assert "No account without a clinic has this username" in (
        response.content.decode()
    )
    assert not Membership.objects.filter(
        user=outsider, organisation__slug="clinic-a"
    ).exists()


def test_a_created_account_gets_a_one_time_set_password_link(
    org_admin: User,
) -> None:
    client = _signed_in(org_admin)
    response = client.post(MEMBERS + "new-account/", {"username": "dora", "email": ""})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    match = re.search(
        r"http://testserver(/accounts/reset/[^<\s]+)", response.content.decode()
    )
    assert match is not None
    assert Membership.objects.get(user__username="dora").role == "clinician"

    newcomer = Client()
    form = newcomer.get(match.group(1), follow=True)
    newcomer.post(
        form.redirect_chain[-1][0],
        {
            "new_password1": "a brand new secret 42",
            "new_password2": "a brand new secret 42",
        },
    )
    assert User.objects.get(username="dora").check_password("a brand new secret 42")
    # The link worked once.
    again = Client().get(match.group(1), follow=True)
    assert "This link no longer works" in again.content.decode()


def test_org_admin_changes_a_role_and_removes_a_member(
    org_admin: User, clinician: User
) -> None:
    client = _signed_in(org_admin)
    membership = Membership.objects.get(user=clinician)
    client.post(f"{MEMBERS}{membership.pk}/role/", {"role": "org_admin"})
    membership.refresh_from_db()
    assert membership.role == "org_admin"
    client.post(f"{MEMBERS}{membership.pk}/remove/")
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_the_last_org_admin_cannot_remove_themselves(org_admin: User) -> None:
    client = _signed_in(org_admin)
    own = Membership.objects.get(user=org_admin)
    response = client.post(f"{MEMBERS}{own.pk}/remove/", follow=True)
    assert "at least one organisation admin" in response.content.decode()
    assert Membership.objects.filter(pk=own.pk).exists()


def test_clinician_home_links_org_admins_to_the_members_page(
    org_admin: User, clinician: User
) -> None:
    assert MEMBERS in _signed_in(org_admin).get("/clinic/").content.decode()
    assert MEMBERS not in _signed_in(clinician).get("/clinic/").content.decode()
