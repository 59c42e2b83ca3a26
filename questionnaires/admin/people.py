"""Organisations, their members and crisis contacts, and the read-only patient list."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from questionnaires.models import (
    CrisisContact,
    Membership,
    Organisation,
    Patient,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(CrisisContact)
class CrisisContactAdmin(admin.ModelAdmin):
    """An organisation's own crisis contacts per language (replace the defaults)."""

    list_display = ["organisation", "language", "order", "name", "phone", "hours"]
    list_filter = ["organisation", "language"]
    ordering = ["organisation", "language", "order"]


@admin.register(Patient)
class PatientAdmin(admin.ModelAdmin):
    """Pseudonymous patients, read-only: clinicians manage them in the app."""

    list_display = ["code", "organisation", "birth_year", "sex", "created_at"]
    list_filter = ["organisation"]
    search_fields = ["code"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: Patient | None = None
    ) -> bool:
        return False
