"""Approved result wording (INSTRUMENTS.md §6), translated by the gettext catalogues.

Every sentence the engine can put in a result lives here, in English, so it can be
reviewed in one place and scanned by tests: :func:`all_phrases` lists them all in
every language, and :data:`FORBIDDEN_PATTERNS` / :func:`find_forbidden` hold §6's
forbidden wording for reuse by page and PDF tests. The texts describe answers and
next steps; they never state or imply a diagnosis, and they never say a person "has"
a condition.

The Japanese and Italian texts are the entries of the project's one translation
system, ``locale/<lang>/LC_MESSAGES/django.po`` (docs/translation.md): each English
sentence is marked with :func:`gettext_noop`, which ``makemessages`` extracts, and is
looked up with the standard library's :mod:`gettext` in the compiled ``django.mo``,
so this package stays free of Django (it is pure: no settings, no active language).

Crisis contacts are configured per organisation and locale (DESIGN.md §6), so the
suicide-risk texts here point to "a crisis line or your local emergency number" and
the pages add the configured contacts beside them.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

LANGUAGES = ("en", "ja", "it")

#: The project's catalogues (Django's ``LOCALE_PATHS``) and their gettext domain.
LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"
DOMAIN = "django"


def gettext_noop(message: str) -> str:
    """Marks ``message`` for ``makemessages`` (an xgettext keyword); returns it as is.

    The translation happens when a phrase is asked for in a language (:func:`phrase`).
    """
    return message


_P: dict[str, str] = {
    "not_a_diagnosis": gettext_noop("This is a screening summary, not a diagnosis."),
    "outcome.screen_positive": gettext_noop(
        "The answers are consistent with prolonged social withdrawal. A "
        "comprehensive assessment by a mental-health professional is recommended."
    ),
    "outcome.at_risk": gettext_noop(
        "The answers show signs of social withdrawal that are worth discussing with "
        "a mental-health professional. Screening again in 1 to 3 months is "
        "recommended."
    ),
    "outcome.screen_negative": gettext_noop(
        "These answers show no sign of prolonged social withdrawal. If things "
        "change, for example if time spent at home grows or daily life gets harder, "
        "screen again or talk to a professional."
    ),
    "outcome.incomplete": gettext_noop(
        # Translators: {missing} is a list of the answers still needed.
        "Some answers needed to complete the screening are missing: {missing}. "
        "Please add them to see the result."
    ),
    "comorbidity": gettext_noop(
        "The withdrawal may be related to another condition, which the assessment "
        "should consider."
    ),
    # Translators: {criteria} is a list of the criteria ("criterion" messages).
    "unmet": gettext_noop("Not met or not known: {criteria}."),
    "criterion.duration": gettext_noop("withdrawal lasting 6 months or more"),
    "criterion.going_out": gettext_noop("leaving home 3 days a week or less"),
    "criterion.impairment_or_distress": gettext_noop(
        "difficulties in daily life or distress"
    ),
    "criterion.onset_before_30": gettext_noop("began before age 30"),
    "answer.months_withdrawn": gettext_noop(
        "how many months the withdrawal has lasted"
    ),
    "answer.days_out_per_week": gettext_noop(
        "how many days a week the person leaves home"
    ),
    "suicide.respondent": gettext_noop(
        # Translators: said to the person who answered, a young person (Italian: tu).
        "If you are thinking about ending your life or hurting yourself, please "
        "talk to someone now. Call a crisis line or your local emergency number, or "
        "tell someone you trust who is near you."
    ),
    "suicide.clinician": gettext_noop(
        "Suicide-risk answer: a safety assessment is needed today."
    ),
    "suicide.clinician.positive": gettext_noop(
        "ASQ positive: a brief suicide safety assessment is needed today, before "
        "the person leaves (NIMH ASQ pathway)."
    ),
    "suicide.clinician.acute_positive": gettext_noop(
        "ASQ acute positive: a full safety evaluation is needed before the person "
        "leaves; keep them safe and do not leave them alone until then (NIMH ASQ "
        "pathway)."
    ),
    "flag.suicide_risk": gettext_noop(
        "An answer about thoughts of death, suicide or self-harm needs attention today."
    ),
    "flag.family_safety": gettext_noop(
        "The family reported a fear for safety now, or violence or serious conflict "
        "at home."
    ),
    "flag.depression": gettext_noop(
        "Answers about low mood are at or above the screening cut-off, or the "
        "clinician noted this concern."
    ),
    "flag.psychosis_risk": gettext_noop(
        "Answers about unusual experiences are at or above the screening cut-off, "
        "or the clinician noted this concern."
    ),
    "flag.anxiety": gettext_noop(
        "Answers about worry and anxiety are at or above the screening cut-off."
    ),
    "flag.social_anxiety": gettext_noop(
        "Answers about fear of social situations are at or above the screening "
        "cut-off, or the clinician noted this concern."
    ),
    "flag.autism_traits": gettext_noop(
        "Answers about autistic traits are at or above the screening cut-off, or "
        "the clinician noted this concern."
    ),
    "flag.avoidant_traits": gettext_noop(
        "Answers about long-standing personality traits are at or above the "
        "screening cut-off, or the clinician noted this concern."
    ),
    "flag.social_isolation": gettext_noop(
        "The answers describe a small network of family and friends to rely on "
        "(below the screening cut-off)."
    ),
    "flag.internet_overuse": gettext_noop(
        "Six or more hours a day online or gaming, at the cost of sleep, meals or "
        "duties (a project rule, not a validated cut-off)."
    ),
    "flag.sleep_reversal": gettext_noop(
        "The middle of sleep falls between 09:00 and 21:00, a day-night reversal (a "
        "project rule, not a validated cut-off)."
    ),
}

# Translators: separates the items of a list inside a result sentence, as in
# "Not met or not known: withdrawal lasting 6 months or more; began before age 30."
_LIST_SEPARATOR = gettext_noop("; ")
# Translators: two result sentences, one after the other (Japanese: no space).
_TWO_SENTENCES = gettext_noop("{first} {second}")


@cache
def _catalogue(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``lang`` (English: none, the msgids are English)."""
    return gettext.translation(
        DOMAIN, localedir=LOCALE_DIR, languages=[lang], fallback=True
    )


