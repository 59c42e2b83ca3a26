"""The question-bank admin: frozen versions, preview, trial scoring, import, export."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from questionnaires.bank import convert
from questionnaires.bank.protocols import ProtocolSpec
from questionnaires.models import Instrument, InstrumentVersion, Protocol
from questionnaires.services.bank import protocol_load
from tests.bank.factories import demo_document, demo_version, licensed_demo_version
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _change_url(version: InstrumentVersion) -> str:
    return reverse("admin:questionnaires_instrumentversion_change", args=[version.pk])


def test_a_published_version_change_page_is_read_only(admin_user: User) -> None:
    version = demo_version()

    response = _client(admin_user).get(_change_url(version))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="_save"' not in html
    assert 'name="changelog"' not in html
    assert "Edit: copy as a new draft" in html


def test_posting_to_a_published_version_changes_nothing(admin_user: User) -> None:
    version = demo_version()

    response = _client(admin_user).post(
        _change_url(version), {"changelog": "sneaky", "items-TOTAL_FORMS": "0"}
    )

    assert response.status_code == 403
    version.refresh_from_db()
    assert version.changelog == "First."


def test_a_draft_change_page_is_editable(admin_user: User) -> None:
    draft = demo_version(publish=False)

    html = _client(admin_user).get(_change_url(draft)).content.decode()

    assert 'name="changelog"' in html
    assert 'name="items-0-text_en"' in html


def test_publish_shows_each_problem_next_to_its_field_on_the_form(
    admin_user: User,
) -> None:
    draft = demo_version(publish=False)
    draft.scoring["bands"][1]["min"] = 4
    draft.save()

    response = _client(admin_user).get(reverse("admin:bank-publish", args=[draft.pk]))

    form = response.context["adminform"].form
    assert form.errors["scoring"] == [
        "Totals 3–3 fall in no band (between low and high)."
    ]
    assert 'id="publish-refused"' in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == InstrumentVersion.Status.DRAFT


def test_copy_button_makes_an_editable_draft(admin_user: User) -> None:
    version = demo_version()

    response = _client(admin_user).post(reverse("admin:bank-copy", args=[version.pk]))

    draft = InstrumentVersion.objects.get(number=2)
    assert response.url == _change_url(draft)  # type: ignore[attr-defined]
    assert draft.status == InstrumentVersion.Status.DRAFT


@pytest.mark.parametrize("name", ["admin:bank-preview", "admin:bank-try"])
def test_preview_and_try_pages_render_for_an_admin(admin_user: User, name: str) -> None:
    draft = demo_version(publish=False)

    response = _client(admin_user).get(reverse(name, args=[draft.pk]), {"lang": "ja"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "部屋にいる。" in html
    assert "I avoid people." in html


@pytest.mark.parametrize("name", ["admin:bank-preview", "admin:bank-try"])
def test_preview_and_try_pages_are_refused_to_a_clinician(
    clinician: User, name: str
) -> None:
    draft = demo_version(publish=False)

    response = _client(clinician).get(reverse(name, args=[draft.pk]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))  # type: ignore[attr-defined]


def test_trying_the_scoring_shows_totals_bands_and_flags(admin_user: User) -> None:
    draft = demo_version(publish=False)

    response = _client(admin_user).post(
        reverse("admin:bank-try", args=[draft.pk]),
        {"age": "19", "demo-demo_1": "3", "demo-demo_2": "2", "demo-demo_3": "0"},
    )

    assert response.status_code == 200
    result = response.context["instrument_result"]
    assert (result["total"], result["band"], result["complete"]) == (5, "high", True)
    assert [f["code"] for f in response.context["result"]["flags"]] == [
        "social_anxiety"
    ]
    assert "social_anxiety" in response.content.decode()


def test_export_downloads_the_version_as_json(admin_user: User) -> None:
    version = demo_version()

    response = _client(admin_user).get(reverse("admin:bank-export", args=[version.pk]))

    assert response["Content-Disposition"] == 'attachment; filename="demo-v1.json"'
    assert json.loads(response.content) == convert.version_document(version)


def test_import_view_lists_every_problem_and_changes_nothing(admin_user: User) -> None:
    document = demo_document()
    document["scoring"]["bands"][1]["min"] = 4
    document["items"][2]["show_if"] = {"ref": "item:demo_6", "op": "eq", "value": 1}
    upload = SimpleUploadedFile("demo-v1.json", json.dumps(document).encode())

    response = _client(admin_user).post(
        reverse("admin:bank-import"), {"file": upload, "publish": "on"}
    )

    shown = [str(m) for m in response.context["messages"]]
    assert "items[2].show_if.ref: demo_6 is not an earlier item" in shown
    assert "scoring.bands[1].min: gap: 3-3 is in no band" in shown
    assert not Instrument.objects.exists()


@pytest.mark.parametrize(
    ("url_name", "crumb", "intro", "button"),
    [
        (
            "admin:bank-import",
            "Import",
            "The same format as the bundled files",
            "Import",
        ),
        (
            "admin:bank-import-fhir",
            "Import FHIR",
            "A FHIR R4 Questionnaire becomes a new draft",
            "Import as a draft",
        ),
    ],
)
def test_import_pages_show_their_crumb_intro_upload_and_button(
    admin_user: User, url_name: str, crumb: str, intro: str, button: str
) -> None:
    html = _client(admin_user).get(reverse(url_name)).content.decode()

    breadcrumbs = html[html.index('<div class="breadcrumbs">') :]
    breadcrumbs = breadcrumbs[: breadcrumbs.index("</div>")]
    assert breadcrumbs.rstrip().endswith(f"&rsaquo; {crumb}")
    assert f"<p>{intro}" in html
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file" name="file"' in html
    assert f'<input type="submit" value="{button}">' in html


def test_import_view_imports_and_publishes(admin_user: User) -> None:
    upload = SimpleUploadedFile("demo-v1.json", json.dumps(demo_document()).encode())

    _client(admin_user).post(
        reverse("admin:bank-import"), {"file": upload, "publish": "on"}
    )

    version = InstrumentVersion.objects.get(instrument__code="demo")
    assert version.status == InstrumentVersion.Status.PUBLISHED


def test_licensed_items_show_the_placeholder_until_text_is_entered(
    admin_user: User,
) -> None:
    version = licensed_demo_version()
    client = _client(admin_user)

    html = client.get(_change_url(version)).content.decode()
    assert "Item text to be entered under licence" in html

    response = client.get(reverse("admin:bank-text", args=[version.pk]))
    assert response.status_code == 200
    assert 'name="item-demo_1-en"' in response.content.decode()


def test_bank_pages_in_the_admin_index_and_lists(admin_user: User) -> None:
    demo_version()
    client = _client(admin_user)

    for name in ("instrument", "instrumentversion", "protocol"):
        response = client.get(reverse(f"admin:questionnaires_{name}_changelist"))
        assert response.status_code == 200


def test_a_published_version_cannot_be_deleted_from_the_admin(admin_user: User) -> None:
    version = demo_version()
    client = _client(admin_user)
    delete_url = reverse(
        "admin:questionnaires_instrumentversion_delete", args=[version.pk]
    )

    assert client.get(delete_url).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:questionnaires_instrumentversion_changelist")
    response = client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [version.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert InstrumentVersion.objects.filter(pk=version.pk).exists()
    assert version.items.count() == 6


def test_a_draft_version_can_be_deleted_from_the_admin(admin_user: User) -> None:
    draft = demo_version(publish=False)
    delete_url = reverse(
        "admin:questionnaires_instrumentversion_delete", args=[draft.pk]
    )

    response = _client(admin_user).post(delete_url, {"post": "yes"})

    assert response.status_code == 302
    assert not InstrumentVersion.objects.filter(pk=draft.pk).exists()


def test_an_item_of_a_published_version_is_read_only_in_the_admin(
    admin_user: User,
) -> None:
    version = demo_version()
    item = version.items.get(code="demo_1")
    url = reverse("admin:questionnaires_item_change", args=[item.pk])
    client = _client(admin_user)

    html = client.get(url).content.decode()
    assert 'name="text_en"' not in html
    response = client.post(url, {"text_en": "sneaky", "code": "demo_1"})
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.text_en == "I stay in my room."


def test_a_protocol_cannot_be_published_until_licensed_text_is_entered(
    admin_user: User,
) -> None:
    version = licensed_demo_version()
    protocol = protocol_load(
        spec=ProtocolSpec(
            code="demo_protocol",
            name={"en": "Demo protocol"},
            description={},
            audience="self",
            default=False,
            instruments=(("demo", 1),),
        ),
        actor_label="tests",
    ).protocol
    client = _client(admin_user)
    publish = reverse("admin:bank-protocol-publish", args=[protocol.pk])

    refused = client.post(publish, follow=True)

    shown = [str(m) for m in refused.context["messages"]]
    assert "demo v1: item text to be entered under licence" in shown
    protocol.refresh_from_db()
    assert protocol.status == Protocol.Status.DRAFT

    form = client.get(reverse("admin:bank-text", args=[version.pk])).context["form"]
    entered = {
        name: f"Licensed {name}"
        for name, field in form.fields.items()
        if field.required and name != "licence_note"
    }
    entered["licence_note"] = "Clinic licence 2025-17"
    saved = client.post(reverse("admin:bank-text", args=[version.pk]), entered)
    assert saved.status_code == 302
    version.refresh_from_db()
    assert not version.needs_licensed_text

    client.post(publish)
    protocol.refresh_from_db()
    assert protocol.status == Protocol.Status.PUBLISHED


def test_an_instrument_with_versions_cannot_be_deleted(admin_user: User) -> None:
    version = demo_version(publish=False)
    url = reverse(
        "admin:questionnaires_instrument_delete", args=[version.instrument.pk]
    )

    assert _client(admin_user).post(url, {"post": "yes"}).status_code == 403
    assert Instrument.objects.filter(code="demo").exists()
