"""Answers and results stay bound to the instrument version that was answered.

An admin copies a published version to a draft, changes an item and a cut-off, and
publishes it; a screening answered before keeps its text, its scoring and its result
(DESIGN.md §1 Admin, STYLE.md §7 versioning).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from questionnaires.bank.convert import version_definition
from questionnaires.models import Answer, InstrumentVersion, Item, Patient
from questionnaires.services import screenings as services
from questionnaires.services.bank import (
    instrument_version_copy_as_draft,
    instrument_version_publish,
)
from tests.factories import SELF, start_screening

pytestmark = pytest.mark.django_db

NEW_WORDING = "A reworded first question (version 2)"


def _answered_screening(clinician: User, patient: Patient, protocol: Any) -> Any:
    screening = start_screening(
        patient=patient, by=clinician, parts=[("self", protocol, "link")]
    )
    part = screening.parts.get()
    # PHQ-9 total 10: the depression flag at the version 1 cut-off (age 18 and over).
    answers = {f"phq9_{n}": 1 for n in range(1, 10)} | {"phq9_1": 3, "phq9_9": 0}
    services.answers_save(part=part, answers={"phq9": answers})
    services.part_submit(part=part)
    screening.refresh_from_db()
    return screening


def _publish_v2_with_a_higher_cutoff(admin: User) -> InstrumentVersion:
    v1 = InstrumentVersion.objects.get(instrument__code="phq9", number=1)
    draft = instrument_version_copy_as_draft(version=v1, by=admin)
    Item.objects.filter(version=draft, code="phq9_1").update(text_en=NEW_WORDING)
    for rule in draft.scoring["flags"]:
        if rule["code"] == "depression":
            for condition in rule["when"].get("all", []):
                if condition.get("ref") == "total":
                    condition["value"] = 20
    draft.save()
    return instrument_version_publish(
        version=draft, by=admin, wording_acknowledged=True
    )


def test_a_new_version_changes_nothing_for_answers_already_given(
    client: Client,
    clinician: User,
    admin_user: User,
    patient: Patient,
    protocols: dict[str, Any],
) -> None:
    screening = _answered_screening(clinician, patient, protocols[SELF])
    flags_before = [flag["code"] for flag in screening.result["flags"]]
    assert "depression" in flags_before

    v2 = _publish_v2_with_a_higher_cutoff(admin_user)
    assert v2.number == 2
    new_rules = version_definition(v2).scoring.flags
    assert any(
        "20" in repr(rule.when) for rule in new_rules if rule.code == "depression"
    )

    # The stored answers point at version 1, whose definition is unchanged.
    versions = set(
        Answer.objects.filter(part__screening=screening).values_list(
            "instrument_version__number", flat=True
        )
    )
    assert versions == {1}
    v1 = InstrumentVersion.objects.get(instrument__code="phq9", number=1)
    assert version_definition(v1).index.items["phq9_1"].text["en"] != NEW_WORDING

    # Re-scoring (as a later part's submission does) still uses version 1.
    services._screening_rescore(screening, now=screening.scored_at)
    screening.refresh_from_db()
    assert [flag["code"] for flag in screening.result["flags"]] == flags_before

    # The clinician's result page still shows the flag that version 1 raised.
    client.force_login(clinician)
    page = client.get(
        reverse("questionnaires:screening-result", kwargs={"pk": screening.pk})
    ).content.decode()
    assert "PHQ-9: total = 10" in page  # the depression flag, raised by v1
    assert NEW_WORDING not in page
