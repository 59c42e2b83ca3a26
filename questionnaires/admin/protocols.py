"""Protocols: the batteries of instrument versions a screening is started from."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import URLPattern, path
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from questionnaires.admin.common import (
    FrozenMixin,
    FrozenParentInline,
    staff_user,
)
from questionnaires.models import (
    InstrumentVersion,
    Protocol,
    ProtocolEntry,
)
from questionnaires.services import bank


class ProtocolEntryInline(FrozenParentInline):
    model = ProtocolEntry
    fields = ["order", "instrument_version"]

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> Any:
        if db_field.name == "instrument_version":
            kwargs["queryset"] = InstrumentVersion.objects.select_related(
                "instrument"
            ).exclude(status=InstrumentVersion.Status.RETIRED)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Protocol)
class ProtocolAdmin(FrozenMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    change_form_template = "admin/questionnaires/protocol/change_form.html"
    list_display = [
        "code",
        "number",
        "name_en",
        "audience",
        "is_default",
        "status",
        "published_at",
    ]
    list_filter = ["audience", "status"]
    inlines = [ProtocolEntryInline]
    readonly_fields = ["number", "status", "published_at", "problems"]
    fieldsets = [
        (None, {"fields": ["code", "number", "audience", "is_default", "order"]}),
        (_("Status"), {"fields": ["status", "published_at", "problems"]}),
        (_("Name"), {"fields": ["name_en", "name_ja", "name_it"]}),
        (
            _("Description"),
            {"fields": ["description_en", "description_ja", "description_it"]},
        ),
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The code ties a protocol's versions together.
        extra = ["code"] if obj is not None else []
        return [*self.readonly_fields, *extra]

    @admin.display(description=_("before it can be published"))
    def problems(self, protocol: Protocol) -> str:
        if protocol.pk is None or protocol.is_frozen:
            return "-"
        return "; ".join(bank.protocol_problems(protocol)) or str(_("nothing: ready"))

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/publish/",
                view(self.publish_view),
                name="bank-protocol-publish",
            ),
            path("<int:pk>/copy/", view(self.copy_view), name="bank-protocol-copy"),
            *super().get_urls(),
        ]

    @method_decorator(require_POST)
    def copy_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        protocol = get_object_or_404(Protocol, pk=pk)
        draft = bank.protocol_copy_as_draft(protocol=protocol, by=staff_user(request))
        messages.success(
            request,
            _("Copied as the draft of version %(n)s.") % {"n": draft.number},
        )
        return redirect("admin:questionnaires_protocol_change", draft.pk)

    @method_decorator(require_POST)
    def publish_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        protocol = get_object_or_404(Protocol, pk=pk)
        try:
            bank.protocol_publish(protocol=protocol, by=staff_user(request))
        except bank.BankError as exc:
            messages.error(request, _("%(p)s: not published.") % {"p": protocol})
            for problem in exc.problems:
                messages.error(request, problem)
        else:
            messages.success(request, _("Published %(p)s.") % {"p": protocol})
        return redirect("admin:questionnaires_protocol_change", protocol.pk)
