"""Question-bank writes: import, publish, copy, retire, licensed text, protocols.

Each service is keyword-only, runs in one transaction and records an audit event, so a
refused import or publish leaves nothing behind. Refusals raise :class:`BankError`
with every problem (JSON paths where there is a document), ready to show one by one.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from questionnaires.bank import convert, loader, review
from questionnaires.bank.protocols import ProtocolSpec
from questionnaires.models import (
    LANGUAGE_CODES,
    GoldenCase,
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


#: How :func:`protocol_problems` says a part still waits for its licensed text.
LICENSED_TEXT_MISSING = "item text to be entered under licence"


class BankError(Exception):
    """A bank change was refused; ``problems`` lists every reason."""

    def __init__(self, problems: Iterable[object]) -> None:
        self.problems = tuple(str(p) for p in problems)
        super().__init__("\n".join(self.problems))


class PublishRefused(BankError):
    """Publishing was refused; ``details`` says where each problem belongs."""

    def __init__(self, problems: Iterable[review.Problem]) -> None:
        self.details = tuple(problems)
        super().__init__(self.details)


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
    if publish:
        rows = list(version.items.prefetch_related("options").order_by("order", "id"))
        problems = review.language_problems(version, rows) + review.range_problems(
            definition
        )
        if problems:
            raise PublishRefused(problems)
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
    *,
    version: InstrumentVersion,
    by: User | None,
    actor_label: str = "",
    intended_change: str = "",
    wording_acknowledged: bool = False,
) -> InstrumentVersion:
    """Check a draft as a colleague would and freeze it, or list every problem.

    Refused while any check of :func:`questionnaires.bank.review.review` fails, while
    the previous version's golden cases come out differently and ``intended_change``
    does not say why, or while a validated instrument's wording changed and the
    admin has not acknowledged it. The previous version's cases are carried over,
    with what this version gives for them.
    """
    locked = _lock(version)
    if locked.status != Status.DRAFT:
        raise BankError(
            [_("%(v)s is not a draft: only drafts can be published.") % {"v": locked}]
        )
    checked = review.review(locked)
    problems = list(checked.problems)
    if checked.failed_cases and not intended_change.strip():
        problems.append(
            review.Problem(
                _(
                    "%(n)s golden case(s) of version %(prev)s come out differently: "
                    "say why the change is meant, or fix the scoring."
                )
                % {"n": len(checked.failed_cases), "prev": checked.previous.number},  # type: ignore[union-attr]
                field="intended_change",
            )
        )
    if (
        checked.wording_changes
        and _validated_instrument(locked)
        and not wording_acknowledged
    ):
        problems.append(
            review.Problem(
                _(
                    "The wording or options differ from version %(prev)s of a "
                    "validated instrument; confirm that this is intended."
                )
                % {"prev": checked.previous.number},  # type: ignore[union-attr]
            )
        )
    if problems or checked.definition is None:
        raise PublishRefused(problems)
    if intended_change.strip():
        InstrumentVersion.objects.filter(pk=locked.pk).update(
            intended_change=intended_change.strip()
        )
        locked.intended_change = intended_change.strip()
    published = _publish(
        locked, convert.canonical(checked.definition), by=by, actor_label=actor_label
    )
    own = set(published.golden_cases.values_list("name", flat=True))
    GoldenCase.objects.bulk_create(
        GoldenCase(
            version=published,
            name=outcome.case.name,
            age=outcome.case.age,
            answers=outcome.case.answers,
            expected=outcome.got,
            created_by=outcome.case.created_by,
        )
        for outcome in checked.cases
        if outcome.case.name not in own  # the draft's own case of that name wins
    )
    return published


@dataclass(frozen=True)
class Release:
    version: InstrumentVersion
    protocols: tuple[Protocol, ...]


@transaction.atomic
def instrument_version_release(
    *,
    version: InstrumentVersion,
    by: User | None,
    roll_out: Iterable[Protocol] = (),
    publish_protocols: bool = True,
    intended_change: str = "",
    wording_acknowledged: bool = False,
) -> Release:
    """Publish a draft and, in the same step, draft (and publish) the next version of
    each protocol in ``roll_out`` with the new version in place of the previous one."""
    previous = review.previous_version(version)
    published = instrument_version_publish(
        version=version,
        by=by,
        intended_change=intended_change,
        wording_acknowledged=wording_acknowledged,
    )
    drafts = []
    for protocol in roll_out if previous is not None else ():
        draft = protocol_copy_as_draft(
            protocol=protocol,
            by=by,
            replace={previous.pk: published},  # type: ignore[union-attr]
        )
        if publish_protocols and not protocol_problems(draft):
            draft = protocol_publish(protocol=draft, by=by)
        drafts.append(draft)
    return Release(version=published, protocols=tuple(drafts))


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
    InstrumentVersion.objects.filter(pk=locked.pk).update_frozen(status=Status.RETIRED)
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
        Item.objects.filter(pk=item.pk).update_frozen(
            **_columns("text", item_texts[item.code])
        )
        for option in item.options.all():
            ItemOption.objects.filter(pk=option.pk).update_frozen(
                **_columns("label", option_labels[(item.code, option.code)])
            )
    now = timezone.now()
    InstrumentVersion.objects.filter(pk=locked.pk).update_frozen(
        text_entered_by=by, text_entered_at=now, text_licence_note=licence_note.strip()
    )
    locked.refresh_from_db()
    _audit_version("bank.version_text_enter", locked, by, "")
    return locked


@dataclass(frozen=True)
class LicensedText:
    """Text parsed from a paste or CSV for a licensed version, ready to enter."""

    item_texts: dict[str, dict[str, str]]
    option_labels: dict[tuple[str, str], dict[str, str]]
    problems: tuple[str, ...]


def licensed_text_parse(
    version: InstrumentVersion,
    *,
    items_text: str = "",
    options_text: str = "",
    csv_text: str = "",
) -> LicensedText:
    """Read item text pasted one per line (and answer labels one per line, a block
    per distinct answer list, blocks split by a blank line) or a CSV with a
    ``code,en[,ja][,it]`` header whose codes are item codes or ``option:<value>``."""
    items = list(version.items.prefetch_related("options").order_by("order", "id"))
    option_lists = _distinct_option_lists(items)
    problems: list[str] = []
    texts: dict[str, dict[str, str]] = {}
    labels: dict[tuple[str, str], dict[str, str]] = {}
    if csv_text.strip():
        rows = list(csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff"))))
        if not rows or "code" not in rows[0] or "en" not in rows[0]:
            return LicensedText(
                {},
                {},
                (
                    _(
                        "The CSV needs a header row with at "
                        "least the columns code and en."
                    ),
                ),
            )
        by_code = {row["code"].strip(): row for row in rows}
        for item in items:
            row = by_code.get(item.code)
            if row is not None:
                texts[item.code] = _row_text(row)
            for option in item.options.all():
                orow = by_code.get(f"option:{option.value}")
                if orow is not None:
                    labels[(item.code, option.code)] = _row_text(orow)
        known = {i.code for i in items} | {
            f"option:{o.value}" for i in items for o in i.options.all()
        }
        problems += [
            _("Line %(n)s: %(code)s is not an item code of this version.")
            % {"n": n, "code": code}
            for n, code in enumerate(by_code, start=2)
            if code not in known
        ]
    else:
        lines = [line.strip() for line in items_text.splitlines() if line.strip()]
        if len(lines) != len(items):
            problems.append(
                _(
                    "%(got)s lines were pasted, but this version has %(want)s items: "
                    "paste one item per line, in order."
                )
                % {"got": len(lines), "want": len(items)}
            )
        for item, line in zip(items, lines, strict=False):
            texts[item.code] = {"en": strip_number(line)}
        blocks = [
            [line.strip() for line in block.splitlines() if line.strip()]
            for block in re.split(r"\n\s*\n", options_text.strip())
            if block.strip()
        ]
        if len(blocks) != len(option_lists):
            problems.append(
                _(
                    "This version has %(want)s different answer list(s); paste the "
                    "labels of each, one per line, lists separated by a blank line."
                )
                % {"want": len(option_lists)}
            )
        for (values, members), block in zip(option_lists, blocks, strict=False):
            if len(block) != len(values):
                problems.append(
                    _(
                        "%(got)s answer labels were pasted for the answers %(values)s; "
                        "one per line, in that order."
                    )
                    % {"got": len(block), "values": ", ".join(map(str, values))}
                )
                continue
            for item in members:
                for option, label in zip(item.options.all(), block, strict=True):
                    labels[(item.code, option.code)] = {"en": label}
    return LicensedText(texts, labels, tuple(problems))


def _distinct_option_lists(
    items: list[Item],
) -> list[tuple[tuple[int, ...], list[Item]]]:
    """Choice items grouped by their answer values, in order of first use."""
    lists: dict[tuple[int, ...], list[Item]] = {}
    for item in items:
        values = tuple(o.value for o in item.options.all())
        if values:
            lists.setdefault(values, []).append(item)
    return list(lists.items())


def _row_text(row: Mapping[str, str | None]) -> dict[str, str]:
    return {lang: (row.get(lang) or "").strip() for lang in LANGUAGE_CODES}


def strip_number(line: str) -> str:
    """ "3. I stay at home" and "3) …" → the text: numbering is the order."""
    return re.sub(r"\A\d+\s*[.)]\s+", "", line)


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
                f"{version.instrument.code} v{version.number}: {LICENSED_TEXT_MISSING}"
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
    # The version it replaces retires first: one published version per code, and
    # screenings already running on it finish on it.
    replaced = list(
        Protocol.objects.select_for_update().filter(
            code=locked.code, status=Protocol.Status.PUBLISHED
        )
    )
    Protocol.objects.filter(pk__in=[p.pk for p in replaced]).update_frozen(
        status=Protocol.Status.RETIRED
    )
    locked.is_default = locked.is_default or any(p.is_default for p in replaced)
    locked.status = Protocol.Status.PUBLISHED
    locked.published_at = timezone.now()
    locked.save(update_fields=["status", "published_at", "is_default"])
    audit_record(
        action="bank.protocol_publish",
        actor=by,
        actor_label=actor_label,
        target=locked,
        details={
            "code": locked.code,
            "version": locked.number,
            "retired": [p.number for p in replaced],
        },
    )
    return locked


@transaction.atomic
def protocol_copy_as_draft(
    *,
    protocol: Protocol,
    by: User | None,
    replace: Mapping[int, InstrumentVersion] | None = None,
    actor_label: str = "",
) -> Protocol:
    """The next version of ``protocol`` as a draft, its parts copied; ``replace``
    maps an instrument version's pk to the version that takes its place."""
    source = Protocol.objects.select_for_update().get(pk=protocol.pk)
    number = (
        Protocol.objects.filter(code=source.code).aggregate(n=Max("number"))["n"] or 0
    ) + 1
    draft = Protocol.objects.create(
        code=source.code,
        number=number,
        audience=source.audience,
        is_default=source.is_default,
        order=source.order,
        **{
            f"{name}_{lang}": getattr(source, f"{name}_{lang}")
            for name in ("name", "description")
            for lang in LANGUAGE_CODES
        },
    )
    swap = replace or {}
    ProtocolEntry.objects.bulk_create(
        ProtocolEntry(
            protocol=draft,
            instrument_version=swap.get(entry.instrument_version_id)
            or entry.instrument_version,
            order=entry.order,
        )
        for entry in source.entries.select_related("instrument_version").order_by(
            "order", "id"
        )
    )
    audit_record(
        action="bank.protocol_copy",
        actor=by,
        actor_label=actor_label,
        target=draft,
        details={"code": draft.code, "from": source.number, "to": number},
    )
    return draft


