"""The translation form sent twice at the same moment (two servers): one new
version, and the second submit is told it is already published (PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection

from questionnaires.models import InstrumentVersion, TranslationRecord
from questionnaires.services import translations
from questionnaires.services.bank import BankError
from tests.helpers import second_blocked_by_first

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True),
]


def test_two_submits_at_once_publish_one_version(
    protocols: dict[str, Any], admin_user: User
) -> None:
    version = InstrumentVersion.objects.get(instrument__code="gad7", number=1)
    english = translations.translation_source(version)
    text = translations.translation_text(
        version,
        items="\n".join(f"[ja] {en}" for _code, en in english.items),
        labels="\n".join(f"[ja] {en}" for en in english.labels),
        instructions=f"[ja] {english.instructions}",
    )

    def publish() -> None:
        translations.translation_publish(
            version=version,
            language="ja",
            kind="validated",
            source="A placeholder source",
            citation="",
            licence="Licensed to the clinic (test)",
            population="Japanese adults",
            text=text,
            by=admin_user,
        )

    blocked, errors = second_blocked_by_first(publish, publish)

    assert blocked  # the second really ran while the first held the instrument
    (refused,) = errors
    assert isinstance(refused, BankError)
    assert refused.problems == (
        "This translation is already published, as gad7 v2; nothing was changed.",
    )
    assert list(
        InstrumentVersion.objects.filter(instrument__code="gad7").values_list(
            "number", flat=True
        )
    ) == [2, 1]
    assert TranslationRecord.objects.count() == 1
