"""QuestionnaireResponses out and in: only enabled answers leave, every stored
version's response passes the QuestionnaireResponse-vs-Questionnaire rules
(tests/exports/qr_rules.py) and the fhir.resources models, hidden safety answers
travel in the flag Observation, and a response taken in is scored like any part."""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from bench.benchmarks import example_value
from questionnaires.bank import flow, latest_by_code, load_bundled
from questionnaires.exports import fhir, streams
from questionnaires.models import (
    Answer,
    AuditEvent,
    InstrumentVersion,
    Patient,
    Protocol,
    Screening,
)
from questionnaires.scoring.definitions import CHOICE_KINDS, InstrumentDefinition
from questionnaires.services import screenings as services
from questionnaires.services.bank import protocol_publish
from questionnaires.services.fhir_import import ResponseImportError, responses_import
from tests.bank.factories import enter_every_text
from tests.exports import qr_rules
from tests.factories import CLINICIAN, load_protocols, start_screening

BUNDLED = load_bundled()
BY_CODE = latest_by_code(BUNDLED)
AGE = 19


def with_hidden_answers(definition: InstrumentDefinition, age: int) -> dict[str, Any]:
    """The lowest option of every choice item (which hides what branches on a
    positive answer), and the highest kept for every item so hidden."""
    answers = {
        item.code: min(o.value for o in item.options)
        if item.kind in CHOICE_KINDS
        else example_value(item)
        for item in definition.items
    }
    answers = {code: value for code, value in answers.items() if value is not None}
    shown = flow.shown_items(definition, answers, age)
    for item in definition.items:
        if item.code not in shown:
            answers[item.code] = example_value(item)
    return {code: value for code, value in answers.items() if value is not None}


def hidden_codes(
    definition: InstrumentDefinition, answers: Mapping[str, Any], age: int
) -> set[str]:
    return set(answers) - flow.shown_items(definition, answers, age)


@pytest.mark.parametrize(
    "definition", BUNDLED, ids=[f"{d.code}-v{d.version}" for d in BUNDLED]
)
def test_every_version_exports_only_enabled_answers_that_pass_the_rules(
    definition: InstrumentDefinition,
) -> None:
    answers = with_hidden_answers(definition, AGE)
    response = fhir.questionnaire_response(
        definition,
        answers,
        resource_id=str(uuid.uuid4()),
        authored="2026-01-01T10:00:00+00:00",
        age=AGE,
    )
    QuestionnaireResponse.model_validate(response)
    assert qr_rules.problems(fhir.questionnaire(definition), response) == []
    exported = {i["linkId"] for i in response["item"]}
    assert exported == set(answers) - hidden_codes(definition, answers, AGE)


def test_the_asq_keeps_a_hidden_answer_out_of_its_response() -> None:
    asq = BY_CODE["asq"]
    answers = {"asq_1": 0, "asq_2": 0, "asq_3": 0, "asq_4": 0, "asq_5": 1}
    response = fhir.questionnaire_response(
        asq, answers, resource_id="x", authored="2026-01-01T10:00:00+00:00", age=AGE
    )
    assert [i["linkId"] for i in response["item"]] == [
        "asq_1",
        "asq_2",
        "asq_3",
        "asq_4",
    ]


def test_a_choice_value_matching_no_option_fails_the_export_loudly() -> None:
    with pytest.raises(fhir.UnexportableAnswer, match="phq9_1"):
        fhir.questionnaire_response(
            BY_CODE["phq9"],
            {"phq9_1": 7},
            resource_id="x",
            authored="2026-01-01",
            age=AGE,
        )


@pytest.mark.django_db
def test_a_choice_value_matching_no_option_is_refused_when_saved(
    submitted_open: Screening,
) -> None:
    part = submitted_open.parts.get(role="self")
    with pytest.raises(ValidationError, match="options"):
        services.answers_save(part=part, answers={"phq9": {"phq9_1": 7}})
    assert not Answer.objects.filter(part=part).exists()


# -- database: every stored version, hidden answers kept ------------------------


