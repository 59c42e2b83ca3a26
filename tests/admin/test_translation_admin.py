"""An admin enters a clinic's licensed translation in one step; respondents see it.

The item texts below are placeholders of the right shape (ten items, eight answer
labels for PHQ-9), not the licensed Japanese text.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from questionnaires import selectors
from questionnaires.models import (
    AuditEvent,
    InstrumentVersion,
    Patient,
    TranslationRecord,
)
from tests.conftest import PASSWORD
from tests.factories import SELF, self_link_token
from tests.views.test_clinician_pages import _full_screening
from tests.views.test_report_disclosure import pdf_text
from tests.views.test_respondent_language import NOTE, _pages

pytestmark = pytest.mark.django_db

ITEMS = "\n".join(f"【仮】PHQ-9の項目{n}（テスト用の文面）" for n in range(1, 11))
LABELS = "\n".join(f"【仮】回答{n}" for n in range(1, 9))
ADD = "admin:questionnaires_translationrecord_add"


def _form(version: InstrumentVersion, **changes: str) -> dict[str, Any]:
    return {
        "version": str(version.pk),
        "language": "ja",
        "kind": "validated",
        "source": "Muramatsu K et al. (placeholder for the test)",
        "citation": "Psychol Rep 2007;101(3):952-960",
        "licence": "Free to reproduce and translate (Pfizer notice)",
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


def test_a_paste_with_the_wrong_number_of_lines_is_refused(
    admin: Client, phq9: InstrumentVersion
) -> None:
    short = "\n".join(ITEMS.splitlines()[:9])
    response = admin.post(reverse(ADD), {**_form(phq9, items=short), "publish": "1"})
    assert "9 item lines pasted; phq9 has 10 items." in response.content.decode()
    assert not TranslationRecord.objects.exists()


def test_a_validated_translation_needs_its_population(
    admin: Client, phq9: InstrumentVersion
) -> None:
    admin.post(reverse(ADD), {**_form(phq9, population=""), "publish": "1"})
    assert not TranslationRecord.objects.exists()


def test_a_japanese_respondent_sees_the_entered_translation_with_its_provenance(
    admin: Client,
    client: Client,
    clinician: User,
    patient: Patient,
    protocols: dict[str, Any],
    phq9: InstrumentVersion,
    django_capture_on_commit_callbacks: Any,
) -> None:
    token = self_link_token(patient=patient, by=clinician, protocol=protocols[SELF])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ja"
    before = next(h for n, h in _pages(client, token).items() if n.startswith("phq9-"))
    assert NOTE in before  # English, and the page says so

    # Respondents' pages change once the entry commits (the translations stamp).
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse(ADD), {**_form(phq9), "publish": "1"})
    assert response.status_code == 302
    record = TranslationRecord.objects.get()
    assert (record.version, record.language, record.kind) == (phq9, "ja", "validated")
    assert record.text["items"]["phq9_9"] == "【仮】PHQ-9の項目9（テスト用の文面）"
    assert record.text["options"]["phq9_1"]["0"] == "【仮】回答1"
    assert record.entered_by is not None
    assert AuditEvent.objects.filter(action="bank.translation_publish").count() == 1
    assert selectors.translation_used(phq9, "ja") == record
    assert selectors.translation_used(phq9, "it") is None

    after = next(h for n, h in _pages(client, token).items() if n.startswith("phq9-"))
    assert NOTE not in after
    assert "項目1（テスト用の文面）" in after
    assert "【仮】回答1" in after
    assert "Little interest or pleasure" not in after
    assert 'id="translation-source"' in after
    assert "Muramatsu K et al." in after
    assert "Japanese adults" in after

    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    english = next(h for n, h in _pages(client, token).items() if n.startswith("phq9-"))
    assert "Little interest or pleasure" in english
    assert 'id="translation-source"' not in english


def test_a_translation_cannot_be_entered_twice_or_edited(
    admin: Client, phq9: InstrumentVersion
) -> None:
    admin.post(reverse(ADD), {**_form(phq9), "publish": "1"})
    again = admin.post(reverse(ADD), {**_form(phq9), "publish": "1"})
    assert "already has a translation" in again.content.decode()
    record = TranslationRecord.objects.get()
    change = reverse("admin:questionnaires_translationrecord_change", args=[record.pk])
    admin.post(change, {"source": "changed"})
    record.refresh_from_db()
    assert record.source.startswith("Muramatsu")


def test_the_clinician_result_names_the_translation_the_respondent_saw(
    admin: Client,
    clinician: User,
    patient: Patient,
    protocols: dict[str, Any],
    phq9: InstrumentVersion,
) -> None:
    admin.post(reverse(ADD), {**_form(phq9), "publish": "1"})
    screening = _full_screening(clinician, patient, protocols)
    screening.parts.filter(role="self").update(language="ja")
    used = {
        r.version.instrument.code: r for r in selectors.translations_used_for(screening)
    }
    assert used["phq9"].version == phq9 and used["phq9"].is_validated
    # The ASQ has no entered Japanese text: the project's own, marked as such.
    assert not used["asq"].is_validated
    client = Client()
    client.force_login(clinician)
    url = reverse("questionnaires:screening-result", kwargs={"pk": screening.pk})
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="translations-used"' in html
    assert "Muramatsu K et al." in html
    assert "validated in Japanese adults" in html
    assert "working translation, not validated" in html


def test_the_clinician_pdf_names_the_translation_the_respondent_saw(
    admin: Client,
    clinician: User,
    patient: Patient,
    protocols: dict[str, Any],
    phq9: InstrumentVersion,
) -> None:
    admin.post(reverse(ADD), {**_form(phq9), "publish": "1"})
    screening = _full_screening(clinician, patient, protocols)
    screening.parts.filter(role="self").update(language="ja")
    client = Client()
    client.force_login(clinician)
    url = reverse(
        "questionnaires:screening-report",
        kwargs={"pk": screening.pk, "audience": "clinician"},
    )

    text = pdf_text(client.get(url, {"lang": "en"}).content)

    assert "Translation of PHQ-9: Muramatsu K et al." in text
    assert "validated in Japanese adults" in text
    assert "working translation, not validated" in text
