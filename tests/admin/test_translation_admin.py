"""An admin enters a clinic's licensed translation in one step: it is published as a
new instrument version, which new screenings use; earlier answers keep their own.

The item texts below are placeholders of the right shape (ten items, eight answer
labels for PHQ-9), not the licensed Japanese text.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from questionnaires import selectors
from questionnaires.models import (
    AuditEvent,
    InstrumentVersion,
    Patient,
    Protocol,
    Screening,
    TranslationRecord,
)
from questionnaires.reports.data import screening_report_data
from tests.conftest import PASSWORD
from tests.factories import FAMILY, SELF, self_link_token
from tests.views.test_clinician_pages import _full_screening
from tests.views.test_report_disclosure import pdf_text
from tests.views.test_respondent_language import NOTE, _pages

pytestmark = pytest.mark.django_db

ITEMS = "\n".join(f"{n}. 【仮】PHQ-9の項目{n}（テスト用の文面）" for n in range(1, 11))
LABELS = "\n".join(f"【仮】回答{n}" for n in range(1, 9))
ADD = "admin:questionnaires_translationrecord_add"
SOURCE = "Muramatsu K et al. (placeholder for the test)"
LICENCE = "Free to reproduce and translate (Pfizer notice)"


def _form(version: InstrumentVersion, **changes: str) -> dict[str, Any]:
    return {
        "version": str(version.pk),
        "language": "ja",
        "kind": "validated",
        "source": SOURCE,
        "citation": "Psychol Rep 2007;101(3):952-960",
        "licence": LICENCE,
        "population": "Japanese adults",
        "instructions": "【仮】この2週間の説明文",
        "items": ITEMS,
        "labels": LABELS,
        **changes,
    }


@pytest.fixture
def admin(admin_user: User) -> Client:
    client = Client()
    assert client.login(username=admin_user.username, password=PASSWORD)
    return client


@pytest.fixture
def phq9(protocols: dict[str, Any]) -> InstrumentVersion:
    return InstrumentVersion.objects.get(instrument__code="phq9", number=1)


def _publish(admin: Client, version: InstrumentVersion, **changes: str) -> Any:
    return admin.post(reverse(ADD), {**_form(version, **changes), "publish": "1"})


def _current(code: str) -> Protocol:
    return Protocol.objects.get(code=code, status=Protocol.Status.PUBLISHED)


def _phq9_page(client: Client, token: str) -> str:
    return next(h for n, h in _pages(client, token).items() if n.startswith("phq9-"))


def _errors(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_entry_page_lists_the_english_in_the_order_to_paste(
    admin: Client, phq9: InstrumentVersion
) -> None:
    html = admin.get(reverse(ADD), {"version": phq9.pk}).content.decode()
    assert 'id="source-items"' in html
    assert html.index("phq9_1") < html.index("phq9_9") < html.index("phq9_10")
    assert "Not at all" in html


def test_preview_shows_each_item_beside_the_english_and_saves_nothing(
    admin: Client, phq9: InstrumentVersion
) -> None:
    html = admin.post(reverse(ADD), {**_form(phq9), "preview": "1"}).content.decode()
    assert 'id="preview"' in html
    row = html[html.index("phq9_9") :]
    assert row.index("Thoughts that you would be better off dead") < row.index("項目9")
    assert 'name="publish"' in html
    assert not TranslationRecord.objects.exists()
    assert not InstrumentVersion.objects.filter(instrument__code="phq9", number=2)


def test_a_paste_with_the_wrong_number_of_lines_is_refused(
    admin: Client, phq9: InstrumentVersion
) -> None:
    short = "\n".join(ITEMS.splitlines()[:9])
    response = _publish(admin, phq9, items=short)
    assert "9 item lines pasted; phq9 has 10 items." in _errors(response)
    assert not TranslationRecord.objects.exists()
    assert not InstrumentVersion.objects.filter(instrument__code="phq9", number=2)


def test_an_item_line_with_a_number_and_no_text_is_refused(
    admin: Client, phq9: InstrumentVersion
) -> None:
    lines = ITEMS.splitlines()
    lines[2] = "3."
    response = _publish(admin, phq9, items="\n".join(lines))
    assert "Line 3 (phq9_3) has a number but no text." in _errors(response)
    assert not InstrumentVersion.objects.filter(instrument__code="phq9", number=2)


def test_a_language_without_a_bank_column_is_refused_by_name(
    admin: Client, phq9: InstrumentVersion
) -> None:
    html = _publish(admin, phq9, language="ko").content.decode()
    assert "ko is not a language a translation can be entered in" in html
    assert not InstrumentVersion.objects.filter(instrument__code="phq9", number=2)


def test_a_validated_translation_needs_its_population(
    admin: Client, phq9: InstrumentVersion
) -> None:
    response = _publish(admin, phq9, population="")
    assert "Say which population the translation was validated in." in _errors(response)
    assert not TranslationRecord.objects.exists()


def test_publishing_makes_a_new_version_and_leaves_the_old_one_and_its_answers(
    admin: Client,
    admin_user: User,
    clinician: User,
    patient: Patient,
    protocols: dict[str, Any],
    phq9: InstrumentVersion,
) -> None:
    before = _full_screening(clinician, patient, protocols)
    old_document = phq9.document
    old_rows = list(phq9.items.values_list("code", "text_en", "text_ja"))

    response = _publish(admin, phq9)

    assert response.status_code == 302
    said = [str(m) for m in admin.get(response.url).context["messages"]]
    assert (
        "Published phq9 v2 with the translation (phq9 v1 is kept for the answers "
        "given to it). New screenings use it from now on." in said
    )
    new = InstrumentVersion.objects.get(instrument__code="phq9", number=2)
    assert new.status == InstrumentVersion.Status.PUBLISHED
    assert new.languages == ["en", "ja"]
    assert new.document is not None and old_document is not None
    assert new.document["scoring"] == old_document["scoring"]
    assert [i.code for i in new.items.all()] == [i.code for i in phq9.items.all()]
    first = new.items.get(code="phq9_1")
    assert first.text_ja == "【仮】PHQ-9の項目1（テスト用の文面）"  # numbering dropped
    assert first.text_en == phq9.items.get(code="phq9_1").text_en
    assert [(o.value, o.label_ja) for o in first.options.all()] == [
        (n, f"【仮】回答{n + 1}") for n in range(4)
    ]
    record = TranslationRecord.objects.get()
    assert (record.version, record.language, record.kind) == (new, "ja", "validated")
    assert (record.source, record.licence, record.population) == (
        SOURCE,
        LICENCE,
        "Japanese adults",
    )
    assert record.entered_by == admin_user
    # The old version: still published, same document, same rows, no translation.
    phq9.refresh_from_db()
    assert phq9.status == InstrumentVersion.Status.PUBLISHED
    assert phq9.document == old_document
    assert list(phq9.items.values_list("code", "text_en", "text_ja")) == old_rows
    assert selectors.translation_used(phq9, "ja") is None
    assert selectors.translation_used(new, "ja") == record
    # The protocol moved to the new version; the one answered before is kept.
    brief = _current(SELF)
    assert brief.number == 2
    assert brief.entries.filter(instrument_version=new).exists()
    protocols[SELF].refresh_from_db()
    assert protocols[SELF].status == Protocol.Status.RETIRED
    # Who published, in the audit trail.
    event = AuditEvent.objects.get(action="bank.translation_publish")
    assert event.actor == admin_user
    assert event.details["from"] == 1 and event.details["version"] == 2
    assert event.details["protocols"] == [f"{SELF} v2"]
    assert AuditEvent.objects.get(action="bank.version_publish", actor=admin_user)
    # The answers given before keep version 1: its text and its scores.
    before.refresh_from_db()
    part = before.parts.get(role="self")
    state = selectors.part_state(part)
    assert state.versions_by_code["phq9"] == phq9
    assert "ja" not in state.definitions_by_code["phq9"].items[0].text
    data = screening_report_data(before, lang="ja")
    assert data.instruments["phq9"]["version"] == 1
    assert data.instruments["phq9"]["item_text"]["phq9_1"] == {
        "en": phq9.items.get(code="phq9_1").text_en
    }
    assert before.result is not None
    assert before.result["instruments"]["phq9"]["total"] == 18
    assert selectors.translations_used_for(before) == []


def test_a_japanese_respondent_then_sees_the_japanese_phq9_with_its_source(
    admin: Client,
    client: Client,
    clinician: User,
    patient: Patient,
    protocols: dict[str, Any],
    phq9: InstrumentVersion,
    django_capture_on_commit_callbacks: Any,
) -> None:
    started = self_link_token(patient=patient, by=clinician, protocol=protocols[SELF])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ja"
    assert NOTE in _phq9_page(client, started)  # English, and the page says so

    with django_capture_on_commit_callbacks(execute=True):
        assert _publish(admin, phq9).status_code == 302

    # A screening started after publishing gets the new version, in Japanese.
    token = self_link_token(patient=patient, by=clinician, protocol=_current(SELF))
    page = _phq9_page(client, token)
    assert NOTE not in page
    assert "項目1（テスト用の文面）" in page
    assert "【仮】回答1" in page
    assert "Little interest or pleasure" not in page
    assert 'id="translation-source"' in page
    assert "Muramatsu K et al." in page
    assert "Japanese adults" in page
    # The one started before finishes on the version it was started on.
    assert NOTE in _phq9_page(client, started)

    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    english = _phq9_page(client, token)
    assert "Little interest or pleasure" in english
    assert 'id="translation-source"' not in english


def test_a_form_sent_twice_publishes_once_and_says_so(
    admin: Client, phq9: InstrumentVersion
) -> None:
    assert _publish(admin, phq9).status_code == 302
    again = _publish(admin, phq9)
    assert (
        "This translation is already published, as phq9 v2; nothing was changed."
        in _errors(again)
    )
    assert InstrumentVersion.objects.filter(instrument__code="phq9").count() == 2
    assert TranslationRecord.objects.count() == 1


def test_an_old_version_is_refused_and_the_current_one_is_named(
    admin: Client, phq9: InstrumentVersion
) -> None:
    _publish(admin, phq9)
    other = _publish(admin, phq9, items=ITEMS.replace("【仮】", "【改】"))
    assert (
        "phq9 v1 has been replaced by version 2: enter the translation against "
        "version 2." in _errors(other)
    )
    assert InstrumentVersion.objects.filter(instrument__code="phq9").count() == 2


def test_the_version_list_offers_only_each_instruments_current_version(
    admin: Client, phq9: InstrumentVersion
) -> None:
    _publish(admin, phq9)
    new = InstrumentVersion.objects.get(instrument__code="phq9", number=2)
    html = admin.get(reverse(ADD)).content.decode()
    assert f'<option value="{new.pk}">phq9 v2' in html
    assert f'<option value="{phq9.pk}">' not in html


def test_a_record_cannot_be_edited(admin: Client, phq9: InstrumentVersion) -> None:
    _publish(admin, phq9)
    record = TranslationRecord.objects.get()
    change = reverse("admin:questionnaires_translationrecord_change", args=[record.pk])
    admin.post(change, {"source": "changed"})
    record.refresh_from_db()
    assert record.source.startswith("Muramatsu")


def _screening_after(
    clinician: User, patient: Patient, protocols: dict[str, Any]
) -> Screening:
    """A self and family screening started on the protocols now published, the
    young person answering in Japanese."""
    current = {**protocols, SELF: _current(SELF), FAMILY: _current(FAMILY)}
    screening = _full_screening(clinician, patient, current)
    screening.parts.filter(role="self").update(language="ja")
    return screening


def test_the_clinician_result_names_the_translation_the_respondent_saw(
    admin: Client,
    clinician: User,
    patient: Patient,
    protocols: dict[str, Any],
    phq9: InstrumentVersion,
) -> None:
    _publish(admin, phq9)
    screening = _screening_after(clinician, patient, protocols)
    used = {
        r.version.instrument.code: r for r in selectors.translations_used_for(screening)
    }
    assert used["phq9"].version.number == 2 and used["phq9"].is_validated
    # The ASQ has no entered Japanese text: the project's own, marked as such.
    assert not used["asq"].is_validated
    client = Client()
    client.force_login(clinician)
    url = reverse("questionnaires:screening-result", kwargs={"pk": screening.pk})
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="translations-used"' in html
    assert "Muramatsu K et al." in html
    assert "validated in Japanese adults" in html
    assert f"licence: {LICENCE}" in html
    assert "working translation, not validated" in html


def test_the_clinician_pdf_names_the_translation_the_respondent_saw(
    admin: Client,
    clinician: User,
    patient: Patient,
    protocols: dict[str, Any],
    phq9: InstrumentVersion,
) -> None:
    _publish(admin, phq9)
    screening = _screening_after(clinician, patient, protocols)
    client = Client()
    client.force_login(clinician)
    url = reverse(
        "questionnaires:screening-report",
        kwargs={"pk": screening.pk, "audience": "clinician"},
    )

    text = pdf_text(client.get(url, {"lang": "en"}).content)

    assert "Translation of PHQ-9: Muramatsu K et al." in text
    assert "validated in Japanese adults" in text
    assert f"licence: {LICENCE}" in text
    assert "working translation, not validated" in text


def _csv(rows: list[tuple[str, str]]) -> SimpleUploadedFile:
    body = "code,text\n" + "".join(f'{code},"{text}"\n' for code, text in rows)
    return SimpleUploadedFile("phq9-ja.csv", body.encode("utf-8-sig"), "text/csv")


def test_an_uploaded_csv_fills_the_boxes_and_publishes_like_a_paste(
    admin: Client, phq9: InstrumentVersion
) -> None:
    rows = [(f"phq9_{n}", f"【CSV】項目{n}") for n in range(10, 0, -1)]  # any order
    rows += [(f"answer:{n}", f"【CSV】回答{n}") for n in range(1, 9)]
    rows += [("instructions", "【CSV】説明")]
    form = {**_form(phq9, items="", labels="", instructions=""), "preview": "1"}

    preview = admin.post(reverse(ADD), {**form, "upload": _csv(rows)})

    html = preview.content.decode()
    assert 'id="preview"' in html
    row = html[html.index("phq9_9") :]
    assert row.index("Thoughts that you would be better off dead") < row.index(
        "【CSV】項目9"
    )
    boxes = preview.context["form"].data
    assert boxes["items"].splitlines()[0] == "【CSV】項目1"
    published = admin.post(reverse(ADD), {**boxes, "publish": "1"})
    assert published.status_code == 302
    new = InstrumentVersion.objects.get(instrument__code="phq9", number=2)
    assert new.items.get(code="phq9_10").text_ja == "【CSV】項目10"
    assert new.instructions_ja == "【CSV】説明"


def test_an_uploaded_csv_with_unknown_or_missing_codes_is_refused_by_code(
    admin: Client, phq9: InstrumentVersion
) -> None:
    rows = [(f"phq9_{n}", "x") for n in range(1, 10)]  # phq9_10 missing
    rows += [(f"answer:{n}", "y") for n in range(1, 9)] + [("phq9_11", "z")]
    form = {**_form(phq9, items="", labels=""), "preview": "1"}

    response = admin.post(reverse(ADD), {**form, "upload": _csv(rows)})

    errors = _errors(response)
    assert "phq9_11 is not an item code of phq9 v1, instructions or answer:N." in errors
    assert "No text for: phq9_10" in errors
    assert 'id="preview"' not in response.content.decode()


def test_neither_a_paste_nor_a_file_is_refused(
    admin: Client, phq9: InstrumentVersion
) -> None:
    html = _publish(admin, phq9, items="").content.decode()
    assert "Paste the items, one per line, or upload a CSV." in html
    assert not InstrumentVersion.objects.filter(instrument__code="phq9", number=2)
