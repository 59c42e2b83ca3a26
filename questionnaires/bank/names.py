"""Instrument names in Japanese and Italian, for every version (docs/translation.md).

An instrument's ``name`` is text in its version's document, and a published version
is frozen: giving PHQ-9 v1 a Japanese name in its file would be a changed document,
that is a new version, and a new version loses what was entered for the old one
(licensed item text, validated translations) and asks for new protocol versions.
A name is not the validated wording, so the bundled instruments' names are gettext
messages instead: the English ``name`` of the document is the msgid, and its
Japanese and Italian names are entries of ``locale/<lang>/LC_MESSAGES/django.po``,
whatever version was answered.

A name the version's document has in the language comes first (HikiScreen's own
modules carry theirs, and an admin's import may); the catalogue fills in where it
has none; English is the last resort. Acronyms (PHQ-9) are kept in every language,
and the short name stays the published abbreviation (HikiScreen's own modules'
short names are report messages, ``reports/texts.py``).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext, gettext_noop, override

#: The English ``name`` of every bundled instrument whose documents have no Japanese
#: or Italian name (``questionnaires/bank/instruments/*.json``).
BUNDLED_NAMES = frozenset(
    {
        gettext_noop(
            "Autism Spectrum Quotient, 10 items, adolescent version, parent report "
            "(AQ-10 adolescent)"
        ),
        gettext_noop("Autism Spectrum Quotient, 10 items, adult version (AQ-10 adult)"),
        gettext_noop(
            "Autism Spectrum Quotient, 10 items, child version, parent report "
            "(AQ-10 child)"
        ),
        gettext_noop("Ask Suicide-Screening Questions (ASQ)"),
        gettext_noop("Generalized Anxiety Disorder 7-item scale (GAD-7)"),
        gettext_noop("25-item Hikikomori Questionnaire (HQ-25), past 6 months"),
        gettext_noop("25-item Hikikomori Questionnaire, past-month version (HQ-25M)"),
        gettext_noop("Lubben Social Network Scale, 6 items (LSNS-6)"),
        gettext_noop("Mini-Social Phobia Inventory (Mini-SPIN)"),
        gettext_noop("Patient Health Questionnaire-9 (PHQ-9)"),
        gettext_noop("Prodromal Questionnaire, 16 items (PQ-16)"),
        gettext_noop(
            "Standardised Assessment of Personality - Abbreviated Scale (SAPAS)"
        ),
        gettext_noop("Social and Occupational Functioning Assessment Scale (SOFAS)"),
        gettext_noop("Three-item Loneliness Scale (UCLA-3)"),
    }
)


def instrument_name(name: Mapping[str, str], lang: str) -> str:
    """The name ``name`` (a document's text map) in ``lang``.

    The document's own text in ``lang``, else the catalogue's translation of its
    English name, else English (else any language the document has).
    """
    if name.get(lang):
        return name[lang]
    english = name.get("en", "")
    if english in BUNDLED_NAMES and lang != "en":
        with override(lang):
            return gettext(english)
    return english or next(iter(name.values()), "")