@pytest.fixture
def submitted_open(
    clinician: User, patient: Patient, protocols: dict[str, Any]
) -> Screening:
    """A self (brief) and family screening nobody has answered."""
    from tests.factories import self_and_family_screening

    return self_and_family_screening(patient=patient, by=clinician, protocols=protocols)


def _screening_with_hidden_answers(
    patient: Patient, by: User, protocols: Mapping[str, Any], family: str
) -> Screening:
    screening = start_screening(
        patient=patient,
        by=by,
        parts=[
            ("self", protocols["self_report_extended"], "link"),
            ("informant", protocols[family], "link"),
            ("clinician", protocols[CLINICIAN], "clinician"),
        ],
    )
    from questionnaires import selectors

    for part in screening.parts.all():
        state = selectors.part_state(part)
        answers = {
            d.code: with_hidden_answers(d, screening.age) for d in state.definitions
        }
        services.answers_save(part=part, answers=answers)
        services.part_submit(part=part)
    screening.refresh_from_db()
    return screening


def _published(protocols: dict[str, Protocol], by: User) -> dict[str, Protocol]:
    """The protocols published, after entering text for their licensed versions
    (under the clinic's licence: it never leaves in an export)."""
    for version in InstrumentVersion.objects.select_related("instrument"):
        if not version.instrument.text_may_ship:
            enter_every_text(
                version,
                item_text=lambda code: f"Entered {code}",
                option_label=lambda option: f"Label {option.code}",
                licence_note="The clinic's own licence",
                by=by,
            )
    return {
        code: protocol
        if protocol.status == Protocol.Status.PUBLISHED
        else protocol_publish(protocol=protocol, by=by)
        for code, protocol in protocols.items()
    }


def _questionnaires() -> dict[str, dict[str, Any]]:
    return {
        f"{q['url']}|{q['version']}": q
        for q in (
            streams.version_questionnaire(v) for v in InstrumentVersion.objects.all()
        )
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "family", ["family_extended_adolescent", "family_extended_child"]
)
def test_every_stored_version_with_hidden_answers_exports_valid_responses(
    clinician: User, patient: Patient, family: str
) -> None:
    protocols = _published(
        load_protocols("self_report_extended", family, CLINICIAN), clinician
    )
    screening = _screening_with_hidden_answers(patient, clinician, protocols, family)
    stored_hidden = 0
    bundle = streams.screening_bundle(screening)
    Bundle.model_validate(bundle)
    questionnaires = _questionnaires()
    for entry in bundle["entry"]:
        resource = entry["resource"]
        assert entry["fullUrl"] == f"urn:uuid:{resource['id']}"
        uuid.UUID(resource["id"])
        assert resource["text"]["status"] == "generated"
        if resource["resourceType"] != "QuestionnaireResponse":
            Observation.model_validate(resource)
            continue
        QuestionnaireResponse.model_validate(resource)
        questionnaire = questionnaires[resource["questionnaire"]]
        assert qr_rules.problems(questionnaire, resource) == []
        code = questionnaire["identifier"][0]["value"]
        stored = dict(
            Answer.objects.filter(
                part__screening=screening, instrument_version__instrument__code=code
            ).values_list("item_code", "value")
        )
        hidden = hidden_codes(BY_CODE[code], stored, screening.age)
        stored_hidden += len(hidden)
        assert {i["linkId"] for i in resource["item"]} == set(stored) - hidden
    assert stored_hidden > 0  # the database does hold answers to hidden items
    assert {(q.split("/")[-1]) for q in questionnaires} >= {
        f"{code}|1" for code in ("asq", "phq9", "hq25", "criteria", "sofas")
    }


