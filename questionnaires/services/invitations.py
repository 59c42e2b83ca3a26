"""Invitation links, kiosk hand-over and anonymous family self-checks.

A token is 256 random bits from :mod:`secrets`, shown once and stored only as its
SHA-256 (selectors.token_hash), so a copy of the database opens nothing. Each part has
at most one working link: creating a new one revokes the others ("resend").
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from questionnaires import selectors
from questionnaires.models import (
    FamilyCheck,
    Invitation,
    Protocol,
    Screening,
    ScreeningPart,
)
from questionnaires.reports.pdf import forget_screening_reports
from questionnaires.services.audit import audit_record

LINK_DAYS = 14
KIOSK_HOURS = 4
# Crockford's base-32 alphabet: no I, L, O or U to misread or mistype.
RESUME_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_LOOK_ALIKES = str.maketrans("OILU", "011V")
RESUME_LENGTH = 10  # 50 bits; guessing is also rate-limited by the view


@dataclass(frozen=True)
class IssuedInvitation:
    """A new invitation and its raw token, which exists nowhere else."""

    invitation: Invitation
    token: str


def _new_token() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def invitation_create(
    *,
    part: ScreeningPart,
    by: User | None,
    kind: str = Invitation.Kind.LINK,
    now: datetime | None = None,
    valid_for: timedelta | None = None,
) -> IssuedInvitation:
    """Issue a link for ``part``; any earlier working link for it stops working."""
    now = now or timezone.now()
    if valid_for is None:
        valid_for = (
            timedelta(hours=KIOSK_HOURS)
            if kind == Invitation.Kind.KIOSK
            else timedelta(days=LINK_DAYS)
        )
    revoked = Invitation.objects.filter(
        part=part, revoked_at__isnull=True, expires_at__gt=now
    ).update(revoked_at=now)
    token = _new_token()
    invitation = Invitation.objects.create(
        part=part,
        kind=kind,
        token_hash=selectors.token_hash(token),
        created_by=by,
        expires_at=now + valid_for,
    )
    audit_record(
        actor=by,
        actor_label="" if by else "respondent",
        action="invitation.create",
        target=invitation,
        organisation=part.screening.organisation,
        details={"kind": kind, "part": part.pk, "revoked_earlier": revoked},
    )
    return IssuedInvitation(invitation=invitation, token=token)


@transaction.atomic
def invitation_revoke(
    *, invitation: Invitation, by: User, now: datetime | None = None
) -> Invitation:
    """Stop a link from working; revoking twice changes nothing."""
    if invitation.revoked_at is not None:
        return invitation
    invitation.revoked_at = now or timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(
        actor=by,
        action="invitation.revoke",
        target=invitation,
        organisation=invitation.part.screening.organisation,
    )
    return invitation


@transaction.atomic
def invitation_open(*, invitation: Invitation, now: datetime | None = None) -> None:
    """Stamp the first time a link was opened (once; no audit row per page).

    Two servers may both hold the link as not yet opened: only the one whose
    update stamps it records the audit event.
    """
    if invitation.opened_at is None:
        now = now or timezone.now()
        stamped = Invitation.objects.filter(
            pk=invitation.pk, opened_at__isnull=True
        ).update(opened_at=now)
        invitation.opened_at = now
        if not stamped:
            return
        audit_record(
            actor_label="respondent",
            action="invitation.open",
            target=invitation,
            organisation=invitation.part.screening.organisation,
        )


# --- Anonymous family self-check -------------------------------------------------


def resume_code_hash(code: str) -> str:
    """The stored form of a resume code (keyed, since the code is short)."""
    key = "hikiscreen.family.resume"
    return salted_hmac(key, normalise_resume_code(code)).hexdigest()


def normalise_resume_code(code: str) -> str:
    """Upper-case, without spaces or dashes, with look-alike letters mapped."""
    cleaned = "".join(code.split()).replace("-", "").upper()
    return cleaned.translate(_LOOK_ALIKES)


def format_resume_code(code: str) -> str:
    """``ABCDE-FGHJK``: two groups, easy to copy by hand."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def retention_days() -> int:
    """How long an anonymous check is kept (setting FAMILY_CHECK_RETENTION_DAYS)."""
    return int(getattr(settings, "FAMILY_CHECK_RETENTION_DAYS", 30))


def abandoned_hours() -> int:
    """How long a check with no answer is kept (FAMILY_CHECK_ABANDONED_HOURS)."""
    return int(getattr(settings, "FAMILY_CHECK_ABANDONED_HOURS", 24))


@dataclass(frozen=True)
class StartedFamilyCheck:
    """A new anonymous check: the link token and the resume code, shown once."""

    screening: Screening
    part: ScreeningPart
    token: str
    resume_code: str


