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


#: The emergency number to name in advice ("call 119"), keyed by report language.
EMERGENCY_NUMBER: Mapping[str, str] = {
    "en": "999 (or 112)",
    "ja": "110（警察）または119（救急）",
    "it": "112",
}

#: Domestic-violence and family support lines, for ``family_safety`` (INSTRUMENTS.md
#: §6), keyed by report language; emergency first.
DV_CONTACTS: Mapping[str, tuple[Contact, ...]] = {
    "en": (
        {
            "name": "Emergency services (police, ambulance)",
            "phone": "999 (UK) · 112",
            "hours": "24 hours",
        },
        {
            "name": "National Domestic Abuse Helpline (UK, Refuge)",
            "phone": "0808 2000 247",
            "hours": "24 hours, free",
        },
    ),
    "ja": (
        {"name": "警察（身の危険があるとき）", "phone": "110", "hours": "24時間"},
        {
            "name": "DV相談ナビ（最寄りの配偶者暴力相談支援センター）",
            "phone": "#8008",
            "hours": "センターにより異なります",
        },
        {
            "name": "DV相談＋（プラス）",
            "phone": "0120-279-889",
            "hours": "24時間・無料",
        },
    ),
    "it": (
        {
            "name": "Numero unico di emergenza",
            "phone": "112",
            "hours": "24 ore su 24",
        },
        {
            "name": "1522 – Numero antiviolenza e stalking",
            "phone": "1522",
            "hours": "24 ore su 24, gratuito",
        },
    ),
}


#: Lines for children and young people, added to an under-18's own summary where the
#: language's country has one.
YOUTH_CONTACTS: Mapping[str, tuple[Contact, ...]] = {
    "en": (
        {
            "name": "Childline (UK, up to 19)",
            "phone": "0800 1111",
            "hours": "24 hours, free",
        },
    ),
    "ja": (
        {
            "name": "チャイルドライン（18歳まで）",
            "phone": "0120-99-7777",
            "hours": "毎日16時〜21時・無料",
        },
    ),
    "it": (
        {
            "name": "Telefono Azzurro (bambini e ragazzi)",
            "phone": "19696",
            "hours": "24 ore su 24, gratuito",
        },
    ),
}


def youth_contacts(lang: str) -> tuple[Contact, ...]:
    """Lines for children and young people in ``lang``'s country (may be empty)."""
    return YOUTH_CONTACTS.get(lang, ())


def emergency_number(lang: str) -> str:
    """The emergency number to name in advice for ``lang`` (English's as fallback)."""
    return EMERGENCY_NUMBER.get(lang, EMERGENCY_NUMBER["en"])


def dv_contacts(lang: str) -> tuple[Contact, ...]:
    """Domestic-violence and family support contacts for ``lang``."""
    return DV_CONTACTS.get(lang, DV_CONTACTS["en"])


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
