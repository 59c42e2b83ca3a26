"""The admin's publish path: problems on the form, confirmation, rollout; licensed
text from a paste; golden cases saved from try-scoring."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from questionnaires.bank.protocols import ProtocolSpec
from questionnaires.models import InstrumentVersion, Item, Protocol
from questionnaires.services.bank import (
    golden_case_save,
    instrument_version_copy_as_draft,
    protocol_load,
)
from tests.bank.factories import demo_version
from tests.conftest import PASSWORD
from tests.factories import load_protocols

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _publish_url(version: InstrumentVersion) -> str:
    return reverse("admin:bank-publish", args=[version.pk])


def _protocol() -> Protocol:
    spec = ProtocolSpec(
        code="demo_protocol",
        name={"en": "Demo protocol"},
        description={},
        audience="self",
        default=False,
        instruments=(("demo", 1),),
    )
    return protocol_load(spec=spec, actor_label="tests").protocol


def test_an_item_problem_is_shown_on_that_items_row_numbered_from_one(
    admin_user: User,
) -> None:
    draft = demo_version(publish=False)
    Item.objects.filter(version=draft, code="demo_3").update(
        show_if={"ref": "item:demo_4", "op": "ge", "value": 1}
    )

    response = _client(admin_user).get(_publish_url(draft))

    (items,) = [
        f.formset
        for f in response.context["inline_admin_formsets"]
        if f.formset.model is Item
    ]
    assert items.forms[2].errors["show_if"] == [
        "Item 3 (demo_3) is shown depending on demo_4, which is not an earlier item: "
        "branching may only refer to items before it."
    ]
    # The form on that page still saves to the change page, not to publish.
    change = reverse("admin:questionnaires_instrumentversion_change", args=[draft.pk])
    assert f'action="{change}"' in response.content.decode()


def test_a_valid_draft_gets_a_confirmation_before_anything_is_frozen(
    admin_user: User,
) -> None:
    draft = demo_version(publish=False)

    response = _client(admin_user).get(_publish_url(draft))

    html = response.content.decode()
    assert "What will be frozen" in html
    assert "low 0–2; high 3–6" in html
    draft.refresh_from_db()
    assert draft.status == InstrumentVersion.Status.DRAFT


def test_confirming_publishes_and_rolls_out_the_protocols(admin_user: User) -> None:
    v1 = demo_version()
    protocol_v1 = _protocol()
    draft = instrument_version_copy_as_draft(version=v1, by=admin_user)
    client = _client(admin_user)

    page = client.get(_publish_url(draft)).content.decode()
    assert "Protocols that use the previous version" in page
    response = client.post(
        _publish_url(draft),
        {"roll_out": [protocol_v1.pk], "publish_protocols": "on"},
        follow=True,
    )

    draft.refresh_from_db()
    assert draft.status == InstrumentVersion.Status.PUBLISHED
    new = Protocol.objects.get(code="demo_protocol", number=2)
    assert new.status == Protocol.Status.PUBLISHED
    shown = [str(m) for m in response.context["messages"]]
    assert "Demo protocol v2: Published." in shown


def test_changed_wording_of_a_validated_instrument_is_warned_with_the_licence_note(
    admin_user: User,
) -> None:
    v1 = demo_version()
    draft = instrument_version_copy_as_draft(version=v1, by=admin_user)
    Item.objects.filter(version=draft, code="demo_2").update(text_en="I avoid others.")
    client = _client(admin_user)

    html = client.get(_publish_url(draft)).content.decode()
    refused = client.post(_publish_url(draft), {})

    assert 'id="wording-warning"' in html
    assert "Item 2 (demo_2): the English wording changed." in html
    assert "Licence note: Ours." in html
    assert refused.context["form"].errors["wording_acknowledged"]
    draft.refresh_from_db()
    assert draft.status == InstrumentVersion.Status.DRAFT


def test_a_changed_golden_case_needs_a_reason_which_is_recorded(
    admin_user: User,
) -> None:
    v1 = demo_version()
    golden_case_save(
        version=v1,
        name="all high",
        age=20,
        answers={"demo_1": 3, "demo_2": 3, "demo_3": 0},
        by=admin_user,
    )
    draft = instrument_version_copy_as_draft(version=v1, by=admin_user)
    draft.scoring["flags"] = []
    draft.save()
    client = _client(admin_user)

    refused = client.post(_publish_url(draft), {})
    client.post(_publish_url(draft), {"intended_change": "Flag moved to PHQ."})

    assert refused.context["form"].errors["intended_change"]
    draft.refresh_from_db()
    assert draft.status == InstrumentVersion.Status.PUBLISHED
    assert draft.intended_change == "Flag moved to PHQ."


def test_try_scoring_saves_a_golden_case(admin_user: User) -> None:
    version = demo_version()

    _client(admin_user).post(
        reverse("admin:bank-try", args=[version.pk]),
        {
            "age": 20,
            "demo-demo_1": "3",
            "demo-demo_2": "2",
            "demo-demo_3": "0",
            "case_name": "five",
            "_save_case": "1",
        },
    )

    case = version.golden_cases.get()
    assert (case.name, case.expected["total"], case.expected["band"]) == (
        "five",
        5,
        "high",
    )


def test_hq25_is_published_from_a_pasted_list_with_its_waiting_protocol(
    admin_user: User,
) -> None:
    load_protocols("self_report_screen")
    hq25 = InstrumentVersion.objects.get(instrument__code="hq25")
    url = reverse("admin:bank-licensed-text", args=[hq25.pk])
    data = {
        "items_text": "\n".join(f"Placeholder statement {n}" for n in range(1, 26)),
        "options_text": "\n".join(f"Placeholder answer {v}" for v in range(5)),
        "licence_note": "Kyushu University lab, free use with citation.",
        "licence_confirmed": "on",
        "citation_confirmed": "on",
    }
    client = _client(admin_user)

    preview = client.post(url, {**data, "_preview": "1"}).content.decode()
    client.post(url, {**data, "_publish": "1"})

    assert "reversed: 4 − answer" in preview
    assert 'class="reverse-item"' in preview
    hq25.refresh_from_db()
    assert not hq25.needs_licensed_text
    assert Protocol.objects.get(code="self_report_screen").status == "published"


def test_a_published_protocol_is_copied_as_its_next_draft_from_the_admin(
    admin_user: User,
) -> None:
    demo_version()
    v1 = _protocol()

    response = _client(admin_user).post(
        reverse("admin:bank-protocol-copy", args=[v1.pk]), follow=True
    )

    draft = Protocol.objects.get(code=v1.code, number=2)
    assert draft.status == Protocol.Status.DRAFT
    assert "Copied as the draft of version 2." in [
        str(m) for m in response.context["messages"]
    ]


def test_publishing_has_no_bulk_action_that_would_skip_the_confirmation(
    admin_user: User,
) -> None:
    demo_version()
    page = _client(admin_user).get(
        reverse("admin:questionnaires_instrumentversion_changelist")
    )

    assert page.status_code == 200
    actions = page.context["action_form"].fields["action"].choices
    assert "copy_selected_as_draft" in dict(actions)
    assert not any("publish" in name for name, _label in actions)
