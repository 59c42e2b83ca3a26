"""Entering a clinic's licensed translation of an instrument version in one step.

The admin pastes the items in order (one per line) and the answer labels in the
order they first appear, previews them beside the English, then publishes: the
text is recorded with its provenance (``TranslationRecord``) and respondents in
that language see it from then on. Scoring is by code and value, so a translation
never changes what an answer means.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from questionnaires import selectors
from questionnaires.bank.convert import version_definition
from questionnaires.models import InstrumentVersion, TranslationRecord
from questionnaires.models.translations import TRANSLATED_LANGUAGES
from questionnaires.scoring.definitions import InstrumentDefinition
from questionnaires.services.audit import audit_record
from questionnaires.services.bank import BankError


@dataclass(frozen=True)
class SourceText:
    """The English a translation is pasted against, in the order it is pasted."""

    #: (item code, English text), in the version's order.
    items: tuple[tuple[str, str], ...]
    #: Distinct English answer labels, in the order they first appear.
    labels: tuple[str, ...]
    instructions: str


def translation_source(version: InstrumentVersion) -> SourceText:
    definition = version_definition(version)
    labels: list[str] = []
    for item in definition.items:
        for option in item.options:
            label = option.label.get("en", "")
            if label and label not in labels:
                labels.append(label)
    return SourceText(
        items=tuple((item.code, item.text.get("en", "")) for item in definition.items),
        labels=tuple(labels),
        instructions=definition.instructions.get("en", ""),
    )


def _lines(pasted: str) -> list[str]:
    return [line.strip() for line in pasted.splitlines() if line.strip()]


def translation_text(
    version: InstrumentVersion, *, items: str, labels: str, instructions: str
) -> dict[str, Any]:
    """The pasted text as a record's ``text``; BankError lists every mismatch."""
    source = translation_source(version)
    item_lines, label_lines = _lines(items), _lines(labels)
    problems = []
    if len(item_lines) != len(source.items):
        problems.append(
            _("%(found)s item lines pasted; %(code)s has %(expected)s items.")
            % {
                "found": len(item_lines),
                "code": version.instrument.code,
                "expected": len(source.items),
            }
        )
    if len(label_lines) != len(source.labels):
        problems.append(
            _("%(found)s answer labels pasted; %(expected)s are needed.")
            % {"found": len(label_lines), "expected": len(source.labels)}
        )
    if source.instructions and not instructions.strip():
        problems.append(_("Paste the instructions too."))
    if problems:
        raise BankError(problems)
    label_of = dict(zip(source.labels, label_lines, strict=True))
    definition: InstrumentDefinition = version_definition(version)
    return {
        "instructions": instructions.strip(),
        "items": {
            code: text
            for (code, _english), text in zip(source.items, item_lines, strict=True)
        },
        "options": {
            item.code: {
                o.code: label_of[o.label["en"]]
                for o in item.options
                if o.label.get("en") in label_of
            }
            for item in definition.items
            if item.options
        },
    }


@transaction.atomic
def translation_publish(
    *,
    version: InstrumentVersion,
    language: str,
    kind: str,
    source: str,
    citation: str,
    licence: str,
    population: str,
    text: dict[str, Any],
    by: User,
) -> TranslationRecord:
    """Record a translation of a published version; respondents in ``language``
    see it from the moment the transaction commits."""
    problems: list[str] = []
    if version.status != InstrumentVersion.Status.PUBLISHED:
        problems.append(_("Only a published version can get a translation."))
    if language not in TRANSLATED_LANGUAGES:
        problems.append(_("Choose Japanese or Italian."))
    if not source.strip() or not licence.strip():
        problems.append(_("Say where the translation comes from and its licence."))
    if kind == TranslationRecord.Kind.VALIDATED and not population.strip():
        problems.append(_("Say which population the translation was validated in."))
    missing = [code for code, _en in translation_source(version).items]
    missing = [code for code in missing if not text.get("items", {}).get(code)]
    if missing:
        problems.append(_("No text for: %(codes)s") % {"codes": ", ".join(missing)})
    if problems:
        raise BankError(problems)
    try:
        with transaction.atomic():
            record = TranslationRecord.objects.create(
                version=version,
                language=language,
                kind=kind,
                source=source.strip(),
                citation=citation.strip(),
                licence=licence.strip(),
                population=population.strip(),
                text=text,
                entered_by=by,
            )
    except IntegrityError as error:
        raise BankError(
            [_("This version already has a translation in that language.")]
        ) from error
    audit_record(
        action="bank.translation_publish",
        actor=by,
        target=version,
        details={
            "code": version.instrument.code,
            "version": version.number,
            "language": language,
            "kind": kind,
        },
    )
    stamp = record.entered_at.isoformat()
    transaction.on_commit(
        lambda: cache.set(selectors.TRANSLATIONS_STAMP_KEY, stamp, None)
    )
    return record
