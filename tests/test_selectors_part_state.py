"""selectors.part_state: a published protocol's versions are read once per process,
and what can still change about them (licensed text) is seen at once."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from questionnaires import selectors
from questionnaires.bank.protocols import ProtocolSpec
from questionnaires.models import (
    InstrumentVersion,
    Patient,
    ProtocolEntry,
    ScreeningPart,
)
from questionnaires.services import screenings as services
from questionnaires.services.bank import protocol_load
from tests.bank.factories import enter_every_text, licensed_demo_version
from tests.factories import self_link_token

pytestmark = pytest.mark.django_db


def _link(clinician: User, patient: Patient, protocol: Any) -> str:
    return self_link_token(patient=patient, by=clinician, protocol=protocol)


def _codes(state: selectors.PartState) -> list[str]:
    return [d.code for d in state.definitions]


def test_a_published_protocol_s_versions_come_from_the_database_once(
    clinician: User, patient: Patient, protocols: Any, django_assert_num_queries: Any
) -> None:
    protocol = protocols["self_report_brief"]
    token = _link(clinician, patient, protocol)
    first = selectors.part_state(selectors.invitation_get_by_token(token).part)
    part = selectors.invitation_get_by_token(_link(clinician, patient, protocol)).part
    services.answers_save(part=part, answers={"phq9": {"phq9_1": 3}})

    with django_assert_num_queries(0):
        state = selectors.part_state(part)
    with django_assert_num_queries(1):  # read when first used
        assert state.answers == {"phq9": {"phq9_1": 3}}

    in_order = ProtocolEntry.objects.filter(protocol=protocol).order_by("order", "id")
    expected = [e.instrument_version.instrument.code for e in in_order]
    assert _codes(state) == _codes(first) == expected
    assert [v.pk for v in state.versions] == [e.instrument_version_id for e in in_order]
    assert first.answers == {}


def test_a_part_loaded_without_its_protocol_reads_the_versions(
    clinician: User, patient: Patient, protocols: Any, django_assert_num_queries: Any
) -> None:
    token = _link(clinician, patient, protocols["self_report_brief"])
    cached = selectors.part_state(selectors.invitation_get_by_token(token).part)
    part = ScreeningPart.objects.get(pk=cached.part.pk)

    with django_assert_num_queries(2):  # the versions, and their entered translations
        state = selectors.part_state(part)

    assert _codes(state) == _codes(cached)


def _enter_text(version: InstrumentVersion, label: str, by: User) -> None:
    enter_every_text(
        version,
        item_text=lambda code: f"{label} {code}",
        option_label=lambda option: f"{label} {option.value}",
        licence_note="Clinic licence",
        by=by,
    )


def test_licensed_text_entered_after_publication_shows_on_the_next_page(
    clinician: User, patient: Patient, admin_user: User, django_assert_num_queries: Any
) -> None:
    version = licensed_demo_version()
    _enter_text(version, "First", admin_user)
    spec = ProtocolSpec(
        code="licensed_protocol",
        name={"en": "Licensed"},
        description={},
        audience="self",
        default=False,
        instruments=(("demo", 1),),
    )
    protocol = protocol_load(spec=spec, actor_label="tests").protocol
    assert protocol.is_frozen
    token = _link(clinician, patient, protocol)
    before = selectors.part_state(selectors.invitation_get_by_token(token).part)
    part = selectors.invitation_get_by_token(token).part
    with django_assert_num_queries(1):  # the licensed text's date
        unchanged = selectors.part_state(part)

    _enter_text(InstrumentVersion.objects.get(pk=version.pk), "Second", admin_user)
    after = selectors.part_state(selectors.invitation_get_by_token(token).part)

    assert before.definitions[0].items[0].text == {"en": "First demo_1"}
    assert unchanged.definitions[0] is before.definitions[0]
    assert after.definitions[0].items[0].text == {"en": "Second demo_1"}
    assert after.definitions[0].items[0].options[0].label == {"en": "Second 0"}