@pytest.mark.django_db
def test_a_hidden_positive_safety_answer_travels_in_the_suicide_risk_flag(
    submitted_open: Screening,
) -> None:
    own = submitted_open.parts.get(role="self")
    family = submitted_open.parts.get(role="informant")
    from questionnaires import selectors

    answers = {
        d.code: {
            i.code: example_value(i) for i in d.items if example_value(i) is not None
        }
        for d in selectors.part_state(own).definitions
    }
    answers["asq"] = {"asq_1": 0, "asq_2": 0, "asq_3": 0, "asq_4": 0, "asq_5": 1}
    answers["phq9"] = {f"phq9_{n}": 0 for n in range(1, 10)}
    services.answers_save(part=own, answers=answers)
    services.part_submit(part=own)
    state = selectors.part_state(family)
    services.answers_save(
        part=family,
        answers={
            d.code: {
                i.code: example_value(i)
                for i in d.items
                if example_value(i) is not None
            }
            for d in state.definitions
        },
    )
    services.part_submit(part=family)
    submitted_open.refresh_from_db()
    result = submitted_open.result
    assert result is not None
    suicide = next(f for f in result["flags"] if f["code"] == "suicide_risk")
    assert "asq.asq_5=1" in suicide["because"]
    bundle = streams.screening_bundle(submitted_open)
    by_code = {
        e["resource"]["code"]["coding"][0]["code"]: e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation"
    }
    asq = next(
        e["resource"]
        for e in bundle["entry"]
        if "/asq|" in e["resource"].get("questionnaire", "")
    )
    assert "asq_5" not in {i["linkId"] for i in asq["item"]}
    flag = by_code["flag.suicide_risk"]
    Observation.model_validate(flag)
    evidence = {c["code"]["coding"][0]["code"]: c for c in flag["component"]}
    assert evidence["asq.asq_5"]["valueCodeableConcept"]["coding"][0]["code"] == "yes"
    assert "hidden by branching" in evidence["asq.asq_5"]["code"]["text"]
    assert (
        list(by_code).index("flag.suicide_risk")
        < list(by_code).index("flag.family_safety")
        if "flag.family_safety" in by_code
        else True
    )


@pytest.mark.django_db
def test_scores_carry_loinc_and_observation_interpretation_codes(
    submitted: Screening,
) -> None:
    bundle = streams.screening_bundle(submitted)
    totals = {
        e["resource"]["code"]["coding"][0]["code"]: e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation"
    }
    assert {"system": "http://loinc.org", "code": "44261-6"}.items() <= totals[
        "phq9.total"
    ]["code"]["coding"][1].items()
    assert totals["gad7.total"]["code"]["coding"][1]["code"] == "70274-6"
    systems = {
        c["system"]: c["code"]
        for c in totals["phq9.total"]["interpretation"][0]["coding"]
    }
    v3 = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
    assert submitted.result is not None
    band = submitted.result["instruments"]["phq9"]["band"]
    assert systems[v3] == ("N" if band == "minimal" else "A")
    assert all(uuid.UUID(o["id"]).version == 5 for o in totals.values())


def test_questionnaire_options_carry_their_score_where_renderers_look() -> None:
    resource = fhir.questionnaire(BY_CODE["phq9"])
    option = resource["item"][0]["answerOption"][3]
    assert option["extension"] == [{"url": fhir.ORDINAL_VALUE, "valueDecimal": 3}]
    assert option["valueCoding"]["extension"] == option["extension"]
    assert resource["item"][0]["code"] == [
        {"system": "http://loinc.org", "code": "44250-9"}
    ]


# -- import -------------------------------------------------------------------


def _part_bundle(bundle: Mapping[str, Any], codes: set[str]) -> dict[str, Any]:
    """The responses of ``bundle`` answering the instruments ``codes``."""
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            e
            for e in bundle["entry"]
            if e["resource"]["resourceType"] == "QuestionnaireResponse"
            and e["resource"]["questionnaire"].split("|")[0].rsplit("/", 1)[-1] in codes
        ],
    }


@pytest.mark.django_db
def test_export_import_score_gives_the_same_result(
    submitted: Screening, submitted_open: Screening, clinician: User
) -> None:
    from questionnaires import selectors

    bundle = json.loads(json.dumps(streams.screening_bundle(submitted)))
    for part in submitted_open.parts.all():
        codes = {d.code for d in selectors.part_state(part).definitions}
        responses_import(
            part=part, resource=_part_bundle(bundle, codes), by=clinician, source="test"
        )
    submitted_open.refresh_from_db()
    assert submitted_open.result == submitted.result
    assert submitted_open.completed_at is not None
    event = AuditEvent.objects.filter(action="screening_part.import_fhir").first()
    assert event is not None and event.details["source"] == "test"


