"""Entering a clinic's licensed translation of an instrument in one step.

The admin pastes the items in order (one per line) and the answer labels in the
order they first appear, previews them beside the English, then publishes. A
translation is new text, and text belongs to a version: publishing copies the
current published version into a new draft, writes the translation into it, and
publishes that draft through the bank's own publishing service (its checks, its
golden cases, its protocol roll-out). The new version is what new screenings use;
earlier versions, and the answers given to them, keep their own text. The text is
also kept with its provenance in a ``TranslationRecord`` on the new version.
Scoring is by code and value, so a translation never changes what an answer means.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from questionnaires import selectors
from questionnaires.bank import review
from questionnaires.bank.convert import version_definition
from questionnaires.models import (
    Instrument,
    InstrumentVersion,
    Item,
    ItemOption,
    Protocol,
    TranslationRecord,
)
from questionnaires.models.translations import TRANSLATED_LANGUAGES
from questionnaires.services.audit import audit_record
from questionnaires.services.bank import (
    BankError,
    instrument_version_copy_as_draft,
    instrument_version_release,
    strip_number,
)

Status = InstrumentVersion.Status
#: A pasted item line that is only its number ("3.", "3)"): the text was lost.
_NUMBER_ONLY = re.compile(r"\d+\s*[.)]?")


@dataclass(frozen=True)
class SourceText:
    """The English a translation is pasted against, in the order it is pasted."""

    #: (item code, English text), in the version's order.
    items: tuple[tuple[str, str], ...]
    #: Distinct English answer labels, in the order they first appear.
    labels: tuple[str, ...]
    instructions: str


@dataclass(frozen=True)
class TranslationRelease:
    """What publishing a translation made: its record (on the new version) and the
    protocols drafted for it, published unless something else still holds them."""

    record: TranslationRecord
    previous: InstrumentVersion
    protocols: tuple[Protocol, ...]

    @property
    def version(self) -> InstrumentVersion:
        return self.record.version


def translation_source(version: InstrumentVersion) -> SourceText:
    """The English of ``version`` in the order the translation is pasted."""
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
    """The pasted text as a record's ``text``; BankError lists every mismatch.

    Item lines may keep their numbering ("3. …"): the order is the numbering.
    """
    source = translation_source(version)
    item_lines = [strip_number(line) for line in _lines(items)]
    label_lines = _lines(labels)
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
    problems += [
        _("Line %(n)s (%(code)s) has a number but no text.") % {"n": n, "code": code}
        for n, ((code, _english), text) in enumerate(
            zip(source.items, item_lines, strict=False), start=1
        )
        if _NUMBER_ONLY.fullmatch(text)
    ]
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
    definition = version_definition(version)
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


@dataclass(frozen=True)
class PastedText:
    """A translation as the entry page's three boxes hold it."""

    items: str
    labels: str
    instructions: str


def translation_from_csv(version: InstrumentVersion, csv_text: str) -> PastedText:
    """An uploaded two-column CSV (header ``code,text``) as the boxes' text.

    A code is an item code, ``instructions``, or ``answer:N`` for the N-th answer
    label listed on the page; rows may come in any order. BankError lists every
    unknown or missing code.
    """
    source = translation_source(version)
    rows = list(csv.reader(io.StringIO(csv_text.lstrip("\ufeff"))))
    if not rows or [c.strip().lower() for c in rows[0][:2]] != ["code", "text"]:
        raise BankError([_("The CSV needs a header row: code,text.")])
    given = {row[0].strip(): row[1].strip() for row in rows[1:] if len(row) >= 2}
    items = [code for code, _en in source.items]
    answers = [f"answer:{n}" for n in range(1, len(source.labels) + 1)]
    known = {*items, *answers, "instructions"}
    problems = [
        _("%(code)s is not an item code of %(version)s, instructions or answer:N.")
        % {"code": code, "version": f"{version.instrument.code} v{version.number}"}
        for code in given
        if code not in known
    ]
    missing = [code for code in (*items, *answers) if not given.get(code)]
    if missing:
        problems.append(_("No text for: %(codes)s") % {"codes": ", ".join(missing)})
    if problems:
        raise BankError(problems)
    return PastedText(
        items="\n".join(given[code] for code in items),
        labels="\n".join(given[code] for code in answers),
        instructions=given.get("instructions", ""),
    )


