"""questionnaires.services.bank: import, publish, copy, licensed text, protocols."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection

from questionnaires.bank import convert, loader
from questionnaires.bank.protocols import ProtocolSpec
from questionnaires.models import (
    AuditEvent,
    FrozenError,
    Instrument,
    InstrumentVersion,
    Item,
    ItemOption,
    Protocol,
)
from questionnaires.services.bank import (
    BankError,
    bank_import,
    instrument_version_copy_as_draft,
    instrument_version_enter_text,
    instrument_version_publish,
    instrument_version_retire,
    protocol_load,
    protocol_publish,
)
from tests.bank.factories import (
    demo_document,
    demo_version,
    enter_every_text,
    licensed_demo_version,
)

pytestmark = pytest.mark.django_db


def _refusal(version: InstrumentVersion, admin_user: User) -> str:
    with pytest.raises(BankError) as caught:
        instrument_version_publish(version=version, by=admin_user)
    return "\n".join(caught.value.problems)


def test_publish_freezes_a_valid_draft_and_records_it(admin_user: User) -> None:
    draft = demo_version(publish=False)

    published = instrument_version_publish(version=draft, by=admin_user)

    assert published.status == InstrumentVersion.Status.PUBLISHED
    assert published.published_at is not None
    assert published.document == convert.canonical(loader.parse(demo_document()))
    assert AuditEvent.objects.filter(
        action="bank.version_publish", actor=admin_user
    ).exists()


def test_publish_refuses_a_duplicate_item_code(admin_user: User) -> None:
    draft = demo_version(publish=False)
    Item.objects.filter(version=draft, code="demo_2").update(code="demo_1")

    assert (
        "Item 2 uses the code demo_1, which an earlier item already has."
        in _refusal(draft, admin_user)
    )
    draft.refresh_from_db()
    assert draft.status == InstrumentVersion.Status.DRAFT


def test_publish_refuses_a_duplicate_option_value(admin_user: User) -> None:
    draft = demo_version(publish=False)
    ItemOption.objects.filter(
        item__version=draft, item__code="demo_3", code="yes"
    ).update(value=0)

    assert "Item 3 (demo_3): options 2.value: duplicate value 0" in _refusal(
        draft, admin_user
    )


def test_publish_refuses_a_rule_naming_a_missing_item(admin_user: User) -> None:
    draft = demo_version(publish=False)
    draft.scoring["total"]["items"].append("demo_99")
    draft.save()

    assert "Scoring (total.items[2]): unknown item demo_99" in _refusal(
        draft, admin_user
    )


def test_publish_refuses_show_if_on_a_later_item(admin_user: User) -> None:
    draft = demo_version(publish=False)
    Item.objects.filter(version=draft, code="demo_3").update(
        show_if={"ref": "item:demo_4", "op": "ge", "value": 1}
    )

    problems = _refusal(draft, admin_user)
    assert (
        "Item 3 (demo_3) is shown depending on demo_4, which is not an earlier "
        "item: branching may only refer to items before it." in problems
    )


def test_publish_refuses_a_band_gap(admin_user: User) -> None:
    draft = demo_version(publish=False)
    draft.scoring["bands"][1]["min"] = 4
    draft.save()

    assert "Totals 3–3 fall in no band" in _refusal(draft, admin_user)


def test_publish_lists_every_problem_at_once(admin_user: User) -> None:
    draft = demo_version(publish=False)
    Item.objects.filter(version=draft, code="demo_2").update(code="demo_1")
    draft.scoring["bands"][1]["min"] = 4
    draft.save()

    problems = _refusal(draft, admin_user).splitlines()
    assert len(problems) >= 2


def test_a_published_version_cannot_be_saved_or_deleted() -> None:
    version = demo_version()
    item = version.items.get(code="demo_1")
    option = item.options.first()
    assert option is not None

    version.changelog = "sneaky"
    with pytest.raises(FrozenError):
        version.save()
    with pytest.raises(FrozenError):
        version.delete()
    item.text_en = "sneaky"
    with pytest.raises(FrozenError):
        item.save()
    with pytest.raises(FrozenError):
        item.delete()
    option.label_en = "sneaky"
    with pytest.raises(FrozenError):
        option.save()
    with pytest.raises(FrozenError):
        Item.objects.filter(version=version).update(text_en="sneaky")
    with pytest.raises(FrozenError):
        ItemOption.objects.filter(item__version=version).delete()
    with pytest.raises(FrozenError):
        InstrumentVersion.objects.filter(pk=version.pk).delete()
    assert version.items.get(code="demo_1").text_en == "I stay in my room."


def test_a_published_version_cannot_be_published_again(admin_user: User) -> None:
    version = demo_version()

    assert "not a draft" in _refusal(version, admin_user)


def test_copy_as_draft_can_be_edited_and_published_as_the_next_number(
    admin_user: User,
) -> None:
    v1 = demo_version()
    v1_document = dict(v1.document or {})

    draft = instrument_version_copy_as_draft(version=v1, by=admin_user)
    assert (draft.number, draft.status) == (2, InstrumentVersion.Status.DRAFT)
    item = draft.items.get(code="demo_1")
    item.text_en = "I stay in my room most of the day."
    item.save()
    v2 = instrument_version_publish(
        version=draft, by=admin_user, wording_acknowledged=True
    )

    v1.refresh_from_db()
    assert v1.document == v1_document
    assert v1.items.get(code="demo_1").text_en == "I stay in my room."
    assert v2.document is not None
    assert v2.document["version"] == 2
    assert v2.document["items"][0]["text"]["en"] == "I stay in my room most of the day."
    assert AuditEvent.objects.filter(action="bank.version_copy").count() == 1


def test_retire_keeps_the_version_frozen(admin_user: User) -> None:
    version = demo_version()

    retired = instrument_version_retire(version=version, by=admin_user)

    assert retired.status == InstrumentVersion.Status.RETIRED
    with pytest.raises(FrozenError):
        retired.save()


def test_export_import_export_is_lossless(django_db_blocker: Any) -> None:
    for definition in loader.load_bundled():
        bank_import(document=loader.dump(definition), actor_label="tests")
    exported = {
        v.pk: json.dumps(convert.version_document(v), sort_keys=True)
        for v in InstrumentVersion.objects.all()
    }
    documents = [json.loads(text) for text in exported.values()]
    ItemOption.objects.all()._raw_delete(connection.alias)  # type: ignore[attr-defined]
    Item.objects.all()._raw_delete(connection.alias)  # type: ignore[attr-defined]
    InstrumentVersion.objects.all()._raw_delete(connection.alias)  # type: ignore[attr-defined]
    Instrument.objects.all().delete()

    for document in documents:
        bank_import(document=document, actor_label="tests")

    again = sorted(
        json.dumps(convert.version_document(v), sort_keys=True)
        for v in InstrumentVersion.objects.all()
    )
    assert again == sorted(exported.values())


def test_draft_export_round_trips_through_import() -> None:
    draft = demo_version(publish=False)
    document = convert.version_document(draft)
    Item.objects.filter(version=draft).delete()
    draft.delete()
    Instrument.objects.all().delete()

    reimported = bank_import(document=document, actor_label="tests", publish=False)

    assert convert.version_document(reimported.version) == document


def test_importing_the_same_document_twice_changes_nothing() -> None:
    first = bank_import(document=demo_document(), actor_label="tests")
    events = AuditEvent.objects.count()

    second = bank_import(document=demo_document(), actor_label="tests")

    assert first.created and not second.created
    assert second.version.pk == first.version.pk
    assert AuditEvent.objects.count() == events


def test_changed_content_under_the_same_number_is_refused() -> None:
    demo_version()
    changed = demo_document(changelog="Changed wording.")

    with pytest.raises(BankError) as caught:
        bank_import(document=changed, actor_label="tests")

    assert "demo v1 is already loaded with different content" in str(caught.value)
    assert bank_import(document=demo_document(version=2), actor_label="tests").created


def test_a_bad_import_changes_nothing_and_lists_every_error_with_its_path() -> None:
    document = demo_document()
    document["items"][2]["show_if"] = {"ref": "item:demo_6", "op": "eq", "value": 1}
    document["items"][3]["options"] = "freq4"
    document["scoring"]["bands"][1]["min"] = 5
    document["scoring"]["flags"][0]["when"] = {
        "ref": "item:demo_9",
        "op": "eq",
        "value": 1,
    }

    with pytest.raises(BankError) as caught:
        bank_import(document=document, actor_label="tests")

    assert caught.value.problems == (
        "items[2].show_if.ref: demo_6 is not an earlier item",
        "items[3].options: not allowed for kind number",
        "scoring.bands[1].min: gap: 3-4 is in no band",
        "scoring.flags[0].when.ref: unknown item demo_9",
    )
    assert not Instrument.objects.exists()
    assert not AuditEvent.objects.exists()


def test_text_in_an_unsupported_language_is_refused_not_lost() -> None:
    document = demo_document()
    document["items"][0]["text"]["fr"] = "Je reste dans ma chambre."

    with pytest.raises(BankError) as caught:
        bank_import(document=document, actor_label="tests")

    assert caught.value.problems == (
        "items[0].text.fr: language fr is not one of en, ja, it",
    )


def test_licensed_text_is_recorded_and_overlaid_but_never_exported(
    admin_user: User,
) -> None:
    version = licensed_demo_version(attribution="©")
    assert version.needs_licensed_text

    enter_every_text(
        version,
        item_text=lambda code: f"Licensed {code}",
        option_label=lambda option: f"L{option.value}",
        licence_note="Clinic licence 2025-17",
        by=admin_user,
    )

    version.refresh_from_db()
    assert not version.needs_licensed_text
    assert version.text_entered_by == admin_user
    definition = convert.version_definition(version)
    assert definition.items[0].text == {"en": "Licensed demo_1"}
    assert definition.items[0].options[2].label == {"en": "L2"}
    exported = convert.version_document(version)
    assert exported["items"][0]["text"] == {}
    assert bank_import(document=exported, actor_label="tests").created is False


def test_licensed_text_needs_every_english_text_and_a_licence(admin_user: User) -> None:
    version = licensed_demo_version(attribution="©")

    with pytest.raises(BankError) as caught:
        instrument_version_enter_text(
            version=version,
            item_texts={"demo_1": {"en": "Only one"}},
            option_labels={},
            licence_note=" ",
            by=admin_user,
        )

    problems = caught.value.problems
    assert "Say under which licence the text is used." in problems
    assert "demo_2: English text is required" in problems
    version.refresh_from_db()
    assert version.text_entered_at is None


def _spec(code: str = "demo_protocol") -> ProtocolSpec:
    return ProtocolSpec(
        code=code,
        name={"en": "Demo protocol"},
        description={},
        audience="self",
        default=False,
        instruments=(("demo", 1),),
    )


def test_a_protocol_waits_for_licensed_text_then_publishes(admin_user: User) -> None:
    version = licensed_demo_version(attribution="©")

    loaded = protocol_load(spec=_spec(), actor_label="tests")
    assert loaded.protocol.status == Protocol.Status.DRAFT
    assert loaded.problems == ("demo v1: item text to be entered under licence",)

    enter_every_text(
        version,
        item_text=lambda code: code,
        option_label=lambda option: option.code,
        licence_note="Clinic licence",
        by=admin_user,
    )
    published = protocol_publish(protocol=loaded.protocol, by=admin_user)

    assert published.status == Protocol.Status.PUBLISHED
    assert protocol_load(spec=_spec(), actor_label="tests").changed is False


def test_a_protocol_with_a_draft_part_is_not_published(admin_user: User) -> None:
    demo_version(publish=False)
    loaded = protocol_load(spec=_spec(), actor_label="tests")

    with pytest.raises(BankError) as caught:
        protocol_publish(protocol=loaded.protocol, by=admin_user)

    assert "must be published first" in str(caught.value)


def test_a_published_protocol_is_frozen_and_a_changed_spec_is_its_next_version() -> (
    None
):
    demo_version()
    protocol = protocol_load(spec=_spec(), actor_label="tests").protocol
    assert protocol.status == Protocol.Status.PUBLISHED

    protocol.name_en = "Renamed"
    with pytest.raises(FrozenError):
        protocol.save()
    with pytest.raises(FrozenError):
        protocol.entries.all().delete()
    renamed = protocol_load(
        spec=ProtocolSpec(**{**_spec().__dict__, "name": {"en": "Renamed"}}),
        actor_label="tests",
    ).protocol
    protocol.refresh_from_db()
    assert (renamed.number, renamed.status) == (2, Protocol.Status.PUBLISHED)
    assert protocol.status == Protocol.Status.RETIRED
