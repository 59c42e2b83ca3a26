"""Question-bank writes: import, publish, copy, retire, licensed text, protocols.

Each service is keyword-only, runs in one transaction and records an audit event, so a
refused import or publish leaves nothing behind. Refusals raise :class:`BankError`
with every problem (JSON paths where there is a document), ready to show one by one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from questionnaires.bank import convert, loader
from questionnaires.bank.protocols import ProtocolSpec
from questionnaires.models import (
    LANGUAGE_CODES,
    Instrument,
    InstrumentVersion,
    Item,
    ItemOption,
    Protocol,
    ProtocolEntry,
)
from questionnaires.scoring.definitions import InstrumentDefinition
from questionnaires.services.audit import audit_record

Status = InstrumentVersion.Status
#: The parts of a document that belong to the version rather than the catalogue.
_VERSION_KEYS = ("languages", "changelog", "instructions", "option_sets", "items")


class BankError(Exception):
    """A bank change was refused; ``problems`` lists every reason."""

    def __init__(self, problems: Iterable[object]) -> None:
        self.problems = tuple(str(p) for p in problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class ImportResult:
    version: InstrumentVersion
    created: bool


@dataclass(frozen=True)
class ProtocolLoadResult:
    protocol: Protocol
    changed: bool
    problems: tuple[str, ...] = field(default=())


@transaction.atomic
def bank_import(
    *,
    document: object,
    by: User | None = None,
    actor_label: str = "",
    publish: bool = True,
) -> ImportResult:
    """Import one instrument document; an identical loaded version is a no-op."""
    definition = _validated(document)
    stored = convert.canonical(definition)
    instrument = Instrument.objects.filter(code=definition.code).first()
    if instrument is not None:
        existing = instrument.versions.filter(number=definition.version).first()
        if existing is not None:
            if _same_content(existing, stored):
                return ImportResult(version=existing, created=False)
            raise BankError(
                [
                    f"version: {definition.code} v{definition.version} is already "
                    "loaded with different content; give the changed document a new "
                    "version number"
                ]
            )
    newest = instrument is None or definition.version > (
        instrument.versions.aggregate(n=Max("number"))["n"] or 0
    )
    if instrument is None:
        instrument = Instrument(code=definition.code)
    if newest:
        _apply_catalogue(instrument, definition)
        instrument.save()
    version = InstrumentVersion.objects.create(
        instrument=instrument,
        number=definition.version,
        changelog=definition.changelog,
        languages=list(definition.languages),
        scoring=stored["scoring"],
        **{
            f"instructions_{lang}": definition.instructions.get(lang, "")
            for lang in LANGUAGE_CODES
        },
    )
    convert.build_rows(version, definition)
    rebuilt = convert.canonical(_validated(convert.draft_document(version)))
    lost = [k for k in (*_VERSION_KEYS, "scoring") if rebuilt[k] != stored[k]]
    if lost:  # a conversion bug must never publish something else than the file
        raise BankError([f"{key}: not reproduced by the bank rows" for key in lost])
    audit_record(
        action="bank.import",
        actor=by,
        actor_label=actor_label,
        target=version,
        details={"code": definition.code, "version": definition.version},
    )
    if publish:
        version = _publish(version, stored, by=by, actor_label=actor_label)
    return ImportResult(version=version, created=True)


@transaction.atomic
def instrument_version_publish(
    *, version: InstrumentVersion, by: User | None, actor_label: str = ""
) -> InstrumentVersion:
    """Validate a draft's rows with the loader and freeze it, or list every problem."""
    locked = _lock(version)
    if locked.status != Status.DRAFT:
        raise BankError([f"{locked} is not a draft: only drafts can be published"])
    definition = _validated(convert.draft_document(locked))
    return _publish(
        locked, convert.canonical(definition), by=by, actor_label=actor_label
    )


