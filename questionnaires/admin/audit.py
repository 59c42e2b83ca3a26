"""The audit trail: read-only for everyone."""

from __future__ import annotations

from django.contrib import admin

from questionnaires.models import (
    AuditEvent,
)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "actor",
        "actor_label",
        "action",
        "organisation",
        "target_type",
        "target_id",
    ]
    list_filter = ["action", "organisation"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