@transaction.atomic
def golden_case_save(
    *,
    version: InstrumentVersion,
    name: str,
    age: int,
    answers: Mapping[str, Any],
    by: User,
) -> GoldenCase:
    """Record answers and what ``version`` gives for them as a golden case."""
    definition = convert.version_definition(version)
    expected = review.case_result(definition, answers, age)
    if "error" in expected:
        raise BankError([expected["error"]])
    if version.golden_cases.filter(name=name).exists():
        raise BankError(
            [_("A golden case of this version is already called %(n)s.") % {"n": name}]
        )
    case = GoldenCase.objects.create(
        version=version,
        name=name,
        age=age,
        answers=dict(answers),
        expected=expected,
        created_by=by,
    )
    audit_record(
        action="bank.golden_case_save",
        actor=by,
        target=version,
        details={"case": name, "expected": expected},
    )
    return case


@transaction.atomic
def licensed_text_publish(
    *,
    version: InstrumentVersion,
    item_texts: Mapping[str, Mapping[str, str]],
    option_labels: Mapping[tuple[str, str], Mapping[str, str]],
    licence_note: str,
    citation_confirmed: bool,
    by: User,
) -> tuple[InstrumentVersion, tuple[Protocol, ...]]:
    """Record licensed text and publish every draft protocol that waited for it."""
    if not citation_confirmed:
        raise BankError([_("Confirm that the citation is shown with the text.")])
    entered = instrument_version_enter_text(
        version=version,
        item_texts=item_texts,
        option_labels=option_labels,
        licence_note=licence_note,
        by=by,
    )
    published = []
    for protocol in protocols_waiting_for(entered):
        if not protocol_problems(protocol):
            published.append(protocol_publish(protocol=protocol, by=by))
    return entered, tuple(published)


