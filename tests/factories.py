"""Test data: the bundled question bank (only the parts a test needs), patients,
screenings, and a synthetic instrument of any size for query-count tests."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence

from django.contrib.auth.models import User

from questionnaires import caches
from questionnaires.bank import loader
from questionnaires.bank.protocols import ProtocolSpec, load_bundled_protocols
from questionnaires.models import (
    Instrument,
    Organisation,
    Patient,
    Protocol,
    Screening,
)
from questionnaires.scoring.definitions import Item, Option, Scoring
from questionnaires.scoring.rules import Value
from questionnaires.services import invitations, translations
from questionnaires.services import screenings as screening_services
from questionnaires.services.bank import bank_import, protocol_load

SELF = "self_report_brief"
FAMILY = "family"
CLINICIAN = "clinician"

Answers = Mapping[str, Mapping[str, Value | None]]


def _forget_cached_definitions() -> None:
    # Definitions and pages are cached by primary key; test databases reuse pks for
    # other instruments, so what an earlier test cached must go.
    caches.clear_all()


def load_protocols(*codes: str) -> dict[str, Protocol]:
    """Import the bundled instruments these protocols use, and publish them."""
    _forget_cached_definitions()
    definitions = loader.load_bundled()
    specs = {s.code: s for s in load_bundled_protocols(definitions)}
    by_key = {(d.code, d.version): d for d in definitions}
    wanted = [specs[code] for code in codes]
    needed = dict.fromkeys(key for spec in wanted for key in spec.instruments)
    for key in needed:
        bank_import(document=loader.dump(by_key[key]), actor_label="tests")
    return {
        spec.code: protocol_load(spec=spec, actor_label="tests").protocol
        for spec in wanted
    }


def load_synthetic_protocol(code: str, *, items: int, per_section: int = 0) -> Protocol:
    """A published self-report protocol of one likert instrument with ``items`` items.

    With ``per_section`` the items are split into sections of that many, so a page
    holds ``per_section`` items; without it the whole instrument is one page.
    """
    _forget_cached_definitions()
    base = next(d for d in loader.load_bundled() if d.code == "gad7")
    options = base.option_sets.get("freq4") or base.items[0].options
    new_items = tuple(
        Item(
            code=f"{code}_{n}",
            kind="likert",
            text={"en": f"Question {n}"},
            section=(
                {"en": f"Part {n // per_section + 1}"}
                if per_section and n > 1 and (n - 1) % per_section == 0
                else {}
            ),
            options=tuple(Option(o.code, o.value, o.label) for o in options),
        )
        for n in range(1, items + 1)
    )
    definition = dataclasses.replace(
        base,
        code=code,
        name={"en": f"Synthetic {items}"},
        short_name=f"S{items}",
        items=new_items,
        option_sets={},
        scoring=Scoring(),
    )
    bank_import(document=loader.dump(definition), actor_label="tests")
    spec = ProtocolSpec(
        code=f"{code}_protocol",
        name={"en": f"Synthetic {items}"},
        description={"en": ""},
        audience="self",
        default=False,
        instruments=((code, 1),),
    )
    return protocol_load(spec=spec, actor_label="tests").protocol


def start_screening(
    *,
    patient: Patient,
    by: User,
    parts: Iterable[tuple[str, Protocol, str]],
) -> Screening:
    """Start a screening with ``(role, protocol, mode)`` parts through the service."""
    specs: Sequence[screening_services.PartSpec] = [
        screening_services.PartSpec(role=role, protocol=protocol, mode=mode)
        for role, protocol, mode in parts
    ]
    return screening_services.screening_start(patient=patient, parts=specs, by=by)


def self_link_token(*, patient: Patient, by: User, protocol: Protocol) -> str:
    """A self-only screening answered by link: the token of its part's invitation."""
    screening = start_screening(
        patient=patient, by=by, parts=[("self", protocol, "link")]
    )
    return invitations.invitation_create(part=screening.parts.get(), by=by).token


def self_and_family_screening(
    *, patient: Patient, by: User, protocols: Mapping[str, Protocol]
) -> Screening:
    """A screening with a self-report (brief) part and a family part, both by link."""
    return start_screening(
        patient=patient,
        by=by,
        parts=[
            ("self", protocols[SELF], "link"),
            ("informant", protocols[FAMILY], "link"),
        ],
    )


def submitted_self_and_family(
    *,
    patient: Patient,
    by: User,
    protocols: Mapping[str, Protocol],
    own: Answers,
    family: Answers,
) -> Screening:
    """A self-and-family screening with ``own`` saved into the self part and
    ``family`` into the family part, then both submitted (self first)."""
    screening = self_and_family_screening(patient=patient, by=by, protocols=protocols)
    own_part = screening.parts.get(role="self")
    family_part = screening.parts.get(role="informant")
    screening_services.answers_save(part=own_part, answers=own)
    screening_services.answers_save(part=family_part, answers=family)
    screening_services.part_submit(part=own_part)
    screening_services.part_submit(part=family_part)
    screening.refresh_from_db()
    return screening


def patient_of(organisation: Organisation, **fields: object) -> Patient:
    """A patient of ``organisation`` (birth year 2006 unless given)."""
    return Patient.objects.create(
        organisation=organisation,
        **{
            "code": f"P-{Patient.objects.count() + 1:04d}",
            "birth_year": 2006,
            **fields,
        },
    )


def publish_translation(
    code: str,
    language: str,
    *,
    by: User,
    source: str = "A placeholder source for the test",
    citation: str = "",
    licence: str = "Licensed to the clinic (test)",
    population: str = "Japanese adults",
    kind: str = "validated",
) -> translations.TranslationRelease:
    """Publish a placeholder translation of ``code``'s current version through the
    service: every text is the English prefixed with ``[language]``."""
    instrument = Instrument.objects.get(code=code)
    version = translations.current_version(instrument)
    assert version is not None
    english = translations.translation_source(version)
    text = translations.translation_text(
        version,
        items="\n".join(f"[{language}] {en}" for _code, en in english.items),
        labels="\n".join(f"[{language}] {en}" for en in english.labels),
        instructions=f"[{language}] {english.instructions}"
        if english.instructions
        else "",
    )
    return translations.translation_publish(
        version=version,
        language=language,
        kind=kind,
        source=source,
        citation=citation,
        licence=licence,
        population=population,
        text=text,
        by=by,
    )
