"""FHIR R4 mapping (questionnaires.exports.fhir), validated with fhir.resources.

fhir.resources ships the R4 models as ``fhir.resources.R4B`` (FHIR 4.3, whose
Questionnaire, QuestionnaireResponse, Observation and Bundle keep R4's structure).
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
from typing import Any

import pytest
from django.contrib.auth.models import User
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from questionnaires.bank import latest_by_code, load_bundled
from questionnaires.exports import fhir, streams
from questionnaires.models import Answer, AuditEvent, InstrumentVersion, Screening
from questionnaires.scoring.definitions import (
    AllOf,
    AnyOf,
    Comparison,
    InstrumentDefinition,
    Item,
)
from questionnaires.scoring.rules import Facts, evaluate
from questionnaires.services.bank import BankError
from questionnaires.services.exports import questionnaire_import

BUNDLED = load_bundled()
BY_CODE = latest_by_code(BUNDLED)


def ids(definitions: Any) -> list[str]:
    return [f"{d.code}-v{d.version}" for d in definitions]


@pytest.mark.parametrize("definition", BUNDLED, ids=ids(BUNDLED))
def test_every_bundled_instrument_is_a_valid_r4_questionnaire(
    definition: InstrumentDefinition,
) -> None:
    resource = fhir.questionnaire(definition)
    Questionnaire.model_validate(resource)
    assert resource["url"] == f"{fhir.DEFAULT_BASE}/Questionnaire/{definition.code}"
    assert resource["version"] == str(definition.version)
    assert resource["identifier"][0]["value"] == definition.code
    assert [i["linkId"] for i in resource["item"]] == [i.code for i in definition.items]


@pytest.mark.parametrize("definition", BUNDLED, ids=ids(BUNDLED))
def test_bundled_instrument_survives_a_round_trip(
    definition: InstrumentDefinition,
) -> None:
    back = fhir.questionnaire_to_definition(fhir.questionnaire(definition))
    assert (back.code, back.version, back.audience) == (
        definition.code,
        definition.version,
        definition.audience,
    )
    assert back.name == definition.name
    assert back.licence == definition.licence
    assert back.instructions == definition.instructions
    assert (back.citation, back.short_name, back.languages) == (
        definition.citation,
        definition.short_name,
        definition.languages,
    )
    assert (back.age_min, back.age_max) == (definition.age_min, definition.age_max)
    for mine, theirs in zip(back.items, definition.items, strict=True):
        assert mine.text == theirs.text, mine.code
        assert (mine.code, mine.kind, mine.required, mine.safety) == (
            theirs.code,
            theirs.kind,
            theirs.required,
            theirs.safety,
        )
        assert mine.options == theirs.options
        assert (mine.min, mine.max, mine.decimals) == (
            theirs.min,
            theirs.max,
            theirs.decimals,
        )
        assert mine.show_if == theirs.show_if
        assert (mine.section, mine.help) == (theirs.section, theirs.help)
    assert back.scoring.total.method == "none"  # scoring is not in a Questionnaire


def test_choice_options_carry_code_and_value_as_ordinal_value() -> None:
    item = next(
        i
        for i in fhir.questionnaire(BY_CODE["phq9"])["item"]
        if i["linkId"] == "phq9_1"
    )
    assert item["type"] == "choice"
    coding = item["answerOption"][2]["valueCoding"]
    assert coding["code"] == "2"
    assert coding["extension"] == [{"url": fhir.ORDINAL_VALUE, "valueDecimal": 2}]
    assert coding["display"] == "More than half the days"


def _facts(answers: dict[str, Any]) -> Facts:
    return Facts("x", answers, None, {}, 19)


@pytest.mark.parametrize("code", ["phq9", "asq"])
def test_enable_when_alone_means_the_same_as_show_if(code: str) -> None:
    """With HikiScreen's show-if extension removed, another system's reading of
    enableWhen shows the item for exactly the answers show_if does."""
    definition = BY_CODE[code]
    resource = copy.deepcopy(fhir.questionnaire(definition))
    for item in resource["item"]:
        item["extension"] = [
            e for e in item["extension"] if not e["url"].endswith("item-show-if")
        ]
    back = fhir.questionnaire_to_definition(resource)
    branched = [i for i in definition.items if i.show_if is not None]
    assert branched
    for original in branched:
        imported = next(i for i in back.items if i.code == original.code)
        assert imported.show_if is not None
        assert original.show_if is not None
        mapped, kept = imported.show_if, original.show_if
        refs = [c.ref[5:] for c in _comparisons(kept)]
        cases: list[dict[str, Any]] = [{}]
        for ref in refs:
            values = [o.value for o in definition.index.items[ref].options]
            cases += [{ref: v} for v in values]
        if len(refs) <= 4:  # every combination of no/yes-like values too
            cases += [
                dict(zip(refs, combo, strict=True))
                for combo in itertools.product([0, 1], repeat=len(refs))
            ]
        for answers in cases:
            assert (
                evaluate(mapped, _facts(answers))[0]
                == evaluate(kept, _facts(answers))[0]
            ), answers


def _comparisons(condition: Any) -> list[Comparison]:
    if isinstance(condition, Comparison):
        return [condition]
    return [c for part in condition.conditions for c in _comparisons(part)]


ITEMS = {
    "q1": Item(code="q1", kind="integer", min=0, max=10),
    "q2": Item(code="q2", kind="yes_no", options=BY_CODE["asq"].items[0].options),
    "t": Item(code="t", kind="time_of_day"),
}


@pytest.mark.parametrize(
    ("condition", "behaviour", "operators"),
    [
        (Comparison("item:q1", "ge", 3), None, [">="]),
        (Comparison("item:q1", "between", (2, 5)), "all", [">=", "<"]),
        (Comparison("item:q1", "in", (1, 2)), "any", ["=", "="]),
        (Comparison("item:q2", "answered"), None, ["exists"]),
        (Comparison("item:q2", "ne", 0), None, ["="]),
        (
            AllOf(
                (Comparison("item:q1", "gt", 1), Comparison("item:t", "lt", "06:00"))
            ),
            "all",
            [">", "<"],
        ),
    ],
)
def test_show_if_that_maps_becomes_enable_when(
    condition: Any, behaviour: str | None, operators: list[str]
) -> None:
    mapped = fhir.enable_when(condition, ITEMS, "demo")
    assert mapped is not None
    entries, got = mapped
    assert got == behaviour
    assert [e["operator"] for e in entries] == operators


@pytest.mark.parametrize(
    "condition",
    [
        Comparison("age", "ge", 18),
        Comparison("total", "ge", 10),
        Comparison("derived:sleep_midpoint", "between", (540, 1260)),
        AllOf((Comparison("item:q1", "in", (1, 2)), Comparison("item:q1", "ne", 0))),
        AnyOf((AllOf((Comparison("item:q1", "gt", 1),)),)),
    ],
)
def test_show_if_that_does_not_map_has_no_enable_when(condition: Any) -> None:
    assert fhir.enable_when(condition, ITEMS, "demo") is None


def test_unmapped_show_if_stays_in_an_extension() -> None:
    definition = dataclasses.replace(
        BY_CODE["gad7"],
        items=(
            *BY_CODE["gad7"].items,
            Item(
                code="adult_only",
                kind="integer",
                min=0,
                max=3,
                show_if=Comparison("age", "ge", 18),
            ),
        ),
    )
    item = fhir.questionnaire(definition)["item"][-1]
    assert "enableWhen" not in item
    assert {
        "url": fhir.ext(fhir.DEFAULT_BASE, "item-show-if"),
        "valueString": '{"ref": "age", "op": "ge", "value": 18}',
    } in item["extension"]


def test_licensed_text_never_leaves_in_a_questionnaire() -> None:
    hq25 = BY_CODE["hq25"]
    entered = dataclasses.replace(
        hq25,
        items=tuple(dataclasses.replace(i, text={"en": "SECRET"}) for i in hq25.items),
    )
    resource = fhir.questionnaire(entered)
    assert "SECRET" not in str(resource)
    placeholder = {
        "url": fhir.ext(fhir.DEFAULT_BASE, "placeholder"),
        "valueBoolean": True,
    }
    first = resource["item"][0]
    assert first["text"] == "HQ-25 item 1"
    assert first["_text"]["extension"] == [placeholder]
    options = [o["valueCoding"] for o in first["answerOption"]]
    assert [o["display"] for o in options] == [
        str(o.value) for o in hq25.items[0].options
    ]
    assert all(o["_display"]["extension"] == [placeholder] for o in options)
    assert resource["copyright"].startswith(hq25.licence.attribution[:20])


def test_translations_use_the_translation_extension() -> None:
    with_ja = dataclasses.replace(
        BY_CODE["phq9"], name={"en": "PHQ-9", "ja": "ピーエイチキュー"}
    )
    resource = fhir.questionnaire(with_ja)
    assert resource["_title"]["extension"][0]["extension"] == [
        {"url": "lang", "valueCode": "ja"},
        {"url": "content", "valueString": "ピーエイチキュー"},
    ]
    Questionnaire.model_validate(resource)
    assert fhir.questionnaire_to_definition(resource).name == with_ja.name


def test_questionnaire_from_elsewhere_imports_what_maps() -> None:
    resource = {
        "resourceType": "Questionnaire",
        "name": "SleepCheck",
        "status": "active",
        "version": "3",
        "title": "Sleep check",
        "item": [
            {
                "linkId": "night",
                "text": "Awake at night?",
                "type": "boolean",
                "required": True,
            },
            {
                "linkId": "how",
                "type": "choice",
                "text": "How often?",
                "enableWhen": [
                    {"question": "night", "operator": "=", "answerBoolean": True}
                ],
                "answerOption": [
                    {"valueCoding": {"code": "a", "display": "Rarely"}},
                    {"valueCoding": {"code": "b", "display": "Often"}},
                ],
            },
            {"linkId": "intro", "type": "display", "text": "Thanks"},
        ],
    }
    Questionnaire.model_validate(resource)
    imported = fhir.questionnaire_to_document(resource)
    definition = fhir.questionnaire_to_definition(resource)
    assert (definition.code, definition.version) == ("sleep_check", 3)
    assert [i.kind for i in definition.items] == ["yes_no", "single_choice"]
    assert [o.value for o in definition.items[1].options] == [0, 1]
    assert definition.items[1].show_if == Comparison("item:night", "eq", 1)
    assert any("display items" in note for note in imported.notes)


def test_unsupported_item_types_are_refused_with_their_link_id() -> None:
    resource = {
        "resourceType": "Questionnaire",
        "status": "active",
        "item": [{"linkId": "when", "type": "dateTime"}],
    }
    with pytest.raises(fhir.UnmappableQuestionnaire, match="when"):
        fhir.questionnaire_to_document(resource)


@pytest.mark.django_db
def test_screening_bundle_validates_and_holds_answers_and_scores(
    submitted: Screening,
) -> None:
    bundle = streams.screening_bundle(submitted)
    Bundle.model_validate(bundle)
    for entry in bundle["entry"]:
        resource = entry["resource"]
        if resource["resourceType"] == "QuestionnaireResponse":
            QuestionnaireResponse.model_validate(resource)
        else:
            Observation.model_validate(resource)
    assert bundle["type"] == "collection"
    responses = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "QuestionnaireResponse"
    ]
    assert {r["questionnaire"] for r in responses} == {
        f"{fhir.DEFAULT_BASE}/Questionnaire/{code}|1"
        for code in ("withdrawal", "phq9", "gad7", "asq", "withdrawal_family")
    }
    phq9 = next(r for r in responses if "/phq9|" in r["questionnaire"])
    stored = dict(
        Answer.objects.filter(
            part__screening=submitted, instrument_version__instrument__code="phq9"
        ).values_list("item_code", "value")
    )
    exported = {
        i["linkId"]: i["answer"][0]["valueCoding"]["extension"][0]["valueDecimal"]
        for i in phq9["item"]
    }
    assert exported == stored
    assert phq9["subject"]["identifier"]["value"] == "A-001"
    observations = {
        e["resource"]["code"]["coding"][0]["code"]: e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation"
    }
    result = submitted.result
    assert result is not None
    assert (
        observations["phq9.total"]["valueInteger"]
        == result["instruments"]["phq9"]["total"]
    )
    assert (
        observations["phq9.total"]["interpretation"][0]["coding"][0]["code"]
        == result["instruments"]["phq9"]["band"]
    )
    assert observations["phq9.total"]["derivedFrom"][0]["reference"] in {
        e["fullUrl"] for e in bundle["entry"]
    }
    category = observations["screening.outcome"]["valueCodeableConcept"]["coding"][0]
    assert category["code"] == result["outcome"]["category"]
    for flag in result["flags"]:
        assert f"flag.{flag['code']}" in observations


@pytest.mark.django_db
def test_import_makes_a_new_draft_after_the_loaded_versions(
    protocols: dict[str, Any], admin_user: User
) -> None:
    published = InstrumentVersion.objects.get(instrument__code="phq9", number=1)
    resource = streams.version_questionnaire(published)
    imported = questionnaire_import(resource=resource, by=admin_user)
    draft = imported.result.version
    assert (draft.instrument.code, draft.number, draft.status) == ("phq9", 2, "draft")
    assert list(draft.items.values_list("code", flat=True)) == [
        i.code for i in BY_CODE["phq9"].items
    ]
    assert any("imported as v2" in note for note in imported.notes)
    assert AuditEvent.objects.filter(
        action="bank.import", target_id=str(draft.pk)
    ).exists()


@pytest.mark.django_db
def test_import_of_something_else_than_a_questionnaire_changes_nothing(
    admin_user: User,
) -> None:
    with pytest.raises(BankError):
        questionnaire_import(resource={"resourceType": "Patient"}, by=admin_user)
    assert not InstrumentVersion.objects.exists()
