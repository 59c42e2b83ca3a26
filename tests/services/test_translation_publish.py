"""services.translations.translation_publish: a translation is a new version that
keeps every earlier translation and the project's working ones, for every language."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from questionnaires import selectors
from questionnaires.models import InstrumentVersion, Protocol, TranslationRecord
from questionnaires.services.bank import BankError
from tests.factories import SELF, load_protocols, publish_translation

pytestmark = pytest.mark.django_db


def _version(code: str, number: int) -> InstrumentVersion:
    return InstrumentVersion.objects.get(instrument__code=code, number=number)


def test_a_second_language_keeps_the_first_and_its_provenance(
    protocols: dict[str, Any], admin_user: User, clinician: User
) -> None:
    publish_translation("phq9", "ja", by=clinician, source="Japanese source")
    release = publish_translation(
        "phq9", "it", by=admin_user, source="Italian source", population="adolescents"
    )

    v3 = release.version
    assert (v3.number, v3.languages) == (3, ["en", "ja", "it"])
    assert v3.items.get(code="phq9_1").text_ja.startswith("[ja] ")
    assert v3.items.get(code="phq9_1").text_it.startswith("[it] ")
    japanese = selectors.translation_used(v3, "ja")
    assert japanese is not None and japanese.pk is not None
    assert (japanese.source, japanese.entered_by) == ("Japanese source", clinician)
    assert selectors.translation_used(v3, "it") == release.record
    # Version 2 is as it was published: Japanese only.
    assert _version("phq9", 2).languages == ["en", "ja"]
    assert selectors.translation_used(_version("phq9", 2), "it") is None


def test_a_japanese_asq_keeps_the_italian_working_translation(
    protocols: dict[str, Any], admin_user: User
) -> None:
    release = publish_translation("asq", "ja", by=admin_user)

    italian = selectors.translation_used(release.version, "it")
    assert italian is not None and italian.pk is not None
    assert italian.kind == TranslationRecord.Kind.WORKING
    assert italian.source == "HikiScreen"
    current = Protocol.objects.get(code=SELF, status=Protocol.Status.PUBLISHED)
    (gap,) = [
        g
        for g in selectors.safety_language_gaps([current])
        if g.version.instrument.code == "asq"
    ]
    assert gap.version == release.version
    assert (gap.working, gap.english) == (("it",), ())


def test_licensed_text_must_be_entered_before_its_translation(
    admin_user: User,
) -> None:
    load_protocols("self_report_screen")  # HQ-25 without its licensed text

    with pytest.raises(BankError) as refused:
        publish_translation("hq25", "ja", by=admin_user)

    assert "Enter the licensed English text of hq25 v1" in str(refused.value)
    assert not InstrumentVersion.objects.filter(instrument__code="hq25", number=2)


def test_a_refused_publication_leaves_no_draft_behind(
    protocols: dict[str, Any], admin_user: User
) -> None:
    with pytest.raises(BankError):
        publish_translation("gad7", "ja", by=admin_user, population="")

    assert list(
        InstrumentVersion.objects.filter(instrument__code="gad7").values_list(
            "number", flat=True
        )
    ) == [1]


def test_loading_the_bundled_instruments_again_keeps_the_translated_version(
    protocols: dict[str, Any], admin_user: User
) -> None:
    release = publish_translation("phq9", "ja", by=admin_user)

    call_command("load_instruments", stdout=io.StringIO())

    current = Protocol.objects.get(code=SELF, status=Protocol.Status.PUBLISHED)
    assert current.number == 2
    assert current.entries.filter(instrument_version=release.version).exists()
    assert _version("phq9", 1).status == InstrumentVersion.Status.PUBLISHED
