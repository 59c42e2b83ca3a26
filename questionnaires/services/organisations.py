"""Managing who belongs to an organisation, and in which role (org admins)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from questionnaires.models import CrisisContact, Membership, Organisation
from questionnaires.services.audit import audit_record


class MembershipError(ValidationError):
    """A change to the members that is not allowed; the message says why."""


def _lock(membership: Membership) -> tuple[Membership, list[int]]:
    # Locking every org-admin row first serialises concurrent demotions and
    # removals, so two admins cannot demote each other at once and leave nobody in
    # charge; the membership is then re-read under the lock.
    admins = list(
        Membership.objects.select_for_update()
        .filter(organisation_id=membership.organisation_id)
        .filter(role=Membership.Role.ORG_ADMIN)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    locked = (
        Membership.objects.select_for_update()
        .select_related("organisation", "user")
        .get(pk=membership.pk)
    )
    return locked, admins


def _refuse_last_admin(membership: Membership, admins: list[int]) -> None:
    if membership.role == Membership.Role.ORG_ADMIN and admins == [membership.pk]:
        raise MembershipError(
            _(
                "An organisation needs at least one organisation admin. Make "
                "someone else an admin first."
            )
        )


@transaction.atomic
def membership_add(
    *, organisation: Organisation, user: User, role: str, by: User
) -> Membership:
    """Make an existing user a member of the organisation in ``role``."""
    if role not in Membership.Role.values:
        raise MembershipError(_("Unknown role."))
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                organisation=organisation, user=user, role=role
            )
    except IntegrityError as error:
        raise MembershipError(_("This account is already a member.")) from error
    audit_record(
        action="membership.add",
        actor=by,
        organisation=organisation,
        target=membership,
        details={"user_id": user.pk, "role": role},
    )
    return membership


@dataclass(frozen=True)
class NewAccount:
    membership: Membership
    set_password_path: str  # shown once to the org admin; never stored


@transaction.atomic
def clinician_account_create(
    *, organisation: Organisation, username: str, email: str, by: User
) -> NewAccount:
    """Create a clinician account with no password, and a one-time link to set one.

    The link is Django's password-reset link: it stops working once the password is
    set, or after PASSWORD_RESET_TIMEOUT.
    """
    users = get_user_model()
    if users.objects.filter(username__iexact=username).exists():
        raise MembershipError(_("This username is taken. Choose another one."))
    user: User = users.objects.create_user(username=username, email=email)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    membership = Membership.objects.create(
        organisation=organisation, user=user, role=Membership.Role.CLINICIAN
    )
    audit_record(
        action="account.create",
        actor=by,
        organisation=organisation,
        target=membership,
        details={"user_id": user.pk, "role": membership.role},
    )
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return NewAccount(membership=membership, set_password_path=path)


@transaction.atomic
def membership_change_role(
    *, membership: Membership, role: str, by: User
) -> Membership:
    """Change a member's role; the last org admin cannot be demoted."""
    if role not in Membership.Role.values:
        raise MembershipError(_("Unknown role."))
    membership, admins = _lock(membership)
    if role == membership.role:
        return membership
    _refuse_last_admin(membership, admins)
    previous = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        action="membership.change_role",
        actor=by,
        organisation=membership.organisation,
        target=membership,
        details={"user_id": membership.user_id, "from": previous, "to": role},
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by: User) -> None:
    """Remove a member from the organisation; never the last org admin."""
    membership, admins = _lock(membership)
    _refuse_last_admin(membership, admins)
    audit_record(
        action="membership.remove",
        actor=by,
        organisation=membership.organisation,
        target=membership,
        details={"user_id": membership.user_id, "role": membership.role},
    )
    membership.delete()


# --- Changes made in the Django admin ----------------------------------------------
# The admin writes the rows itself (inside its own transaction); these record each
# change as an audit event of the organisation, so its org admins see a membership,
# role, organisation or crisis-contact change whatever page made it.


def admin_membership_changes_record(
    *,
    added: list[Membership],
    changed: list[tuple[Membership, list[str]]],
    removed: list[Membership],
    by: User,
) -> None:
    """Audit memberships the admin's organisation page added, changed or removed."""
    events: list[tuple[str, Membership, dict[str, Any]]] = [
        *(("membership.add", m, {}) for m in added),
        *(("membership.change", m, {"fields": fields}) for m, fields in changed),
        *(("membership.remove", m, {}) for m in removed),
    ]
    for action, membership, extra in events:
        audit_record(
            action=action,
            actor=by,
            organisation=membership.organisation,
            target=membership,
            details={
                "user_id": membership.user_id,
                "role": membership.role,
                **extra,
                "via": "admin",
            },
        )


def admin_organisation_change_record(
    *, organisation: Organisation, fields: list[str], created: bool, by: User
) -> None:
    """Audit an organisation created or changed in the admin."""
    audit_record(
        action="organisation.create" if created else "organisation.change",
        actor=by,
        organisation=organisation,
        target=organisation,
        details={"fields": fields, "via": "admin"},
    )


def admin_organisation_delete_record(*, organisation: Organisation, by: User) -> None:
    """Audit an organisation deleted in the admin (the event outlives it)."""
    audit_record(
        action="organisation.delete",
        actor=by,
        target=organisation,
        details={"name": organisation.name, "slug": organisation.slug, "via": "admin"},
    )


def admin_crisis_contact_record(
    *, contact: CrisisContact, action: str, fields: list[str], by: User
) -> None:
    """Audit a crisis contact added, changed or removed in the admin."""
    audit_record(
        action=f"crisis_contact.{action}",
        actor=by,
        organisation=contact.organisation,
        target=contact,
        details={
            "language": contact.language,
            "name": contact.name,
            "fields": fields,
            "via": "admin",
        },
    )