def protocols_waiting_for(version: InstrumentVersion) -> list[Protocol]:
    """Draft protocols that include ``version``, newest version of each code."""
    drafts = Protocol.objects.filter(
        status=Protocol.Status.DRAFT, entries__instrument_version=version
    ).distinct()
    return [
        p
        for p in drafts.order_by("order", "code")
        if not Protocol.objects.filter(code=p.code, number__gt=p.number).exists()
    ]


def protocols_waiting_for_text() -> dict[InstrumentVersion, list[Protocol]]:
    """Each version whose licensed text is missing, with the drafts that need it."""
    waiting: dict[InstrumentVersion, list[Protocol]] = {}
    versions = InstrumentVersion.objects.filter(
        status=Status.PUBLISHED, text_entered_at__isnull=True
    ).select_related("instrument")
    for version in versions:
        if version.needs_licensed_text:
            protocols = protocols_waiting_for(version)
            if protocols:
                waiting[version] = protocols
    return waiting


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
    # A version that already matches the spec (any status) means nothing to do:
    # an admin's own later versions are never replaced by the bundled one.
    existing = list(Protocol.objects.filter(code=spec.code).order_by("-number"))
    changed = False
    for candidate in existing:
        if _protocol_matches(candidate, fields, versions):
            if candidate.is_frozen or candidate is not existing[0]:
                return ProtocolLoadResult(protocol=candidate, changed=False)
            protocol = candidate
            break
    else:
        changed = True
        if existing and existing[0].status == Protocol.Status.DRAFT:
            protocol = existing[0]
        else:
            number = existing[0].number + 1 if existing else 1
            protocol = Protocol(code=spec.code, number=number)
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


def _validated_instrument(version: InstrumentVersion) -> bool:
    """A published instrument with a citation: its wording is what was validated."""
    return bool(version.instrument.citation.strip())


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