def _phq9_response() -> dict[str, Any]:
    answers = {f"phq9_{n}": 1 for n in range(1, 11)}
    return fhir.questionnaire_response(
        BY_CODE["phq9"],
        answers,
        resource_id="r1",
        authored="2026-01-01T10:00:00+00:00",
        age=AGE,
    )


def _item(response: dict[str, Any], link_id: str) -> dict[str, Any]:
    return next(i for i in response["item"] if i["linkId"] == link_id)


def _break(how: str) -> tuple[dict[str, Any], list[str]]:
    """A bad phq9 response, and the linkIds (or paths) its problems must name."""
    response = _phq9_response()
    if how == "unknown_item":
        response["item"].append({"linkId": "phq9_99", "answer": [{"valueInteger": 1}]})
        return response, ["phq9_99"]
    if how == "wrong_type":
        _item(response, "phq9_2")["answer"] = [{"valueInteger": 1}]
        _item(response, "phq9_3")["answer"] = [{"valueString": "1"}]
        return response, ["phq9_2", "phq9_3"]
    if how == "unknown_option":
        _item(response, "phq9_4")["answer"][0]["valueCoding"]["code"] = "sometimes"
        return response, ["phq9_4"]
    if how == "two_answers":
        item = _item(response, "phq9_5")
        item["answer"] = item["answer"] * 2
        return response, ["phq9_5"]
    if how == "not_enabled":
        for n in range(1, 10):
            _item(response, f"phq9_{n}")["answer"][0]["valueCoding"]["code"] = "0"
        return response, ["phq9_10"]
    if how == "required_missing":
        response["item"] = [
            i for i in response["item"] if i["linkId"] not in ("phq9_1", "phq9_7")
        ]
        return response, ["phq9_1", "phq9_7"]
    if how == "wrong_version":
        response["questionnaire"] = response["questionnaire"].replace("|1", "|9")
        return response, ["questionnaire"]
    if how == "not_completed":
        response["status"] = "in-progress"
        return response, ["status"]
    if how == "not_an_object":
        return [response], ["resource"]  # type: ignore[return-value]
    if how == "wrong_json_types":
        _item(response, "phq9_2")["answer"] = {"valueCoding": {}}
        response["item"][0] = "phq9_1"
        return response, ["item[0]", "phq9_2", "phq9_1"]
    raise AssertionError(how)


BAD = [
    "unknown_item",
    "wrong_type",
    "unknown_option",
    "two_answers",
    "not_enabled",
    "required_missing",
    "wrong_version",
    "not_completed",
    "not_an_object",
    "wrong_json_types",
]


@pytest.mark.django_db
@pytest.mark.parametrize("how", BAD)
def test_a_bad_response_lists_its_link_ids_and_stores_nothing(
    how: str, clinician: User, patient: Patient
) -> None:
    protocols = load_protocols(CLINICIAN, "self_report_brief")
    screening = start_screening(
        patient=patient,
        by=clinician,
        parts=[("self", protocols["self_report_brief"], "link")],
    )
    part = screening.parts.get()
    other = {
        d.code: {
            i.code: example_value(i) for i in d.items if example_value(i) is not None
        }
        for d in BUNDLED
        if d.code in ("withdrawal", "gad7", "asq")
    }
    good = [
        fhir.questionnaire_response(
            BY_CODE[code],
            answers,
            resource_id=code,
            authored="2026-01-01",
            age=screening.age,
        )
        for code, answers in other.items()
    ]
    resource, named = _break(how)
    bundle = (
        resource
        if how == "not_an_object"
        else {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [{"resource": r} for r in [*good, resource]],
        }
    )
    events = AuditEvent.objects.count()
    with pytest.raises(ResponseImportError) as caught:
        responses_import(part=part, resource=bundle, by=clinician, source="test")
    text = "\n".join(caught.value.problems)
    for name in named:
        assert name in text
    part.refresh_from_db()
    assert not part.is_submitted
    assert not Answer.objects.filter(part__screening=screening).exists()
    assert AuditEvent.objects.count() == events