@transaction.atomic
def instrument_version_copy_as_draft(
    *, version: InstrumentVersion, by: User | None, actor_label: str = ""
) -> InstrumentVersion:
    """A new draft with the next number, holding a copy of ``version``'s content."""
    source = _lock(version)
    instrument = Instrument.objects.select_for_update().get(pk=source.instrument_id)
    number = (instrument.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    scoring = source.document["scoring"] if source.document else source.scoring
    draft = InstrumentVersion.objects.create(
        instrument=instrument,
        number=number,
        changelog="",
        languages=list(source.languages),
        scoring=scoring,
        text_entered_by=source.text_entered_by,
        text_entered_at=source.text_entered_at,
        text_licence_note=source.text_licence_note,
        **{
            f"instructions_{lang}": getattr(source, f"instructions_{lang}")
            for lang in LANGUAGE_CODES
        },
    )
    convert.copy_rows(source, draft)
    audit_record(
        action="bank.version_copy",
        actor=by,
        actor_label=actor_label,
        target=draft,
        details={"code": instrument.code, "from": source.number, "to": number},
    )
    return draft


@transaction.atomic
def instrument_version_retire(
    *, version: InstrumentVersion, by: User | None, actor_label: str = ""
) -> InstrumentVersion:
    """Retire a published version: kept for the answers bound to it, offered no more."""
    locked = _lock(version)
    if locked.status != Status.PUBLISHED:
        raise BankError([f"{locked} is not published: only published versions retire"])
    InstrumentVersion.objects.filter(pk=locked.pk)._update_unguarded(
        status=Status.RETIRED
    )
    locked.status = Status.RETIRED
    _audit_version("bank.version_retire", locked, by, actor_label)
    return locked


@transaction.atomic
def instrument_version_enter_text(
    *,
    version: InstrumentVersion,
    item_texts: Mapping[str, Mapping[str, str]],
    option_labels: Mapping[tuple[str, str], Mapping[str, str]],
    licence_note: str,
    by: User,
) -> InstrumentVersion:
    """Record item text entered under the organisation's licence (the one frozen edit).

    Only for instruments whose own licence forbids shipping the text; scoring is by
    code and value, so the text never changes what a version means.
    """
    locked = _lock(version)
    if locked.licence_allows_text():
        raise BankError(
            [f"{locked}: its text ships with it; edit a draft copy instead"]
        )
    problems = (
        [] if licence_note.strip() else ["Say under which licence the text is used."]
    )
    items = list(locked.items.prefetch_related("options"))
    for item in items:
        if not item_texts.get(item.code, {}).get("en", "").strip():
            problems.append(f"{item.code}: English text is required")
        for option in item.options.all():
            label = option_labels.get((item.code, option.code), {})
            if not label.get("en", "").strip():
                problems.append(
                    f"{item.code} option {option.code}: English label is required"
                )
    if problems:
        raise BankError(problems)
    for item in items:
        Item.objects.filter(pk=item.pk)._update_unguarded(
            **_columns("text", item_texts[item.code])
        )
        for option in item.options.all():
            ItemOption.objects.filter(pk=option.pk)._update_unguarded(
                **_columns("label", option_labels[(item.code, option.code)])
            )
    now = timezone.now()
    InstrumentVersion.objects.filter(pk=locked.pk)._update_unguarded(
        text_entered_by=by, text_entered_at=now, text_licence_note=licence_note.strip()
    )
    locked.refresh_from_db()
    _audit_version("bank.version_text_enter", locked, by, "")
    return locked


def protocol_problems(protocol: Protocol) -> list[str]:
    """Why ``protocol`` cannot be published yet (empty when it can)."""
    entries = list(
        protocol.entries.select_related("instrument_version__instrument").order_by(
            "order", "id"
        )
    )
    problems = [] if entries else ["A protocol needs at least one instrument version."]
    for entry in entries:
        version = entry.instrument_version
        if version.status != Status.PUBLISHED:
            problems.append(f"{version} must be published first")
            continue
        assert version.document is not None  # noqa: S101  (constraint: published)
        if version.document["audience"] != protocol.audience:
            problems.append(
                f"{version} is for audience {version.document['audience']}, "
                f"not {protocol.audience}"
            )
        if version.needs_licensed_text:
            problems.append(
                f"{version.instrument.code} v{version.number}: item text to be "
                "entered under licence"
            )
    return problems


@transaction.atomic
def protocol_publish(
    *, protocol: Protocol, by: User | None, actor_label: str = ""
) -> Protocol:
    """Publish a draft protocol once every part is published and has its text."""
    locked = Protocol.objects.select_for_update().get(pk=protocol.pk)
    if locked.status != Protocol.Status.DRAFT:
        raise BankError([f"{locked} is not a draft"])
    problems = protocol_problems(locked)
    if problems:
        raise BankError(problems)
    locked.status = Protocol.Status.PUBLISHED
    locked.published_at = timezone.now()
    locked.save(update_fields=["status", "published_at"])
    audit_record(
        action="bank.protocol_publish",
        actor=by,
        actor_label=actor_label,
        target=locked,
        details={"code": locked.code},
    )
    return locked


@transaction.atomic
def protocol_load(
    *, spec: ProtocolSpec, by: User | None = None, actor_label: str = ""
) -> ProtocolLoadResult:
    """Create or update a bundled protocol, publishing it when every part allows."""
    versions = []
    for code, number in spec.instruments:
        version = InstrumentVersion.objects.filter(
            instrument__code=code, number=number
        ).first()
        if version is None:
            raise BankError([f"{spec.code}: {code} v{number} is not loaded"])
        versions.append(version)
    fields: dict[str, Any] = {
        "audience": spec.audience,
        **{f"name_{lang}": spec.name.get(lang, "") for lang in LANGUAGE_CODES},
        **{
            f"description_{lang}": spec.description.get(lang, "")
            for lang in LANGUAGE_CODES
        },
    }
    protocol = Protocol.objects.filter(code=spec.code).first()
    same = protocol is not None and _protocol_matches(protocol, fields, versions)
    if protocol is not None and protocol.is_frozen:
        if same:
            return ProtocolLoadResult(protocol=protocol, changed=False)
        raise BankError(
            [
                f"{spec.code}: published with different content; a published "
                "protocol never changes, so give the changed one a new code"
            ]
        )
    changed = not same
    if protocol is None:
        protocol = Protocol(code=spec.code)
    if changed:
        for name, value in fields.items():
            setattr(protocol, name, value)
        protocol.is_default = spec.default and not (
            Protocol.objects.filter(audience=spec.audience, is_default=True)
            .exclude(code=spec.code)
            .exists()
        )
        protocol.save()
        protocol.entries.all().delete()
        ProtocolEntry.objects.bulk_create(
            ProtocolEntry(protocol=protocol, instrument_version=v, order=n)
            for n, v in enumerate(versions)
        )
    problems = protocol_problems(protocol)
    if not problems:
        protocol = protocol_publish(protocol=protocol, by=by, actor_label=actor_label)
        changed = True
    return ProtocolLoadResult(
        protocol=protocol, changed=changed, problems=tuple(problems)
    )


# -- helpers --------------------------------------------------------------------------


def _validated(document: object) -> InstrumentDefinition:
    try:
        definition = loader.parse(document)
    except loader.DefinitionError as exc:
        raise BankError(exc.issues) from exc
    issues = convert.language_issues(definition)
    if issues:
        raise BankError(issues)
    return definition


def _publish(
    version: InstrumentVersion,
    document: dict[str, Any],
    *,
    by: User | None,
    actor_label: str,
) -> InstrumentVersion:
    version.status = Status.PUBLISHED
    version.published_at = timezone.now()
    version.document = document
    version.save(update_fields=["status", "published_at", "document"])
    _audit_version("bank.version_publish", version, by, actor_label)
    return version


def _lock(version: InstrumentVersion) -> InstrumentVersion:
    return (
        InstrumentVersion.objects.select_for_update()
        .select_related("instrument")
        .get(pk=version.pk)
    )


def _same_content(version: InstrumentVersion, stored: dict[str, Any]) -> bool:
    if version.document is not None:
        return bool(version.document == stored)
    try:
        return bool(convert.version_document(version) == stored)
    except loader.DefinitionError:
        return False


def _apply_catalogue(instrument: Instrument, definition: InstrumentDefinition) -> None:
    instrument.short_name = definition.short_name
    instrument.audience = definition.audience
    instrument.age_min = definition.age_min
    instrument.age_max = definition.age_max
    instrument.citation = definition.citation
    instrument.text_may_ship = definition.licence.text_may_ship
    instrument.licence_note = definition.licence.note
    instrument.licence_attribution = definition.licence.attribution
    for lang in LANGUAGE_CODES:
        setattr(instrument, f"name_{lang}", definition.name.get(lang, ""))


def _protocol_matches(
    protocol: Protocol, fields: Mapping[str, Any], versions: list[InstrumentVersion]
) -> bool:
    current = list(
        protocol.entries.order_by("order", "id").values_list(
            "instrument_version_id", flat=True
        )
    )
    return current == [v.pk for v in versions] and all(
        getattr(protocol, name) == value for name, value in fields.items()
    )


def _columns(field_name: str, text: Mapping[str, str]) -> dict[str, str]:
    return {
        f"{field_name}_{lang}": text.get(lang, "").strip() for lang in LANGUAGE_CODES
    }


def _audit_version(
    action: str, version: InstrumentVersion, by: User | None, actor_label: str
) -> None:
    audit_record(
        action=action,
        actor=by,
        actor_label=actor_label,
        target=version,
        details={"code": version.instrument.code, "version": version.number},
    )
