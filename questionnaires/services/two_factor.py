"""Enrolling and removing a user's authenticator app (TOTP, django-otp)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from questionnaires.services.audit import audit_record

DEVICE_NAME = "Authenticator app"
#: The unconfirmed e-mail device that proves an account's owner before enrolment;
#: never a second factor itself (unconfirmed devices are never matched at sign-in).
ENROL_DEVICE_NAME = "Enrolment code by e-mail"


@transaction.atomic
def enrol_code_send(*, user: User) -> str:
    """E-mail ``user`` a one-time enrolment code (django-otp's cool-down applies).

    Returns django-otp's message (sent, or when the next code may be asked for).
    """
    device, _created = EmailDevice.objects.get_or_create(
        user=user,
        name=ENROL_DEVICE_NAME,
        defaults={"confirmed": False, "email": user.email},
    )
    if device.email != user.email:
        device.email = user.email
        device.save(update_fields=["email"])
    message = str(device.generate_challenge())
    audit_record(action="two_factor.enrol_code_sent", actor=user, target=user)
    return message


@transaction.atomic
def enrol_code_check(*, user: User, token: str) -> bool:
    """Whether ``token`` is the enrolment code last e-mailed to ``user`` (used up)."""
    device = (
        EmailDevice.objects.select_for_update()
        .filter(user=user, name=ENROL_DEVICE_NAME, confirmed=False)
        .first()
    )
    return device is not None and bool(device.verify_token(token))


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """The user's pending (unconfirmed) device, created on first use.

    Reloading the enrolment page keeps the same secret, so a code scanned a moment
    ago still works.
    """
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if pending is not None:
        return pending
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, token: str) -> bool:
    """Confirm a pending device if ``token`` is its current code; False otherwise."""
    locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if locked.confirmed or not locked.verify_token(token):
        return False
    locked.confirmed = True
    locked.save(update_fields=["confirmed"])
    # One authenticator per person: an older one stops working.
    TOTPDevice.objects.filter(user=locked.user).exclude(pk=locked.pk).delete()
    EmailDevice.objects.filter(user=locked.user, name=ENROL_DEVICE_NAME).delete()
    audit_record(action="two_factor.enrol", actor=locked.user, target=locked.user)
    device.refresh_from_db()
    return True


BACKUP_DEVICE_NAME = "Backup codes"
#: Backup codes made at a time (each works once).
BACKUP_CODES = 10


@transaction.atomic
def backup_codes_create(*, user: User) -> list[str]:
    """New backup codes for ``user``, replacing any earlier ones; shown once.

    Each is a one-time code accepted where the authenticator's code is asked, for
    the day the phone is lost (django-otp's static device).
    """
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(
        user=user, name=BACKUP_DEVICE_NAME, confirmed=True
    )
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    audit_record(action="two_factor.backup_codes", actor=user, target=user)
    return codes


@transaction.atomic
def totp_device_remove(*, user: User, by: User) -> int:
    """Remove every device of ``user``: sign-in asks for the password only again."""
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    if deleted:
        audit_record(action="two_factor.remove", actor=by, target=user)
    return deleted