def test_times_are_read_as_hh_mm_or_hh_mm_ss_and_text_and_display_are_ignored() -> None:
    withdrawal = BY_CODE["withdrawal"]
    answers = {
        i.code: example_value(i)
        for i in withdrawal.items
        if example_value(i) is not None
    }
    response = fhir.questionnaire_response(
        withdrawal, answers, resource_id="w", authored="2026-01-01", age=AGE
    )
    _item(response, "sleep_time")["answer"] = [{"valueTime": "03:30"}]
    _item(response, "wake_time")["answer"] = [{"valueTime": "13:00:00"}]
    for item in response["item"]:
        item["text"] = "Whatever another tool showed"
        for answer in item["answer"]:
            if "valueCoding" in answer:
                answer["valueCoding"]["display"] = "Some label"
    lookup = {(withdrawal.code, 1): withdrawal}
    [read] = fhir.read_responses(response, lambda c, v: lookup.get((c, v)), age=AGE)
    assert read.answers["sleep_time"] == "03:30"
    assert read.answers["wake_time"] == "13:00"
    assert read.answers == answers
    _item(response, "wake_time")["answer"] = [{"valueTime": "13:00:30"}]
    with pytest.raises(fhir.ResponseProblems, match="wake_time"):
        fhir.read_responses(response, lambda c, v: lookup.get((c, v)), age=AGE)


# -- commands -----------------------------------------------------------------


@pytest.mark.django_db
def test_import_responses_command_takes_a_manifest_and_reports_each_part(
    submitted: Screening,
    submitted_open: Screening,
    clinician: User,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from questionnaires import selectors

    bundle = streams.screening_bundle(submitted)
    lines = ["screening,role,file"]
    for part in submitted_open.parts.all():
        codes = {d.code for d in selectors.part_state(part).definitions}
        path = tmp_path / f"{part.role}.json"
        path.write_text(json.dumps(_part_bundle(bundle, codes)), "utf-8")
        lines.append(f"{submitted_open.pk},{part.role},{path.name}")
    (tmp_path / "batch.csv").write_text("\n".join(lines), "utf-8")
    call_command(
        "import_responses",
        "--user",
        clinician.username,
        "--manifest",
        str(tmp_path / "batch.csv"),
    )
    assert "imported and submitted" in capsys.readouterr().out
    submitted_open.refresh_from_db()
    assert submitted_open.result == submitted.result


@pytest.mark.django_db
def test_import_responses_command_lists_problems_and_fails(
    submitted_open: Screening,
    clinician: User,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "bad.json"
    response, _ = _break("unknown_option")
    path.write_text(json.dumps(response), "utf-8")
    with pytest.raises(CommandError, match="1 of 1"):
        call_command(
            "import_responses",
            str(path),
            "--user",
            clinician.username,
            "--screening",
            str(submitted_open.pk),
            "--role",
            "self",
        )
    assert "phq9_4" in capsys.readouterr().err
    assert not Answer.objects.exists()


def test_score_reads_a_bundle_of_responses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = {
        code: {
            i.code: example_value(i)
            for i in BY_CODE[code].items
            if example_value(i) is not None
        }
        for code in ("withdrawal", "phq9", "gad7", "asq")
    }
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "resource": fhir.questionnaire_response(
                    BY_CODE[c], a, resource_id=c, authored="2026-01-01", age=AGE
                )
            }
            for c, a in answers.items()
        ],
    }
    fhir_input = tmp_path / "in.fhir.json"
    fhir_input.write_text(json.dumps(bundle), "utf-8")
    plain_input = tmp_path / "in.json"
    plain_input.write_text(json.dumps({"age": AGE, "answers": answers}), "utf-8")
    call_command("score", str(fhir_input), "--age", str(AGE))
    from_fhir = json.loads(capsys.readouterr().out)
    call_command("score", str(plain_input))
    assert from_fhir == json.loads(capsys.readouterr().out)
    broken = copy.deepcopy(bundle)
    broken["entry"][1]["resource"]["item"][0]["answer"] = [{"valueInteger": 2}]
    fhir_input.write_text(json.dumps(broken), "utf-8")
    with pytest.raises(CommandError, match="phq9_1"):
        call_command("score", str(fhir_input), "--age", str(AGE))
