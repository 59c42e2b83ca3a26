"""Organisations, their members and crisis contacts; every change is audited.

Each change made here (an organisation, a membership added, changed or removed in
its inline, a crisis contact) is an audit event of the organisation, which its org
admins see on their audit page: staff cannot grant themselves a clinic unseen.
Patients are not browsable here at all: the clinic pages, with their permissions
and audit trail, are the way to them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest

from questionnaires.admin.common import staff_user
from questionnaires.models import CrisisContact, Membership, Organisation
from questionnaires.services import organisations as services


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

    def save_model(
        self, request: HttpRequest, obj: Organisation, form: ModelForm, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        if form.changed_data or not change:
            services.admin_organisation_change_record(
                organisation=obj,
                fields=list(form.changed_data),
                created=not change,
                by=staff_user(request),
            )

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: Any, change: bool
    ) -> None:
        if not (isinstance(formset, BaseInlineFormSet) and formset.model is Membership):
            super().save_formset(request, form, formset, change)
            return
        # Removals are recorded while the rows still have their ids.
        services.admin_membership_changes_record(
            added=[],
            changed=[],
            removed=[f.instance for f in formset.deleted_forms if f.instance.pk],
            by=staff_user(request),
        )
        super().save_formset(request, form, formset, change)
        services.admin_membership_changes_record(
            added=list(formset.new_objects),
            changed=[(m, list(f)) for m, f in formset.changed_objects],
            removed=[],
            by=staff_user(request),
        )

    def delete_model(self, request: HttpRequest, obj: Organisation) -> None:
        services.admin_organisation_delete_record(
            organisation=obj, by=staff_user(request)
        )
        super().delete_model(request, obj)

    def delete_queryset(
        self, request: HttpRequest, queryset: QuerySet[Organisation]
    ) -> None:
        for organisation in queryset:
            self.delete_model(request, organisation)


@admin.register(CrisisContact)
class CrisisContactAdmin(admin.ModelAdmin):
    """An organisation's own crisis contacts per language (replace the defaults)."""

    list_display = ["organisation", "language", "order", "name", "phone", "hours"]
    list_filter = ["organisation", "language"]
    ordering = ["organisation", "language", "order"]

    def save_model(
        self, request: HttpRequest, obj: CrisisContact, form: ModelForm, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        if form.changed_data or not change:
            services.admin_crisis_contact_record(
                contact=obj,
                action="change" if change else "add",
                fields=list(form.changed_data),
                by=staff_user(request),
            )

    def delete_model(self, request: HttpRequest, obj: CrisisContact) -> None:
        services.admin_crisis_contact_record(
            contact=obj, action="remove", fields=[], by=staff_user(request)
        )
        super().delete_model(request, obj)

    def delete_queryset(
        self, request: HttpRequest, queryset: QuerySet[CrisisContact]
    ) -> None:
        for contact in queryset:
            self.delete_model(request, contact)
