"""The benchmarks' ceiling: the least work a questionnaire page needs (DESIGN.md §5).

Bench-only. Nothing routes here in normal use: ``manage.py benchmark`` switches
``ROOT_URLCONF`` to this module for its in-process comparison, and ``bench/load.py``
serves it with ``DJANGO_SETTINGS_MODULE=bench.settings``. Every other URL is the app's
own (``hikiscreen.urls`` is included below), so app and ceiling share one process,
one middleware stack and one database.

A page GET renders a plain Django form of ``items`` radio questions of ``options``
choices; a POST validates the same number of answers and bulk-inserts as many
``Answer`` rows (each POST under fresh item codes, so rows only ever add up) in one
transaction, then redirects as the app does.
"""

from __future__ import annotations

import functools
import secrets
from typing import Any

from django import forms
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template import engines
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from questionnaires.models import Answer

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Ceiling</title></head><body><main><form method="post" novalidate>
{% csrf_token %}{{ form }}
<button type="submit" name="action" value="next">Next</button>
</form></main></body></html>
"""


@functools.cache
def _template() -> Any:
    return engines["django"].from_string(PAGE)


def field_name(number: int) -> str:
    """The name of the ``number``-th question (1-based), as a client posts it."""
    return f"q{number}"


@functools.cache
def ceiling_form_class(items: int, options: int) -> type[forms.Form]:
    """A form of ``items`` radio questions, each with ``options`` choices."""
    choices = [(value, f"Option {value}") for value in range(options)]
    fields = {
        field_name(n): forms.TypedChoiceField(
            label=f"Question {n}",
            choices=choices,
            coerce=int,
            widget=forms.RadioSelect,
        )
        for n in range(1, items + 1)
    }
    return type("CeilingForm", (forms.Form,), fields)


@require_http_methods(["GET", "POST"])
def ceiling_page(
    request: HttpRequest, part: int, version: int, items: int, options: int
) -> HttpResponse:
    form_class = ceiling_form_class(items, options)
    if request.method == "GET":
        return HttpResponse(_template().render({"form": form_class()}, request))
    form = form_class(request.POST)
    if not form.is_valid():
        return HttpResponse(status=422)
    batch = secrets.token_hex(6)
    now = timezone.now()
    with transaction.atomic():
        Answer.objects.bulk_create(
            Answer(
                part_id=part,
                instrument_version_id=version,
                item_code=f"{batch}-{code}",
                option_code=str(value),
                value=value,
                updated_at=now,
            )
            for code, value in form.cleaned_data.items()
        )
    return HttpResponseRedirect(request.path)


def ping(request: HttpRequest) -> HttpResponse:
    """No work at all: how fast the server and client can go (client-bound check)."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path(
        "__bench__/ceiling/<int:part>/<int:version>/<int:items>/<int:options>/",
        ceiling_page,
        name="bench-ceiling",
    ),
    path("__bench__/ping", ping, name="bench-ping"),
    path("", include("hikiscreen.urls")),
]
