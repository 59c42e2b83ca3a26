"""What the bank admins share: read-only once frozen, and small request helpers."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from questionnaires.models import (
    LANGUAGE_CODES,
    InstrumentVersion,
)

# -- Question bank ---------------------------------------------------------------------
# Frozen (published or retired) versions and protocols get no change permission, so
# the admin shows them read-only and refuses a POST; every write goes through
# questionnaires.services.bank.


def is_frozen(obj: object) -> bool:
    return bool(getattr(obj, "is_frozen", False))


class FrozenMixin:
    """Read-only and undeletable once ``obj`` (the object or the inline's parent)
    is frozen; the admin then shows its view-only page and refuses a POST."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not is_frozen(obj) and super().has_change_permission(  # type: ignore[misc]
            request, obj
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not is_frozen(obj) and super().has_delete_permission(  # type: ignore[misc]
            request, obj
        )


class FrozenParentInline(FrozenMixin, admin.TabularInline):  # type: ignore[type-arg]
    """An inline that is read-only once its parent version or protocol is frozen."""

    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not is_frozen(obj) and super().has_add_permission(request, obj)


def fhir_download(resource: dict[str, Any], filename: str) -> HttpResponse:
    return HttpResponse(
        json.dumps(resource, ensure_ascii=False, indent=2) + "\n",
        content_type="application/fhir+json; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def version_change_url(version: InstrumentVersion) -> str:
    return reverse("admin:questionnaires_instrumentversion_change", args=[version.pk])


def bank_language(request: HttpRequest) -> str:
    lang = request.GET.get("lang", "en")
    return lang if lang in LANGUAGE_CODES else "en"


def staff_user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101  (admin_view: staff only)
    return request.user
