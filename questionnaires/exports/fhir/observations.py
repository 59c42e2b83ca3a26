"""Scores, the outcome and raised flags of a result snapshot as FHIR Observations.

Every Observation has a UUID id (the caller's stable key through
:func:`common.stable_uuid`), category ``survey``, HikiScreen's own code (and LOINC's
where LOINC defines the score), a generated narrative, and ``derivedFrom`` the
QuestionnaireResponses. A band is the ``interpretation``: HikiScreen's band code, plus
the R4 ObservationInterpretation code where one fits. A flag's Observation lists its
evidence as components, the answers that raised it, including an answer kept for an
item hidden by branching (which the QuestionnaireResponse leaves out).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from questionnaires.exports.fhir import codes
from questionnaires.exports.fhir.common import (
    DEFAULT_BASE,
    INTERPRETATION,
    LOINC,
    OBSERVATION_CATEGORY,
    TYPES,
    narrative,
    stable_uuid,
    typed,
)
from questionnaires.exports.fhir.questionnaire import coding
from questionnaires.scoring.definitions import CHOICE_KINDS, InstrumentDefinition


@dataclass(frozen=True)
class Context:
    """What every Observation of one export shares."""

    key: str  # stable key the ids are made from (never shown)
    effective: str
    subject: Mapping[str, Any] | None
    base: str = DEFAULT_BASE

    def id_for(self, name: str) -> str:
        return stable_uuid(self.base, f"{self.key}/{name}")


def score_observations(
    definition: InstrumentDefinition,
    scores: Mapping[str, Any],
    context: Context,
    *,
    derived_from: str | None = None,
) -> list[dict[str, Any]]:
    """One Observation per score of one instrument (total with its band, subscales).

    ``scores`` is the instrument's entry of the result snapshot (DESIGN.md §3). A
    score that is null (incomplete answers) has no Observation.
    """
    code = definition.code
    base = context.base
    name = definition.short_name or definition.name.get("en", code)
    observations = []
    total = scores.get("total")
    if total is not None:
        observation = _observation(
            context,
            f"{code}/total",
            f"{code}.total",
            f"{name} total score",
            _number_value(total),
            derived_from=derived_from,
            loinc=codes.TOTALS.get(code),
        )
        band = scores.get("band")
        if band:
            labels = {
                b.code: b.label.get("en", b.code) for b in definition.scoring.bands
            }
            label = labels.get(band, band)
            band_codings = [
                {
                    "system": f"{base}/CodeSystem/{code}/bands",
                    "code": band,
                    "display": label,
                }
            ]
            if band in codes.INTERPRETATIONS:
                standard, display = codes.INTERPRETATIONS[band]
                band_codings.append(
                    {"system": INTERPRETATION, "code": standard, "display": display}
                )
            observation["interpretation"] = [{"coding": band_codings, "text": label}]
            observation["text"] = narrative([f"{name} total score: {total} ({label})."])
        observations.append(observation)
    labels = {s.code: s.label.get("en", s.code) for s in definition.scoring.subscales}
    for sub_code, value in (scores.get("subscales") or {}).items():
        if value is None:
            continue
        observations.append(
            _observation(
                context,
                f"{code}/subscale/{sub_code}",
                f"{code}.subscale.{sub_code}",
                f"{name} subscale: {labels.get(sub_code, sub_code)}",
                _number_value(value),
                derived_from=derived_from,
            )
        )
    return observations


def result_observations(
    result: Mapping[str, Any],
    context: Context,
    *,
    responses: Sequence[str],
    definitions: Mapping[str, InstrumentDefinition],
    answers: Mapping[str, Mapping[str, Any]],
    hidden: frozenset[tuple[str, str]] = frozenset(),
) -> list[dict[str, Any]]:
    """The outcome and each raised flag, the flags with their evidence.

    ``answers`` (instrument -> item -> value) give each evidence component its
    value; ``hidden`` names the answers kept for items hidden by branching.
    """
    base = context.base
    observations = []
    outcome = result.get("outcome") or {}
    category = outcome.get("category")
    if category:
        text = category.replace("_", " ")
        observation = _observation(
            context,
            "outcome",
            "screening.outcome",
            "Screening outcome (not a diagnosis)",
            {
                "valueCodeableConcept": {
                    "coding": [
                        {"system": f"{base}/CodeSystem/outcome", "code": category}
                    ],
                    "text": text,
                }
            },
            derived_from=responses,
        )
        if outcome.get("recommendation"):
            observation["note"] = [{"text": outcome["recommendation"]}]
        observation["text"] = narrative(
            [
                f"Screening outcome (not a diagnosis): {text}.",
                outcome.get("recommendation", ""),
            ]
        )
        observations.append(observation)
    for flag in result.get("flags", []):
        flag_code = flag["code"]
        observation = _observation(
            context,
            f"flag/{flag_code}",
            f"flag.{flag_code}",
            f"Flag: {flag_code.replace('_', ' ')}",
            {
                "valueCodeableConcept": {
                    "coding": [
                        {
                            "system": f"{base}/CodeSystem/flag-severity",
                            "code": flag["severity"],
                        }
                    ],
                    "text": flag["severity"],
                }
            },
            derived_from=responses,
        )
        because = [str(b) for b in flag.get("because", [])]
        components = [_evidence(b, definitions, answers, hidden, base) for b in because]
        if components:
            observation["component"] = components
        observation["text"] = narrative(
            [
                f"Flag {flag_code.replace('_', ' ')}: {flag['severity']}.",
                f"Because: {', '.join(because)}." if because else "",
            ]
        )
        observations.append(observation)
    return observations


def _evidence(
    because: str,
    definitions: Mapping[str, InstrumentDefinition],
    answers: Mapping[str, Mapping[str, Any]],
    hidden: frozenset[tuple[str, str]],
    base: str,
) -> dict[str, Any]:
    """One ``"<instrument>.<item>=<value>"`` as a component with the answer's value."""
    reference, _, shown_value = because.partition("=")
    instrument, _, item_code = reference.partition(".")
    display = reference
    if (instrument, item_code) in hidden:
        display = f"{reference} (answer to an item hidden by branching)"
    component: dict[str, Any] = {
        "code": {
            "coding": [
                {
                    "system": f"{base}/CodeSystem/evidence",
                    "code": reference,
                    "display": display,
                }
            ],
            "text": display,
        }
    }
    definition = definitions.get(instrument)
    item = definition.index.items.get(item_code) if definition else None
    value = answers.get(instrument, {}).get(item_code)
    if definition is None or item is None or value is None:
        component["valueString"] = shown_value
        return component
    if item.kind in CHOICE_KINDS:
        option = next((o for o in item.options if o.value == value), None)
        if option is not None:
            component["valueCodeableConcept"] = {
                "coding": [
                    coding(
                        definition.code,
                        item,
                        option,
                        ship=definition.licence.text_may_ship,
                        base=base,
                    )
                ]
            }
            return component
    fhir_type = TYPES[item.kind]
    if fhir_type == "integer":
        component["valueInteger"] = typed("valueInteger", value)
    elif fhir_type == "decimal":
        component["valueQuantity"] = {"value": value}
    elif fhir_type == "time":
        component["valueTime"] = typed("valueTime", value)
    else:
        component["valueString"] = str(value)
    return component


