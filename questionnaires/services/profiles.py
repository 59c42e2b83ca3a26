"""A staff member's own settings (their profile)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from questionnaires.models import StaffProfile
from questionnaires.services.audit import audit_record


@transaction.atomic
def staff_language_set(*, user: User, language: str) -> StaffProfile:
    """Set the language of the user's pages and PDFs ("" = the browser's)."""
    profile, _ = StaffProfile.objects.select_for_update().get_or_create(user=user)
    profile.language = language
    profile.full_clean()
    profile.save(update_fields=["language"])
    audit_record(
        action="account.language_set",
        actor=user,
        target=profile,
        details={"language": language or "browser"},
    )
    return profile