def current_version(instrument: Instrument) -> InstrumentVersion | None:
    """The newest published version of ``instrument``: the one a translation copies."""
    return (
        instrument.versions.filter(status=Status.PUBLISHED)
        .select_related("instrument")
        .order_by("-number")
        .first()
    )


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
    text: Mapping[str, Any],
    by: User,
) -> TranslationRelease:
    """Publish ``version`` again as a new version that carries the translation.

    The new version has the same items, codes, options and scoring, the texts of
    ``version`` in every language, and ``text`` in ``language``; it passes the
    bank's publishing checks and replaces ``version`` in every published protocol,
    so new screenings use it while earlier ones keep ``version``. Respondents in
    ``language`` see it from the moment the transaction commits.
    """
    # One translation at a time per instrument: a second submit of the same form
    # waits here, then finds the version it was filled against replaced.
    instrument = Instrument.objects.select_for_update().get(pk=version.instrument_id)
    current = current_version(instrument)
    if current is None or current.pk != version.pk:
        raise BankError([_replaced(version, current, language, text)])
    problems: list[str] = []
    if language not in TRANSLATED_LANGUAGES:
        problems.append(_("Choose Japanese or Italian."))
    if current.needs_licensed_text:
        problems.append(
            _("Enter the licensed English text of %(v)s first.") % {"v": current}
        )
    if not source.strip() or not licence.strip():
        problems.append(_("Say where the translation comes from and its licence."))
    if kind == TranslationRecord.Kind.VALIDATED and not population.strip():
        problems.append(_("Say which population the translation was validated in."))
    items = text.get("items", {})
    missing = [
        code
        for code, _en in translation_source(current).items
        if not str(items.get(code, "")).strip()
    ]
    if missing:
        problems.append(_("No text for: %(codes)s") % {"codes": ", ".join(missing)})
    if problems:
        raise BankError(problems)
    same = current.translations.filter(language=language).first()
    if same is not None and same.text == dict(text):
        raise BankError([_already_published(same)])

    draft = instrument_version_copy_as_draft(version=current, by=by)
    _write_text(draft, language, text, changelog=_changelog(current, language, source))
    rolled_out = review.protocols_using(current)
    # The wording check is about a validated instrument's wording changing; here
    # the only change is the licensed translation this admin is entering.
    release = instrument_version_release(
        version=draft, by=by, roll_out=rolled_out, wording_acknowledged=True
    )
    published = release.version
    carried = _carry_over(current, published, language)
    record = TranslationRecord.objects.create(
        version=published,
        language=language,
        kind=kind,
        source=source.strip(),
        citation=citation.strip(),
        licence=licence.strip(),
        population=population.strip(),
        text=dict(text),
        entered_by=by,
    )
    audit_record(
        action="bank.translation_publish",
        actor=by,
        target=published,
        details={
            "code": instrument.code,
            "version": published.number,
            "from": current.number,
            "language": language,
            "kind": kind,
            "source": record.source,
            "carried_over": carried,
            "protocols": [f"{p.code} v{p.number}" for p in release.protocols],
        },
    )
    stamp = record.entered_at.isoformat()
    transaction.on_commit(
        lambda: cache.set(selectors.TRANSLATIONS_STAMP_KEY, stamp, None)
    )
    return TranslationRelease(
        record=record, previous=current, protocols=release.protocols
    )


def _write_text(
    draft: InstrumentVersion, lang: str, text: Mapping[str, Any], *, changelog: str
) -> None:
    """Lay the translation into a fresh draft's rows (drafts are still editable)."""
    options: Mapping[str, Mapping[str, str]] = text.get("options", {})
    for item in draft.items.prefetch_related("options").order_by("order", "id"):
        Item.objects.filter(pk=item.pk).update(
            **{f"text_{lang}": text["items"][item.code].strip()}
        )
        for option in item.options.all():
            label = options.get(item.code, {}).get(option.code, "")
            if label:
                ItemOption.objects.filter(pk=option.pk).update(
                    **{f"label_{lang}": label.strip()}
                )
    languages = list(draft.languages or ["en"])
    if lang not in languages:
        languages.append(lang)
    InstrumentVersion.objects.filter(pk=draft.pk).update(
        languages=languages,
        changelog=changelog,
        **{f"instructions_{lang}": str(text.get("instructions", "")).strip()},
    )
    draft.refresh_from_db()


def _changelog(previous: InstrumentVersion, lang: str, source: str) -> str:
    # A changelog is bank data, written in English like the bundled files' own.
    return (
        f"Version {previous.number} with a licensed translation ({lang}) entered: "
        f"{source.strip()}. Items, codes, options and scoring unchanged."
    )


def _carry_over(
    previous: InstrumentVersion, published: InstrumentVersion, language: str
) -> list[str]:
    """Copy ``previous``'s translations in other languages to ``published``.

    Their texts are in the copied rows already (or laid over, for a working one);
    the records keep naming where each came from. The project's own working
    translation of ``previous`` is carried as a record of kind working.
    """
    carried = []
    for lang in TRANSLATED_LANGUAGES:
        if lang == language:
            continue
        record = selectors.translation_used(previous, lang)
        if record is None:
            continue
        TranslationRecord.objects.create(
            version=published,
            language=lang,
            kind=record.kind,
            source=record.source,
            citation=record.citation,
            licence=record.licence,
            population=record.population,
            text=record.text,
            entered_by=record.entered_by,
            entered_at=record.entered_at,
        )
        carried.append(lang)
    return carried


def _replaced(
    version: InstrumentVersion,
    current: InstrumentVersion | None,
    language: str,
    text: Mapping[str, Any],
) -> str:
    """Why a translation of a version that is no longer current is refused."""
    if current is None:
        return _("Only a published version can get a translation.")
    same = current.translations.filter(language=language).first()
    if same is not None and same.text == dict(text):
        return _already_published(same)
    return _(
        "%(old)s has been replaced by version %(new)s: enter the translation "
        "against version %(new)s."
    ) % {"old": f"{version.instrument.code} v{version.number}", "new": current.number}


def _already_published(record: TranslationRecord) -> str:
    return _(
        "This translation is already published, as %(version)s; nothing was changed."
    ) % {"version": f"{record.version.instrument.code} v{record.version.number}"}
