"""The engine's approved wording keeps the glossary of docs/translation.md."""

from __future__ import annotations

import pytest

from questionnaires.scoring.wording import all_phrases

#: Terms the glossary replaces, per language (docs/translation.md).
AVOIDED = {
    "ja": ("社会的撤退", "社会的ひきこもり", "精神保健の専門家", "臨床家"),
    "it": ("clinica", "vostro ragazzo", "il/la giovane"),
}


@pytest.mark.parametrize("lang", sorted(AVOIDED))
def test_result_wording_uses_the_glossary_terms(lang: str) -> None:
    found = [
        (key, term)
        for key, phrase_lang, text in all_phrases()
        if phrase_lang == lang
        for term in AVOIDED[lang]
        if term in text.lower()
    ]
    assert found == []