def translate(message: str, lang: str = "en") -> str:
    """``message`` (an English msgid) in ``lang``; English if it has no translation."""
    if lang not in LANGUAGES or lang == "en":
        return message
    return _catalogue(lang).gettext(message)


def phrase(key: str, lang: str = "en") -> str:
    """The approved phrase ``key`` in ``lang``, falling back to English."""
    return translate(_P[key], lang)


def flag_explanation(code: str, lang: str = "en") -> str:
    """Short explanation of a flag (INSTRUMENTS.md §4, §6)."""
    return phrase(f"flag.{code}", lang)


def _answer_label(ref: str, lang: str) -> str:
    # "withdrawal.months_withdrawn" -> the plain-language name of the answer.
    item = ref.rsplit(".", 1)[-1]
    key = f"answer.{item}"
    return phrase(key, lang) if key in _P else ref


def _listed(names: Iterable[str], lang: str) -> str:
    return translate(_LIST_SEPARATOR, lang).join(names)


def recommendation(
    category: str,
    lang: str = "en",
    *,
    missing: Iterable[str] = (),
    comorbidity: bool = False,
) -> str:
    """Outcome text (§6), with the missing answers or the comorbidity sentence."""
    text = phrase(f"outcome.{category}", lang)
    if category == "incomplete":
        labels = dict.fromkeys(_answer_label(m, lang) for m in missing)
        text = text.format(missing=_listed(labels, lang))
    if comorbidity:
        text = translate(_TWO_SENTENCES, lang).format(
            first=text, second=phrase("comorbidity", lang)
        )
    return text


def unmet_explanation(unmet: Iterable[str], lang: str = "en") -> str:
    """Names each criterion not met or unknown (INSTRUMENTS.md §5 C6); "" if none."""
    names = [phrase(f"criterion.{c}", lang) for c in unmet]
    if not names:
        return ""
    return phrase("unmet", lang).format(criteria=_listed(names, lang))


