"""Shared fixtures: personas (STYLE.md §8) and test-only speed-ups."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.cache import cache
from django.utils import translation

from questionnaires.models import Membership, Organisation

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fast_and_offline(settings: Any) -> None:
    """Cheap password hashing, local e-mail and unhashed static names in tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Every test starts with empty rate-limit counters (the cache outlives tests)."""
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Every test starts in the site's default language: a request's middleware
    activates the user's language for the rest of the thread, as Django does."""
    translation.deactivate()
    yield
    translation.deactivate()


def _user(username: str, **extra: Any) -> User:
    user: User = get_user_model().objects.create_user(
        username=username, email=f"{username}@example.org", password=PASSWORD, **extra
    )
    return user


def _member(username: str, organisation: Organisation, role: str) -> User:
    user = _user(username)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def clinic_a(db: None) -> Organisation:
    return Organisation.objects.create(name="Clinic A", slug="clinic-a")


@pytest.fixture
def clinic_b(db: None) -> Organisation:
    return Organisation.objects.create(name="Clinic B", slug="clinic-b")


@pytest.fixture
def clinician(clinic_a: Organisation) -> User:
    """A clinician of clinic A."""
    return _member("alice", clinic_a, Membership.Role.CLINICIAN)


@pytest.fixture
def colleague(clinic_a: Organisation) -> User:
    """Another clinician of clinic A, same role as `clinician`."""
    return _member("bob", clinic_a, Membership.Role.CLINICIAN)


@pytest.fixture
def outsider(clinic_b: Organisation) -> User:
    """A clinician of clinic B, who must see nothing of clinic A."""
    return _member("charlie", clinic_b, Membership.Role.CLINICIAN)


@pytest.fixture
def org_admin(clinic_a: Organisation) -> User:
    """The organisation admin of clinic A."""
    return _member("olga", clinic_a, Membership.Role.ORG_ADMIN)


@pytest.fixture
def admin_user(db: None) -> User:
    """A staff superuser: edits the question bank."""
    return _user("iago", is_staff=True, is_superuser=True)


@pytest.fixture
def protocols(db: None) -> dict[str, Any]:
    """The bundled self-report (brief), family and clinician protocols, published."""
    from tests.factories import CLINICIAN, FAMILY, SELF, load_protocols

    return load_protocols(SELF, FAMILY, CLINICIAN)


@pytest.fixture
def patient(clinic_a: Organisation) -> Any:
    """A patient of clinic A, born in 2006."""
    from tests.factories import patient_of

    return patient_of(clinic_a, code="A-001")
