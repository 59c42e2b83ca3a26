"""Protocol versions and rollout; golden cases and the regression rule."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from questionnaires import selectors
from questionnaires.bank import review
from questionnaires.bank.protocols import ProtocolSpec
from questionnaires.models import (
    GoldenCase,
    InstrumentVersion,
    Item,
    Organisation,
    Patient,
    Protocol,
)
from questionnaires.services.bank import (
    BankError,
    PublishRefused,
    golden_case_save,
    instrument_version_copy_as_draft,
    instrument_version_publish,
    instrument_version_release,
    protocol_copy_as_draft,
    protocol_load,
    protocol_publish,
)
from tests.bank.factories import demo_version
from tests.factories import patient_of, start_screening

pytestmark = pytest.mark.django_db


def _protocol(code: str = "demo_protocol") -> Protocol:
    spec = ProtocolSpec(
        code=code,
        name={"en": "Demo protocol"},
        description={},
        audience="self",
        default=False,
        instruments=(("demo", 1),),
    )
    return protocol_load(spec=spec, actor_label="tests").protocol


def _parts(protocol: Protocol) -> list[tuple[str, int]]:
    return [
        (e.instrument_version.instrument.code, e.instrument_version.number)
        for e in protocol.entries.select_related("instrument_version__instrument")
    ]


# -- protocol versions ------------------------------------------------------------


def test_copy_as_new_draft_gives_the_next_number_with_the_same_parts(
    admin_user: User,
) -> None:
    demo_version()
    v1 = _protocol()

    draft = protocol_copy_as_draft(protocol=v1, by=admin_user)

    assert (draft.code, draft.number, draft.status) == (v1.code, 2, "draft")
    assert _parts(draft) == _parts(v1) == [("demo", 1)]


def test_publishing_a_protocol_version_retires_the_one_before(admin_user: User) -> None:
    demo_version()
    v1 = _protocol()
    draft = protocol_copy_as_draft(protocol=v1, by=admin_user)

    v2 = protocol_publish(protocol=draft, by=admin_user)

    v1.refresh_from_db()
    assert (v1.status, v2.status) == ("retired", "published")
    assert list(selectors.protocol_list("self").filter(code=v1.code)) == [v2]


def test_a_default_protocol_stays_default_through_its_versions(
    admin_user: User,
) -> None:
    demo_version()
    v1 = _protocol()
    Protocol.objects.filter(pk=v1.pk).update_frozen(is_default=True)
    v1.refresh_from_db()

    v2 = protocol_publish(
        protocol=protocol_copy_as_draft(protocol=v1, by=admin_user), by=admin_user
    )

    assert v2.is_default
    assert selectors.protocol_default("self") == v2


def test_publishing_a_new_instrument_version_rolls_its_protocols_out_in_one_step(
    admin_user: User, clinic_a: Organisation
) -> None:
    v1 = demo_version()
    protocol_v1 = _protocol()
    patient: Patient = patient_of(clinic_a)
    running = start_screening(
        patient=patient, by=admin_user, parts=[("self", protocol_v1, "kiosk")]
    )
    draft = instrument_version_copy_as_draft(version=v1, by=admin_user)
    assert review.review(draft).protocols == [protocol_v1]

    release = instrument_version_release(
        version=draft, by=admin_user, roll_out=[protocol_v1]
    )

    (protocol_v2,) = release.protocols
    protocol_v1.refresh_from_db()
    assert (protocol_v2.number, protocol_v2.status) == (2, "published")
    assert _parts(protocol_v2) == [("demo", 2)]
    assert protocol_v1.status == "retired"
    assert _parts(protocol_v1) == [("demo", 1)]
    # New screenings start on the new version; the running one finishes on its own.
    assert list(selectors.protocol_list("self")) == [protocol_v2]
    assert running.parts.get().protocol == protocol_v1


def test_rollout_can_leave_the_new_protocol_versions_as_drafts(
    admin_user: User,
) -> None:
    v1 = demo_version()
    protocol_v1 = _protocol()
    draft = instrument_version_copy_as_draft(version=v1, by=admin_user)

    release = instrument_version_release(
        version=draft, by=admin_user, roll_out=[protocol_v1], publish_protocols=False
    )

    assert [(p.number, p.status) for p in release.protocols] == [(2, "draft")]
    assert list(selectors.protocol_list("self")) == [protocol_v1]


def test_a_retired_protocol_cannot_start_a_screening(
    admin_user: User, clinic_a: Organisation
) -> None:
    demo_version()
    v1 = _protocol()
    protocol_publish(
        protocol=protocol_copy_as_draft(protocol=v1, by=admin_user), by=admin_user
    )
    v1.refresh_from_db()

    with pytest.raises(Exception, match="published protocol"):
        start_screening(
            patient=patient_of(clinic_a), by=admin_user, parts=[("self", v1, "kiosk")]
        )


def test_loading_the_bundled_spec_again_leaves_a_newer_admin_version_alone(
    admin_user: User,
) -> None:
    demo_version()
    v1 = _protocol()
    v2 = protocol_publish(
        protocol=protocol_copy_as_draft(protocol=v1, by=admin_user), by=admin_user
    )

    again = _protocol()

    assert again == v2  # the same content: nothing new loaded
    assert Protocol.objects.filter(code=v1.code).count() == 2
    assert list(selectors.protocol_list("self")) == [v2]


# -- golden cases -----------------------------------------------------------------

ANSWERS = {"demo_1": 3, "demo_2": 3, "demo_3": 0}


def _version_with_case(admin_user: User) -> InstrumentVersion:
    v1 = demo_version()
    golden_case_save(
        version=v1, name="both high", age=20, answers=ANSWERS, by=admin_user
    )
    return v1


def test_a_saved_case_records_total_band_and_flags(admin_user: User) -> None:
    v1 = _version_with_case(admin_user)

    case = v1.golden_cases.get()
    assert case.expected == {
        "total": 6,
        "band": "high",
        "subscales": {},
        "flags": ["social_anxiety"],
    }


def test_a_case_with_invalid_answers_is_not_saved(admin_user: User) -> None:
    v1 = demo_version()

    with pytest.raises(BankError):
        golden_case_save(
            version=v1, name="bad", age=20, answers={"demo_1": 9}, by=admin_user
        )
    assert not GoldenCase.objects.exists()


def test_a_draft_reproducing_its_predecessors_cases_publishes_and_keeps_them(
    admin_user: User,
) -> None:
    v1 = _version_with_case(admin_user)
    draft = instrument_version_copy_as_draft(version=v1, by=admin_user)

    v2 = instrument_version_publish(version=draft, by=admin_user)

    assert [c.name for c in v2.golden_cases.all()] == ["both high"]
    assert v2.golden_cases.get().expected["total"] == 6


def _draft_with_higher_cut_off(admin_user: User) -> InstrumentVersion:
    v1 = _version_with_case(admin_user)
    draft = instrument_version_copy_as_draft(version=v1, by=admin_user)
    draft.scoring["flags"][0]["when"]["value"] = 6
    draft.scoring["bands"] = [
        {"code": "low", "min": 0, "max": 5, "label": {"en": "Low"}},
        {"code": "high", "min": 6, "max": 6, "label": {"en": "High"}},
    ]
    draft.save()
    return draft


def test_a_draft_still_giving_the_same_results_passes_the_regression_check(
    admin_user: User,
) -> None:
    draft = _draft_with_higher_cut_off(admin_user)  # 6 is still high and flagged

    assert review.review(draft).failed_cases == []


def test_a_draft_changing_a_cases_result_is_refused_until_the_change_is_meant(
    admin_user: User,
) -> None:
    draft = _draft_with_higher_cut_off(admin_user)
    draft.scoring["bands"] = [
        {"code": "low", "min": 0, "max": 6, "label": {"en": "Low"}},
    ]
    draft.save()

    with pytest.raises(PublishRefused) as refused:
        instrument_version_publish(version=draft, by=admin_user)
    assert [p.field for p in refused.value.details] == ["intended_change"]
    assert "1 golden case(s) of version 1 come out differently" in str(refused.value)

    v2 = instrument_version_publish(
        version=draft,
        by=admin_user,
        intended_change="One band only, per the 2025 paper.",
    )

    assert v2.intended_change == "One band only, per the 2025 paper."
    assert v2.golden_cases.get().expected["band"] == "low"


def test_a_validated_instruments_wording_change_needs_acknowledging(
    admin_user: User,
) -> None:
    v1 = demo_version()
    draft = instrument_version_copy_as_draft(version=v1, by=admin_user)
    Item.objects.filter(version=draft, code="demo_2").update(text_en="I avoid others.")

    assert review.review(draft).wording_changes == [
        "Item 2 (demo_2): the English wording changed."
    ]
    with pytest.raises(PublishRefused, match="validated instrument"):
        instrument_version_publish(version=draft, by=admin_user)
    assert (
        instrument_version_publish(
            version=draft, by=admin_user, wording_acknowledged=True
        ).status
        == "published"
    )


def test_an_unchanged_wording_needs_no_acknowledging(admin_user: User) -> None:
    v1 = demo_version()
    draft = instrument_version_copy_as_draft(version=v1, by=admin_user)

    assert review.review(draft).wording_changes == []
    assert instrument_version_publish(version=draft, by=admin_user).number == 2


def test_a_drafts_own_case_keeps_its_name_when_the_predecessors_are_carried_over(
    admin_user: User,
) -> None:
    v1 = _version_with_case(admin_user)
    draft = instrument_version_copy_as_draft(version=v1, by=admin_user)
    golden_case_save(
        version=draft, name="both high", age=30, answers=ANSWERS, by=admin_user
    )

    v2 = instrument_version_publish(version=draft, by=admin_user)

    assert [(c.name, c.age) for c in v2.golden_cases.all()] == [("both high", 30)]