def _number_value(value: Any) -> dict[str, Any]:
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return {"valueInteger": int(value)}
    return {"valueDecimal": value}


def _observation(
    context: Context,
    name: str,
    code: str,
    display: str,
    value: Mapping[str, Any],
    *,
    derived_from: str | Sequence[str] | None,
    loinc: tuple[str, str] | None = None,
) -> dict[str, Any]:
    codings = [
        {
            "system": f"{context.base}/CodeSystem/scores",
            "code": code,
            "display": display,
        }
    ]
    if loinc is not None:
        codings.append({"system": LOINC, "code": loinc[0], "display": loinc[1]})
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": context.id_for(name),
        "text": narrative([f"{display}: {_shown(value)}."]),
        "status": "final",
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey"}]}],
        "code": {"coding": codings, "text": display},
    }
    if context.subject is not None:
        resource["subject"] = dict(context.subject)
    resource["effectiveDateTime"] = context.effective
    resource.update(value)
    if derived_from:
        sources = [derived_from] if isinstance(derived_from, str) else derived_from
        resource["derivedFrom"] = [{"reference": s} for s in sources]
    return resource


def _shown(value: Mapping[str, Any]) -> str:
    for key, data in value.items():
        if key == "valueCodeableConcept":
            return str(data.get("text", ""))
        return str(data)
    return ""
