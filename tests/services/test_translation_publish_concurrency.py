"""The translation form sent twice at the same moment (two servers): one new
version, and the second submit is told it is already published (PostgreSQL)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection, connections, transaction

from questionnaires.models import InstrumentVersion, TranslationRecord
from questionnaires.services import translations
from questionnaires.services.bank import BankError
from tests.helpers import waiting_for_a_lock

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

    first_done = threading.Event()
    release_first = threading.Event()
    second_pid: list[int] = []
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                publish()
                first_done.set()
                release_first.wait(timeout=60)
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)
            first_done.set()
        finally:
            connections.close_all()

    def second() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                second_pid.append(cursor.fetchone()[0])
            publish()
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connections.close_all()

    one = threading.Thread(target=first)
    one.start()
    first_done.wait(timeout=60)
    two = threading.Thread(target=second)
    two.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (
        second_pid and waiting_for_a_lock(second_pid[0])
    ):
        time.sleep(0.05)
    blocked = bool(second_pid) and waiting_for_a_lock(second_pid[0])
    release_first.set()
    one.join(timeout=60)
    two.join(timeout=60)

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
