"""Each exported QuestionnaireResponse names the translation its respondent read:
the clinic's entered (validated) one, else the project's working one; none for
English or for text bundled with the instrument. A translated version's
Questionnaire names where its translated text comes from."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from questionnaires.exports import fhir, streams
from questionnaires.models import InstrumentVersion, Patient, Protocol, Screening
from questionnaires.services import screenings as services
from tests.exports.conftest import answer_every_item
from tests.factories import FAMILY, SELF, publish_translation, self_and_family_screening

pytestmark = pytest.mark.django_db

USED = f"{fhir.DEFAULT_BASE}/StructureDefinition/translation-used"


def _responses(screening: Screening) -> dict[tuple[str, str], dict[str, Any]]:
    """(source display or "self", instrument code) -> QuestionnaireResponse."""
    bundle = streams.screening_bundle(screening)
    Bundle.model_validate(bundle)
    found = {}
    for entry in bundle["entry"]:
        resource = entry["resource"]
        if resource["resourceType"] == "QuestionnaireResponse":
            QuestionnaireResponse.model_validate(resource)
            code = resource["questionnaire"].split("|")[0].rsplit("/", 1)[-1]
            who = resource["source"].get("display", "self")
            found[(who, code)] = resource
    return found


def _named(response: dict[str, Any]) -> dict[str, Any] | None:
    used = [e for e in response.get("extension", []) if e["url"] == USED]
    if not used:
        return None
    (extension,) = used
    return {
        part["url"]: next(v for k, v in part.items() if k.startswith("value"))
        for part in extension["extension"]
    }


def test_a_japanese_respondents_responses_name_the_translation_each_was_read_in(
    clinician: User, patient: Patient, protocols: dict[str, Any], admin_user: User
) -> None:
    publish_translation(
        "phq9",
        "ja",
        by=admin_user,
        source="Muramatsu K et al. (placeholder for the test)",
        citation="Psychol Rep 2007;101(3):952-960",
        licence="Free to reproduce and translate",
    )
    current = {
        code: Protocol.objects.get(code=code, status=Protocol.Status.PUBLISHED)
        for code in (SELF, FAMILY)
    }
    submitted = self_and_family_screening(
        patient=patient, by=clinician, protocols=current
    )
    for part in submitted.parts.all():
        answer_every_item(part)
        services.part_submit(part=part)
    submitted.parts.filter(role="self").update(language="ja")

    responses = _responses(submitted)

    assert _named(responses[("self", "phq9")]) == {
        "language": "ja",
        "source": "Muramatsu K et al. (placeholder for the test)",
        "citation": "Psychol Rep 2007;101(3):952-960",
        "licence": "Free to reproduce and translate",
        "population": "Japanese adults",
        "validated": True,
    }
    asq = _named(responses[("self", "asq")])
    assert asq is not None
    assert asq["language"] == "ja"
    assert asq["source"] == "HikiScreen"
    assert asq["validated"] is False
    assert "population" not in asq
    # The withdrawal module ships its own Japanese text: no translation to name.
    assert _named(responses[("self", "withdrawal")]) is None


def test_responses_in_english_name_no_translation(submitted: Screening) -> None:
    assert all(_named(r) is None for r in _responses(submitted).values())


def test_the_questionnaire_of_a_translated_version_names_its_translation(
    protocols: dict[str, Any], admin_user: User
) -> None:
    release = publish_translation(
        "phq9", "ja", by=admin_user, source="Muramatsu K et al. (placeholder)"
    )

    new = streams.version_questionnaire(release.version)
    old = streams.version_questionnaire(release.previous)

    Questionnaire.model_validate(new)
    assert _named(new) == {
        "language": "ja",
        "source": "Muramatsu K et al. (placeholder)",
        "licence": "Licensed to the clinic (test)",
        "population": "Japanese adults",
        "validated": True,
    }
    first = new["item"][0]
    assert "[ja]" in str(first["_text"])
    assert _named(old) is None
    # The ASQ's working translation is not part of its Questionnaire's text.
    asq = InstrumentVersion.objects.get(instrument__code="asq", number=1)
    assert _named(streams.version_questionnaire(asq)) is None