@transaction.atomic
def family_check_start(
    *, age: int, language: str, protocol: Protocol, now: datetime | None = None
) -> StartedFamilyCheck:
    """Start an anonymous family self-check about a young person of ``age``."""
    now = now or timezone.now()
    purge_after = now + timedelta(days=retention_days())
    screening = Screening.objects.create(age=age)
    part = ScreeningPart.objects.create(
        screening=screening,
        role=ScreeningPart.Role.INFORMANT,
        protocol=protocol,
        mode=ScreeningPart.Mode.LINK,
        language=language,
    )
    code = "".join(secrets.choice(RESUME_ALPHABET) for _ in range(RESUME_LENGTH))
    FamilyCheck.objects.create(
        screening=screening,
        resume_code_hash=resume_code_hash(code),
        purge_after=purge_after,
    )
    issued = invitation_create(
        part=part,
        by=None,
        kind=Invitation.Kind.SELF_CHECK,
        now=now,
        valid_for=purge_after - now,
    )
    audit_record(actor_label="family", action="family_check.create", target=screening)
    return StartedFamilyCheck(
        screening=screening,
        part=part,
        token=issued.token,
        resume_code=format_resume_code(code),
    )


def family_check_resume(*, code: str, now: datetime | None = None) -> str | None:
    """A fresh link token for the check with this resume code, or None.

    The old link stops working, so a resume code found on a shared computer cannot
    be combined with a link from the browser history.
    """
    check = selectors.family_check_get_by_code_hash(resume_code_hash(code))
    if check is None:
        return None
    part = check.screening.parts.get()
    issued = invitation_create(
        part=part,
        by=None,
        kind=Invitation.Kind.SELF_CHECK,
        now=now,
        valid_for=check.purge_after - (now or timezone.now()),
    )
    return issued.token


@transaction.atomic
def family_checks_purge(*, now: datetime | None = None) -> int:
    """Delete every anonymous check past its retention period, answers included.

    A check nobody answered is kept only ``FAMILY_CHECK_ABANDONED_HOURS``: starting
    one costs a visitor a click and the app six rows, so abandoned ones go early.
    """
    now = now or timezone.now()
    # A check started ``abandoned_hours`` ago has this much of its retention left
    # (purge_after is set from the start time, which follows ``now`` in tests).
    abandoned_if_due_before = (
        now + timedelta(days=retention_days()) - timedelta(hours=abandoned_hours())
    )
    expired = Screening.objects.filter(
        Q(family_check__purge_after__lte=now)
        | Q(
            family_check__purge_after__lte=abandoned_if_due_before,
            parts__answers__isnull=True,
        ),
        family_check__isnull=False,
        patient__isnull=True,
    ).distinct()
    screening_pks = list(expired.values_list("pk", flat=True))
    count = len(screening_pks)
    if count:
        Screening.objects.filter(pk__in=screening_pks).delete()
        forget_screening_reports(screening_pks)
        # A summary rendered while this transaction ran is dropped once more.
        transaction.on_commit(lambda: forget_screening_reports(screening_pks))
        audit_record(
            actor_label="system",
            action="family_check.purge",
            details={"deleted": count},
        )
    return count


@transaction.atomic
def kiosk_invitations_revoke(
    *, screening_pk: int, by: User, now: datetime | None = None
) -> int:
    """End every clinic-device session of a screening when the clinician is back."""
    now = now or timezone.now()
    count = Invitation.objects.filter(
        part__screening_id=screening_pk,
        kind=Invitation.Kind.KIOSK,
        revoked_at__isnull=True,
    ).update(revoked_at=now)
    if count:
        audit_record(
            actor=by,
            action="invitation.kiosk_end",
            details={"screening": screening_pk, "revoked": count},
        )
    return count


#: Wrong passwords allowed at a device's hand-back before the hand-over ends.
KIOSK_RETURN_ATTEMPTS = 3


def kiosk_clinician_check(*, user_pk: int, password: str) -> User | None:
    """The clinician who handed the device over, if ``password`` is theirs.

    Deliberately not ``authenticate()``: a guess typed on a shared device must never
    count toward the sign-in lock-out of the account or of the clinic's address
    (one curious patient behind the clinic's NAT would lock everyone out). The
    hand-over allows only ``KIOSK_RETURN_ATTEMPTS`` guesses, then needs a full
    sign-in, which the lock-out does protect.
    """
    user = selectors.kiosk_clinician(user_pk)
    if user is None or not user.check_password(password):
        return None
    return user


def kiosk_hand_back_end(*, screening_pk: int) -> None:
    """Record that a hand-over ended after too many wrong passwords."""
    audit_record(
        actor_label="respondent",
        action="kiosk.hand_back_refused",
        details={"screening": screening_pk, "attempts": KIOSK_RETURN_ATTEMPTS},
    )
