"""manage.py load_instruments: every bundled instrument and protocol, idempotently."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from questionnaires.bank import loader
from questionnaires.models import (
    InstrumentVersion,
    Item,
    ItemOption,
    Protocol,
    ProtocolEntry,
)

pytestmark = pytest.mark.django_db


def _load() -> str:
    out = StringIO()
    call_command("load_instruments", stdout=out)
    return out.getvalue()


def _rows() -> list[tuple[object, ...]]:
    return [
        tuple(model.objects.order_by("pk").values_list())
        for model in (InstrumentVersion, Item, ItemOption, Protocol, ProtocolEntry)
    ]


def test_loads_every_bundled_version_as_published() -> None:
    output = _load()

    bundled = loader.load_bundled()
    versions = InstrumentVersion.objects.select_related("instrument")
    assert {(v.instrument.code, v.number) for v in versions} == {
        (d.code, d.version) for d in bundled
    }
    assert all(v.status == InstrumentVersion.Status.PUBLISHED for v in versions)
    assert "phq9 v1: loaded and published" in output


def test_second_run_changes_nothing_and_says_so() -> None:
    _load()
    before = _rows()

    output = _load()

    assert _rows() == before
    assert "Nothing changed" in output
    assert "loaded and published" not in output


def test_protocols_are_published_or_left_as_draft_with_the_reason() -> None:
    output = _load()

    brief = Protocol.objects.get(code="self_report_brief")
    screen = Protocol.objects.get(code="self_report_screen")
    assert brief.status == Protocol.Status.PUBLISHED
    assert screen.status == Protocol.Status.DRAFT
    hq25 = InstrumentVersion.objects.get(instrument__code="hq25")
    (sentence,) = [line for line in output.splitlines() if "wait for" in line]
    assert sentence.startswith(
        "4 protocol(s) wait for licensed item text (family_extended_adolescent, "
        "family_extended_child, self_report_extended, self_report_screen"
    )
    assert f"hq25 v1 at /admin/questionnaires/instrumentversion/{hq25.pk}/" in sentence
    assert "left as draft" not in output


def test_a_run_changing_nothing_still_says_what_waits_for_licensed_text() -> None:
    _load()

    output = _load()

    assert "Nothing changed" in output
    assert "wait for licensed item text" in output


def test_a_bundled_file_differing_from_the_loaded_version_is_refused() -> None:
    _load()
    version = InstrumentVersion.objects.get(instrument__code="gad7", number=1)
    document = dict(version.document or {}, changelog="Loaded from an older file.")
    InstrumentVersion.objects.filter(pk=version.pk).update_frozen(document=document)

    with pytest.raises(CommandError) as caught:
        _load()

    assert "gad7 v1" in str(caught.value)
    assert "already loaded with different content" in str(caught.value)
    assert "new version number" in str(caught.value)