def suicide_text(
    audience: str, lang: str = "en", *, asq_band: str | None = None
) -> str:
    """Suicide-risk text for ``respondent`` or ``clinician`` (INSTRUMENTS.md §6).

    For the clinician the NIMH ASQ pathway decides: a brief suicide safety
    assessment for ``positive``, a full evaluation before leaving for
    ``acute_positive``; without an ASQ result, a safety assessment today.
    """
    if audience == "respondent":
        return phrase("suicide.respondent", lang)
    if asq_band in ("positive", "acute_positive"):
        return phrase(f"suicide.clinician.{asq_band}", lang)
    return phrase("suicide.clinician", lang)


def messages() -> list[str]:
    """Every English message of this module (the msgids the catalogues must hold)."""
    return [*_P.values(), _LIST_SEPARATOR, _TWO_SENTENCES]


def all_phrases() -> Iterator[tuple[str, str, str]]:
    """Every phrase as (key, lang, text), placeholders filled, for wording scans."""
    for key in _P:
        for lang in LANGUAGES:
            text = phrase(key, lang)
            yield key, lang, text.format(missing="months", criteria="duration")


# §6 forbids these everywhere (pages, PDFs, JSON, e-mails). "not a diagnosis" and
# its translations are the one allowed use of "diagnosis", so they are removed
# before the scan.
ALLOWED_PHRASES = (
    "not a diagnosis",
    "non è una diagnosi",
    "non costituisce una diagnosi",
    "診断ではありません",
    "診断ではない",
)
_CONDITIONS = (
    r"hikikomori|depression|anxiety|autism|psychosis|schizophrenia|adhd|"
    r"(?:an?\s+)?(?:\w+\s+)?disorder|(?:an?\s+)?(?:mental\s+)?illness"
)
FORBIDDEN_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("diagnosis", r"\bdiagnos(?:is|es|e|ed|ing)\b"),
        ("has a condition", rf"\b(?:has|have|having)\s+(?:{_CONDITIONS})\b"),
        ("suffers from", r"\bsuffer(?:s|ed|ing)?\s+from\b"),
        ("is a hikikomori", r"\b(?:is|are|am)\s+(?:an?\s+)?hikikomori\b"),
        ("disorder detected", r"\bdisorders?\s+(?:was\s+|were\s+)?detected\b"),
        ("primary/secondary hikikomori", r"\b(?:primary|secondary)\s+hikikomori\b"),
        ("ja: diagnosis", r"診断"),
        ("ja: primary/secondary hikikomori", r"[一二]次性(?:の)?ひきこもり"),
        ("ja: suffers from", r"(?:患って|罹って|かかって)いる"),
        ("ja: disorder detected", r"障害(?:が|を)?(?:検出|発見)"),
        ("it: diagnosis", r"\bdiagnos(?:i|ticat[oaie]|ticare)\b"),
        ("it: suffers from", r"\bsoffr(?:e|i|ono)\s+di\b"),
        (
            "it: has a condition",
            r"\b(?:ha|hai|hanno)\s+(?:la\s+|l'|un\s+|una\s+)?"
            r"(?:depressione|ansia|autismo|psicosi|hikikomori|disturbo)\b",
        ),
        ("it: is a hikikomori", r"\b(?:è|sei|sono)\s+(?:un\s+|una\s+)?hikikomori\b"),
        ("it: disorder detected", r"\bdisturbo\s+(?:\w+\s+)?rilevato\b"),
        ("it: primary/secondary", r"\bhikikomori\s+(?:primario|secondario)\b"),
    )
)


def find_forbidden(text: str) -> list[str]:
    """Every forbidden expression of §6 found in ``text``, as the matched strings."""
    cleaned = text
    for allowed in ALLOWED_PHRASES:
        cleaned = re.sub(re.escape(allowed), " ", cleaned, flags=re.IGNORECASE)
    found: list[str] = []
    for _name, pattern in FORBIDDEN_PATTERNS:
        found.extend(m.group(0) for m in pattern.finditer(cleaned))
    return found
