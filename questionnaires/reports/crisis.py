"""Default crisis contacts per locale, shown when there may be danger now.

Pure data, no Django settings: DESIGN.md §6 makes the contacts configurable per
organisation and locale, so :func:`crisis_contacts` takes an optional override (an
organisation's own list, once organisations can store one) and otherwise returns the
default for the report's language. The defaults are national services of the country
the language is most used in, plus the emergency number; an organisation outside those
countries must configure its own. Numbers were checked against the services' public
pages when written; re-check them before each release.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypedDict


class Contact(TypedDict):
    """One crisis contact: who, how to reach them, and when."""

    name: str
    phone: str
    hours: str


#: Emergency first, then listening lines. Keyed by report language.
DEFAULT_CONTACTS: Mapping[str, tuple[Contact, ...]] = {
    "en": (
        {
            "name": "Emergency services (danger to life)",
            "phone": "999 (UK) · 911 (US, Canada) · 112 (EU)",
            "hours": "24 hours",
        },
        {
            "name": "988 Suicide & Crisis Lifeline (US)",
            "phone": "call or text 988",
            "hours": "24 hours",
        },
        {
            "name": "Samaritans (UK and Ireland)",
            "phone": "116 123",
            "hours": "24 hours",
        },
    ),
    "ja": (
        {
            "name": "救急（命の危険があるとき）",
            "phone": "119（警察は110）",
            "hours": "24時間",
        },
        {
            "name": "よりそいホットライン",
            "phone": "0120-279-338",
            "hours": "24時間・無料",
        },
        {
            "name": "いのちの電話（ナビダイヤル）",
            "phone": "0570-783-556",
            "hours": "10時〜22時",
        },
        {
            "name": "こころの健康相談統一ダイヤル",
            "phone": "0570-064-556",
            "hours": "都道府県により異なります",
        },
    ),
    "it": (
        {
            "name": "Numero unico di emergenza (pericolo di vita)",
            "phone": "112 (o 118)",
            "hours": "24 ore su 24",
        },
        {"name": "Telefono Amico Italia", "phone": "02 2327 2327", "hours": "9–24"},
        {
            "name": "Samaritans Onlus",
            "phone": "06 77208977",
            "hours": "13–22",
        },
    ),
}


def crisis_contacts(
    lang: str, override: Mapping[str, Sequence[Contact]] | None = None
) -> tuple[Contact, ...]:
    """Contacts for ``lang``: the organisation's own list if given, else the default.

    Falls back to English for a language with no default, because showing some
    contacts is always safer than showing none.
    """
    if override and override.get(lang):
        return tuple(override[lang])
    return DEFAULT_CONTACTS.get(lang, DEFAULT_CONTACTS["en"])
