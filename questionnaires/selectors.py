"""Selectors: every read of protected data, scoped to what the user may see.

Anything not visible to the user raises Http404, the same answer as for something that
does not exist (STYLE.md §1.3). Respondents have no account: they reach exactly one
screening part through an invitation token, never through a primary key.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import AnonymousUser, User
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from questionnaires import sql
from questionnaires.bank.convert import version_definition
from questionnaires.bank.protocols import ProtocolSize, protocol_size
from questionnaires.bank.translations import with_translation, working_translations
from questionnaires.caches import ProcessCache, process_cache
from questionnaires.models import (
    AUDIT_ACTIONS,
    Answer,
    AuditEvent,
    CrisisContact,
    ExportFile,
    FamilyCheck,
    InstrumentVersion,
    Invitation,
    Membership,
    Organisation,
    Patient,
    Protocol,
    ProtocolEntry,
    SafetyAcknowledgement,
    SafetyAlert,
    Screening,
    ScreeningPart,
    StaffProfile,
    TranslationRecord,
)
from questionnaires.models.translations import TRANSLATED_LANGUAGES
from questionnaires.scoring.definitions import InstrumentDefinition
from questionnaires.scoring.rules import Value

AnyUser = User | AnonymousUser


def staff_language(user: User) -> str:
    """The language the user chose for their pages and PDFs; "" for the browser's."""
    language: str | None = (
        StaffProfile.objects.filter(user=user)
        .values_list("language", flat=True)
        .first()
    )
    return language or ""


def membership_list_for(user: AnyUser) -> QuerySet[Membership]:
    """The user's memberships with their organisations, ordered by organisation name."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("organisation")


def _visible_organisations(user: AnyUser) -> QuerySet[Organisation]:
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user)


def organisation_get_for(
    user: AnyUser, *, slug: str, role: str | None = None
) -> Organisation:
    """The organisation if ``user`` is a member (in ``role``, if given); else 404."""
    visible = _visible_organisations(user)
    if role is not None:
        if not isinstance(user, User):
            raise Http404
        visible = visible.filter(memberships__user=user, memberships__role=role)
    return get_object_or_404(visible.distinct(), slug=slug)


def membership_list_for_organisation(
    organisation: Organisation,
) -> QuerySet[Membership]:
    """An organisation's members with their users, by username."""
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__username")
    )


def membership_get_for(
    user: AnyUser, *, organisation: Organisation, pk: int
) -> Membership:
    """A membership of an organisation ``user`` administers; otherwise 404."""
    if not isinstance(user, User):
        raise Http404
    administered = Membership.objects.filter(
        organisation=organisation,
        organisation__memberships__user=user,
        organisation__memberships__role=Membership.Role.ORG_ADMIN,
    )
    return get_object_or_404(
        administered.distinct().select_related("user", "organisation"), pk=pk
    )


AUDIT_PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditPage:
    """One page of an organisation's audit trail and the cursor of the next one."""

    events: list[AuditEvent]
    #: ``"<created_at ISO>~<id>"`` of the last event shown, if there are older ones.
    older: str
    #: Whether this page starts after a cursor (so "newest" leads back).
    is_first: bool


def _audit_cursor(text: str) -> tuple[datetime, int] | None:
    when, _, pk = text.rpartition("~")
    try:
        moment = datetime.fromisoformat(when)
        return (moment, int(pk)) if moment.tzinfo is not None else None
    except ValueError:
        return None


def audit_page_for(
    user: AnyUser,
    *,
    organisation: Organisation,
    action: str = "",
    before: str = "",
    size: int | None = None,
) -> AuditPage:
    """A page of the organisation's audit trail, newest first, for an org admin.

    Keyset pagination on (created_at, id) over the index on (organisation,
    created_at, id): a late page costs what the first one does, and no count is
    taken. ``before`` is the ``older`` cursor of the previous page; a malformed one
    starts from the newest event.
    """
    if not user_administers(user, organisation):
        raise Http404
    size = size or AUDIT_PAGE_SIZE
    events = AuditEvent.objects.filter(organisation=organisation)
    if action:
        events = events.filter(action=action)
    cursor = _audit_cursor(before) if before else None
    if cursor is not None:
        moment, pk = cursor
        events = events.filter(created_at__lte=moment).exclude(
            created_at=moment, id__gte=pk
        )
    rows = list(
        events.select_related("actor").order_by("-created_at", "-id")[: size + 1]
    )
    shown = rows[:size]
    older = ""
    if len(rows) > size:
        last = shown[-1]
        older = f"{last.created_at.isoformat()}~{last.pk}"
    return AuditPage(events=shown, older=older, is_first=cursor is None)


def audit_action_list() -> list[str]:
    """The actions the app records, sorted (the audit page's filter choices)."""
    return sorted(AUDIT_ACTIONS)


PATIENT_PAGE_SIZE = 50
#: At most this many urgent patients head the list (most recent first).
URGENT_PATIENTS_SHOWN = 50


@dataclass(frozen=True)
class PatientPage:
    """One page of a clinic's patient list: urgent patients first, then by code."""

    patients: list[Patient]
    #: The code of the last patient shown, if more follow (the next page's cursor).
    next_after: str
    #: Whether this is a later page (so a link back to the first one is shown).
    is_later: bool


def patient_page_for(
    user: AnyUser,
    *,
    organisation: Organisation,
    query: str = "",
    after: str = "",
    size: int | None = None,
) -> PatientPage:
    """A page of the organisation's patients, in a fixed number of queries.

    The patients with an urgent screening not yet acknowledged come first (on the
    first page, the most recently urgent first, at most ``URGENT_PATIENTS_SHOWN``),
    then the others by
    code from ``after`` (keyset pagination over the (organisation, code) index: no
    count, no OFFSET). Each row carries its screening count, last screening date,
    last outcome and urgency, read for the rows shown only.
    """
    visible = Patient.objects.filter(
        organisation__in=_visible_organisations(user), organisation=organisation
    )
    size = size or PATIENT_PAGE_SIZE
    query = query.strip()
    if query:
        visible = visible.filter(code__icontains=query)
    urgent_ids = _urgent_patient_ids(organisation)
    rows: list[Patient] = []
    if not after and urgent_ids:
        by_id = {p.pk: p for p in _patient_rows(visible.filter(pk__in=urgent_ids))}
        rows = [by_id[pk] for pk in urgent_ids if pk in by_id]
    others = visible.exclude(pk__in=urgent_ids) if urgent_ids else visible
    if after:
        others = others.filter(code__gt=after)
    page = list(_patient_rows(others.order_by("code")[: size + 1]))
    more = len(page) > size
    page = page[:size]
    return PatientPage(
        patients=rows + page,
        next_after=page[-1].code if more else "",
        is_later=bool(after),
    )


def _urgent_patient_ids(organisation: Organisation) -> list[int]:
    """The patients of the clinic's most recent urgent screenings, most recent first.

    Read from the partial index of open urgent screenings, a bounded number of rows.
    """
    recent = (
        Screening.objects.filter(
            organisation=organisation,
            urgent_at__isnull=False,
            safety_acknowledged_at__isnull=True,
        )
        .order_by("-urgent_at")
        .values_list("patient_id", flat=True)[: URGENT_PATIENTS_SHOWN * 4]
    )
    ids: list[int] = []
    for pk in recent:
        if pk is not None and pk not in ids:
            ids.append(pk)
            if len(ids) == URGENT_PATIENTS_SHOWN:
                break
    return ids


def _patient_rows(patients: QuerySet[Patient]) -> QuerySet[Patient]:
    """Patients with per-row figures from correlated subqueries (rows shown only)."""
    theirs = Screening.objects.filter(patient=OuterRef("pk"))
    latest = theirs.order_by("-created_at", "-id")
    return patients.annotate(
        screening_count=Coalesce(
            Subquery(
                theirs.order_by()
                .values("patient")
                .annotate(n=Count("id"))
                .values("n")[:1]
            ),
            0,
        ),
        last_screened=Subquery(latest.values("created_at")[:1]),
        last_outcome=Subquery(
            latest.filter(result__isnull=False).values(
                category=KT("result__outcome__category")
            )[:1]
        ),
        # A correlated LIMIT 1 rather than EXISTS: PostgreSQL turns an EXISTS into
        # one hashed scan of every urgent screening, which grows with the table.
        is_urgent=Subquery(
            theirs.filter(urgent_at__isnull=False, safety_acknowledged_at__isnull=True)
            .order_by("-created_at", "-id")
            .values("urgent_at")[:1]
        ),
    )


def patient_get_for(user: AnyUser, *, pk: int) -> Patient:
    """The patient if ``user`` belongs to its clinic; otherwise 404."""
    visible = Patient.objects.filter(organisation__in=_visible_organisations(user))
    return get_object_or_404(visible.select_related("organisation"), pk=pk)


def screening_list_for_patient(patient: Patient) -> QuerySet[Screening]:
    """A patient's screenings, newest first, with their parts."""
    return (
        Screening.objects.filter(patient=patient)
        .prefetch_related("parts__protocol")
        .order_by("-created_at", "-id")
    )


def screening_get_for(user: AnyUser, *, pk: int) -> Screening:
    """The screening if ``user`` belongs to its clinic; otherwise 404."""
    visible = Screening.objects.filter(organisation__in=_visible_organisations(user))
    return get_object_or_404(
        visible.select_related("patient", "organisation").prefetch_related(
            "parts__protocol"
        ),
        pk=pk,
    )


def answered_language(screening: Screening, role: str) -> str | None:
    """The language the ``role``'s submitted part was answered in, if any (from the
    parts :func:`screening_get_for` prefetched)."""
    submitted = [
        part
        for part in screening.parts.all()
        if part.role == role and part.status == ScreeningPart.Status.SUBMITTED
    ]
    return submitted[-1].language if submitted else None


def part_get_for(user: AnyUser, *, screening_pk: int, role: str) -> ScreeningPart:
    """One part of a screening the user may see; otherwise 404."""
    visible = ScreeningPart.objects.filter(
        screening__organisation__in=_visible_organisations(user)
    )
    return get_object_or_404(
        visible.select_related(
            "screening__patient", "screening__organisation", "protocol"
        ),
        screening_id=screening_pk,
        role=role,
    )


def invitation_get_for(user: AnyUser, *, pk: int) -> Invitation:
    """An invitation of a screening the user may see; otherwise 404."""
    visible = Invitation.objects.filter(
        part__screening__organisation__in=_visible_organisations(user)
    )
    return get_object_or_404(visible.select_related("part__screening"), pk=pk)


def invitation_list_for_parts(parts: Sequence[ScreeningPart]) -> list[Invitation]:
    """The invitations of these parts, newest first."""
    return list(Invitation.objects.filter(part__in=parts).order_by("-created_at"))


def token_hash(token: str) -> str:
    """The stored form of an invitation token: its SHA-256, hex."""
    return hashlib.sha256(token.encode()).hexdigest()


class InvalidLink(Exception):
    """The token is unknown, expired or revoked; the page never says which."""


class LinkReplaced(InvalidLink):
    """A family self-check link replaced by resuming the check with its code on
    another device: its holder is told so, and how to go on here (issue 17)."""


def invitation_get_by_token(token: str) -> Invitation:
    """The invitation for a raw token; InvalidLink unless it can still be used."""
    if not 20 <= len(token) <= 100:
        raise InvalidLink
    digest = token_hash(token)
    # The part's protocol too: part_state() then needs no query for its versions.
    invitation = (
        Invitation.objects.select_related(
            "part__screening__organisation", "part__protocol"
        )
        .filter(token_hash=digest)
        .first()
    )
    # The lookup is by hash; comparing again in constant time costs nothing.
    if invitation is None or not hmac.compare_digest(invitation.token_hash, digest):
        raise InvalidLink
    now = timezone.now()
    if not invitation.is_usable(now):
        # Only a resume elsewhere revokes a self-check link (no clinician owns it).
        if (
            invitation.kind == Invitation.Kind.SELF_CHECK
            and invitation.expires_at > now
        ):
            raise LinkReplaced
        raise InvalidLink
    return invitation


class PartState:
    """A part's instrument versions, their definitions and its saved answers.

    Without ``answers`` they are read when first used (one query), so a page POST
    whose checks need none of them reads them only once, under the part's lock
    (``services.screenings.answers_save``).
    """

    def __init__(
        self,
        *,
        part: ScreeningPart,
        versions: list[InstrumentVersion],
        definitions: list[InstrumentDefinition],
        answers: dict[str, dict[str, Value]] | None = None,
        translations: Mapping[tuple[str, str], TranslationRecord] | None = None,
    ) -> None:
        self.part = part
        self.versions = versions
        self.definitions = definitions
        self._answers = answers
        #: (instrument code, language) -> the entered translation shown.
        self.translations = dict(translations or {})

    @property
    def answers(self) -> dict[str, dict[str, Value]]:
        if self._answers is None:
            code_of = {v.pk: v.instrument.code for v in self.versions}
            self._answers = answers_by_code(part_answer_rows(self.part.pk), code_of)
        return self._answers

    @property
    def versions_by_code(self) -> dict[str, InstrumentVersion]:
        return {v.instrument.code: v for v in self.versions}

    @property
    def definitions_by_code(self) -> dict[str, InstrumentDefinition]:
        return {d.code: d for d in self.definitions}


def part_state(part: ScreeningPart) -> PartState:
    """Load what a questionnaire page needs, whatever its size: its protocol's
    instrument versions in one query, or none once they are cached (a published
    protocol, loaded with the part), and its answers in one more when first used."""
    versions, definitions, translations = _protocol_versions(part)
    return PartState(
        part=part,
        versions=list(versions),
        definitions=list(definitions),
        translations=translations,
    )


def other_respondents_answers(
    screening: Screening,
) -> dict[str, dict[str, dict[str, Value]]]:
    """The saved answers of a screening's self and family parts, by part role.

    For the clinician's criteria form, which shows them beside each field.
    """
    found: dict[str, dict[str, dict[str, Value]]] = {}
    for part in screening.parts.exclude(role=ScreeningPart.Role.CLINICIAN):
        if part.role not in found:
            found[part.role] = part_state(part).answers
    return found


def answers_by_code(
    rows: Iterable[tuple[int, str, Value]], code_of: Mapping[int, str]
) -> dict[str, dict[str, Value]]:
    """Answer rows as instrument code -> item code -> value (unknown versions left
    out)."""
    answers: dict[str, dict[str, Value]] = {}
    for version_id, item_code, value in rows:
        code = code_of.get(version_id)
        if code is not None:
            answers.setdefault(code, {})[item_code] = value
    return answers


def part_answer_rows(part_pk: int) -> list[tuple[int, str, Value]]:
    """A part's saved answers as (instrument version id, item code, value) rows."""
    return sql.answer_rows(part_pk)


@dataclass(frozen=True)
class _ProtocolVersions:
    versions: tuple[InstrumentVersion, ...]
    definitions: tuple[InstrumentDefinition, ...]
    #: text_entered_at of the versions whose licensed text is entered by a clinic:
    #: the one thing about a published version that can still change.
    licensed: tuple[tuple[int, datetime | None], ...]
    translations: Mapping[tuple[str, str], TranslationRecord]


#: Published (frozen) protocols' versions, by (pk, code, published_at, translations
#: stamp).
_protocols: ProcessCache[tuple[int, str, datetime, str], _ProtocolVersions] = (
    process_cache("published_protocols", maxsize=128)
)

_Versions = tuple[
    tuple[InstrumentVersion, ...],
    tuple[InstrumentDefinition, ...],
    Mapping[tuple[str, str], TranslationRecord],
]


def _protocol_versions(part: ScreeningPart) -> _Versions:
    """The versions of the part's protocol, in order, and their definitions.

    A published protocol never changes (its entries are frozen), so its versions are
    kept per process. Only an instrument whose licence keeps its text out of the
    bank can still get that text entered after publication; for those (none in the
    bundled protocols' published ones) one light query checks it has not changed.
    An entered translation (``TranslationRecord``) is laid over its version's
    definition; publishing one changes the translations stamp, which is read from
    Django's cache (shared by every server), so no page pays a query for it.
    """
    protocol = part.protocol if ScreeningPart.protocol.is_cached(part) else None
    key = None
    if protocol is not None and protocol.is_frozen and protocol.published_at:
        key = (protocol.pk, protocol.code, protocol.published_at, translations_stamp())
        cached = _protocols.get(key)
        if cached is not None and _licensed_text_unchanged(cached):
            return cached.versions, cached.definitions, cached.translations
    entries = (
        ProtocolEntry.objects.filter(protocol_id=part.protocol_id)
        .select_related("instrument_version__instrument")
        .order_by("order", "id")
    )
    versions = tuple(entry.instrument_version for entry in entries)
    records = _with_working(
        versions, list(TranslationRecord.objects.filter(version__in=versions))
    )
    definitions = tuple(
        _translated(version_definition(v), [r for r in records if r.version_id == v.pk])
        for v in versions
    )
    code_of = {v.pk: v.instrument.code for v in versions}
    translations = {(code_of[r.version_id], r.language): r for r in records}
    if key is not None:
        _protocols.set(
            key,
            _ProtocolVersions(
                translations=translations,
                versions=versions,
                definitions=definitions,
                licensed=tuple(
                    (v.pk, v.text_entered_at)
                    for v, d in zip(versions, definitions, strict=True)
                    if not d.licence.text_may_ship
                ),
            ),
        )
    return versions, definitions, translations


def _translated(
    definition: InstrumentDefinition, records: Sequence[TranslationRecord]
) -> InstrumentDefinition:
    for record in records:
        definition = with_translation(definition, record.language, record.text)
    return definition


TRANSLATIONS_STAMP_KEY = "bank:translations-stamp"


def translations_stamp() -> str:
    """Changes whenever a translation is entered (kept in Django's cache).

    Read from the database only when the cache has lost it.
    """
    stamp: str | None = cache.get(TRANSLATIONS_STAMP_KEY)
    if stamp is None:
        newest = TranslationRecord.objects.aggregate(n=Max("entered_at"))["n"]
        stamp = newest.isoformat() if newest else "none"
        cache.set(TRANSLATIONS_STAMP_KEY, stamp, None)
    return stamp


def translation_used(version: InstrumentVersion, lang: str) -> TranslationRecord | None:
    """The translation a respondent in ``lang`` was shown for ``version``.

    The clinic's entered one, else the project's own working translation (an
    unsaved record, ``kind`` working); None when there is none (English text, or
    text bundled with the instrument). Reports and the FHIR Questionnaire name it:
    ``source``, ``citation``, ``licence``, ``population`` and ``get_kind_display()``.
    """
    entered = (
        TranslationRecord.objects.filter(version=version, language=lang)
        .select_related("entered_by")
        .first()
    )
    return entered or _working_record(version, lang)


def _working_record(version: InstrumentVersion, lang: str) -> TranslationRecord | None:
    working = working_translations().get(
        (version.instrument.code, version.number, lang)
    )
    if working is None:
        return None
    return TranslationRecord(
        version=version,
        language=lang,
        kind=TranslationRecord.Kind.WORKING,
        source=working.source,
        licence=working.licence,
        text=working.text,
    )


def _with_working(
    versions: Sequence[InstrumentVersion], records: list[TranslationRecord]
) -> list[TranslationRecord]:
    """Entered translations, plus the working ones where none was entered."""
    entered = {(r.version_id, r.language) for r in records}
    return records + [
        working
        for v in versions
        for lang in TRANSLATED_LANGUAGES
        if (v.pk, lang) not in entered
        and (working := _working_record(v, lang)) is not None
    ]


@dataclass(frozen=True)
class SafetyLanguageGap:
    """A safety instrument with no validated translation for some languages."""

    version: InstrumentVersion
    #: Languages shown the project's own (working, not validated) translation.
    working: tuple[str, ...]
    #: Languages with no translation at all: those respondents see English.
    english: tuple[str, ...]


def safety_language_gaps(protocols: Iterable[Protocol]) -> list[SafetyLanguageGap]:
    """Safety instruments of these protocols that lack a validated translation.

    The clinician is told when starting a screening, so safety questions are never
    put to a respondent in a language they were not offered without anyone knowing.
    """
    entries = ProtocolEntry.objects.filter(protocol__in=list(protocols)).select_related(
        "instrument_version__instrument"
    )
    versions = list(
        {e.instrument_version_id: e.instrument_version for e in entries}.values()
    )
    validated = set(
        TranslationRecord.objects.filter(
            version__in=versions, kind=TranslationRecord.Kind.VALIDATED
        ).values_list("version_id", "language")
    )
    entered = set(
        TranslationRecord.objects.filter(version__in=versions).values_list(
            "version_id", "language"
        )
    )
    gaps = []
    for version in sorted(versions, key=lambda v: v.instrument.code):
        definition = version_definition(version)
        if not any(item.safety for item in definition.items):
            continue
        missing = [
            lang
            for lang in TRANSLATED_LANGUAGES
            if lang not in definition.languages and (version.pk, lang) not in validated
        ]
        working = tuple(
            lang
            for lang in missing
            if (version.pk, lang) in entered or _working_record(version, lang)
        )
        english = tuple(lang for lang in missing if lang not in working)
        if working or english:
            gaps.append(SafetyLanguageGap(version, working, english))
    return gaps


def translations_used_for(screening: Screening) -> list[TranslationRecord]:
    """The translations the screening's respondents were shown (entered or working)."""
    used: list[TranslationRecord] = []
    for part in screening.parts.exclude(language="en"):
        versions = [
            entry.instrument_version
            for entry in ProtocolEntry.objects.filter(
                protocol_id=part.protocol_id
            ).select_related("instrument_version__instrument")
        ]
        entered = TranslationRecord.objects.filter(
            language=part.language, version__in=versions
        ).select_related("version__instrument")
        used += [
            r
            for r in _with_working(versions, list(entered))
            if r.language == part.language
        ]
    return used


def _licensed_text_unchanged(cached: _ProtocolVersions) -> bool:
    if not cached.licensed:
        return True
    now = InstrumentVersion.objects.filter(
        pk__in=[pk for pk, _ in cached.licensed]
    ).values_list("pk", "text_entered_at")
    return dict(now) == dict(cached.licensed)


def protocol_list(audience: str) -> QuerySet[Protocol]:
    """Published protocols for an audience, the default first."""
    return Protocol.objects.filter(
        audience=audience, status=Protocol.Status.PUBLISHED
    ).order_by("-is_default", "order", "code")


def default_protocol(audience: str) -> Protocol | None:
    """The published default protocol of an audience, if there is one."""
    return protocol_list(audience).filter(is_default=True).first()


def totp_device_confirmed(user: User) -> bool:
    """Whether ``user`` has a confirmed authenticator app."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def totp_device_pending(user: User) -> TOTPDevice | None:
    """``user``'s authenticator being set up (not yet confirmed), if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


def database_answers() -> bool:
    """Whether the database answers a trivial query (the health check)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


def protocol_size_for(protocol: Protocol) -> ProtocolSize:
    """How many questions ``protocol`` asks and how long it takes (one figure for
    every page that says so)."""
    versions = [
        entry.instrument_version
        for entry in ProtocolEntry.objects.filter(protocol=protocol)
        .select_related("instrument_version__instrument")
        .order_by("order", "id")
    ]
    return protocol_size(version_definition(v) for v in versions)


def protocol_default(audience: str) -> Protocol:
    """The published default protocol for an audience; 404 if there is none."""
    protocol = protocol_list(audience).first()
    if protocol is None:
        raise Http404("No published protocol for this audience.")
    return protocol


def organisation_crisis_contacts(
    organisation: Organisation | None, lang: str
) -> list[dict[str, str]]:
    """The organisation's own crisis contacts for ``lang``, in order (may be empty).

    The defaults per language live in ``questionnaires.reports.crisis``;
    ``questionnaires.reports.data.crisis_contacts_for`` combines the two.
    """
    if organisation is None:
        return []
    return [
        {"name": c.name, "phone": c.phone, "hours": c.hours}
        for c in CrisisContact.objects.filter(
            organisation=organisation, language=lang
        ).order_by("order", "id")
    ]


def family_check_get_by_code_hash(code_hash: str) -> FamilyCheck | None:
    """The unexpired anonymous check with this resume-code hash, if any."""
    return (
        FamilyCheck.objects.select_related("screening")
        .filter(resume_code_hash=code_hash, purge_after__gt=timezone.now())
        .first()
    )


# --- Background exports -------------------------------------------------------------


def export_file_list_for(
    user: AnyUser, *, organisation: Organisation
) -> list[ExportFile]:
    """The user's own recent exports of this clinic, newest first (at most ten)."""
    if not isinstance(user, User):
        return []
    return list(
        ExportFile.objects.filter(
            requested_by=user,
            organisation=organisation,
            expires_at__gt=timezone.now(),
        ).order_by("-created_at", "-id")[:10]
    )


def export_file_get_for(user: AnyUser, *, pk: int) -> ExportFile:
    """A complete, unexpired export the user asked for, still a member; else 404.

    The same 404 for one that is still being written, failed, expired, or belongs
    to someone else: a file is offered only when it is whole.
    """
    if not isinstance(user, User):
        raise Http404
    visible = ExportFile.objects.filter(
        requested_by=user,
        organisation__in=_visible_organisations(user),
        status=ExportFile.Status.COMPLETE,
        expires_at__gt=timezone.now(),
    )
    return get_object_or_404(visible.select_related("organisation").distinct(), pk=pk)


# --- One patient's records: export and erasure -------------------------------------


def user_administers(user: AnyUser, organisation: Organisation) -> bool:
    """Whether ``user`` is an org admin of ``organisation``."""
    return isinstance(user, User) and (
        Membership.objects.filter(
            user=user, organisation=organisation, role=Membership.Role.ORG_ADMIN
        ).exists()
    )


def patient_get_for_admin(user: AnyUser, *, pk: int) -> Patient:
    """The patient if ``user`` is an org admin of its clinic; otherwise 404.

    The same 404 as for a patient that does not exist or that a clinician of the
    clinic may see but not erase (as the organisation pages do for non-admins).
    """
    if not isinstance(user, User):
        raise Http404
    administered = Organisation.objects.filter(
        memberships__user=user, memberships__role=Membership.Role.ORG_ADMIN
    )
    visible = Patient.objects.filter(organisation__in=administered)
    return get_object_or_404(visible.select_related("organisation"), pk=pk)


@dataclass
class PatientRecords:
    """Everything stored about one patient, loaded in a fixed number of queries."""

    patient: Patient
    screenings: list[Screening]
    parts: list[ScreeningPart]
    answers: list[Answer]
    invitations: list[Invitation]
    audit_events: list[AuditEvent]

    @property
    def counts(self) -> dict[str, int]:
        return {
            "screenings": len(self.screenings),
            "parts": len(self.parts),
            "answers": len(self.answers),
            "invitations": len(self.invitations),
        }


def patient_records(patient: Patient) -> PatientRecords:
    """A patient's screenings, parts, answers, invitations and audit events.

    ``patient`` must come from a gatekeeper (``patient_get_for``). Audit events are
    those that target the patient or one of its screenings, parts or invitations,
    or name one of its screenings in their details.
    """
    screenings = list(Screening.objects.filter(patient=patient).order_by("pk"))
    parts = list(
        ScreeningPart.objects.filter(screening__in=screenings)
        .select_related("protocol")
        .order_by("screening_id", "pk")
    )
    answers = list(
        Answer.objects.filter(part__in=parts)
        .select_related("instrument_version__instrument")
        .order_by("part_id", "pk")
    )
    invitations = list(Invitation.objects.filter(part__in=parts).order_by("pk"))
    targets = {
        "questionnaires.patient": [patient.pk],
        "questionnaires.screening": [s.pk for s in screenings],
        "questionnaires.screeningpart": [p.pk for p in parts],
        "questionnaires.invitation": [i.pk for i in invitations],
    }
    about = Q(details__screening__in=targets["questionnaires.screening"])
    for label, pks in targets.items():
        about |= Q(target_type=label, target_id__in=[str(pk) for pk in pks])
    events = list(AuditEvent.objects.filter(about).order_by("created_at", "pk"))
    return PatientRecords(
        patient=patient,
        screenings=screenings,
        parts=parts,
        answers=answers,
        invitations=invitations,
        audit_events=events,
    )


def account_without_clinic(username: str) -> User | None:
    """The active, non-staff account of ``username`` with no membership, or None.

    What an org admin may add to a clinic (organisation.add_member): an account of
    another clinic, or staff, is never found, so the answer reveals nothing.
    """
    return (
        User.objects.filter(
            username__iexact=username.strip(),
            is_active=True,
            is_staff=False,
            memberships__isnull=True,
        )
        .order_by("pk")
        .first()
    )


# --- The safety loop (issue 17) ------------------------------------------------------


def kiosk_clinician(user_pk: int) -> User | None:
    """The active user who handed a device over, or None."""
    return User.objects.filter(pk=user_pk, is_active=True).first()


#: How many urgent screenings a queue shows; the patient lists show the rest first.
URGENT_QUEUE_SHOWN = 20


@dataclass(frozen=True)
class UrgentQueue:
    """The oldest unacknowledged urgent screenings, and whether more wait."""

    screenings: list[Screening]
    more: bool

    def __bool__(self) -> bool:
        return bool(self.screenings)


def urgent_queue_for(
    user: AnyUser, *, organisation: Organisation | None = None
) -> UrgentQueue:
    """Urgent screenings not yet acknowledged, in the user's clinics (or the one
    given), oldest first: at most ``URGENT_QUEUE_SHOWN``, read from the partial
    index of open urgent screenings, so the page stays flat however many urgent
    screenings were acknowledged before."""
    queue = Screening.objects.filter(
        organisation__in=_visible_organisations(user),
        urgent_at__isnull=False,
        safety_acknowledged_at__isnull=True,
    )
    if organisation is not None:
        queue = queue.filter(organisation=organisation)
    rows = list(
        queue.select_related("patient", "organisation").order_by("urgent_at", "pk")[
            : URGENT_QUEUE_SHOWN + 1
        ]
    )
    return UrgentQueue(
        screenings=rows[:URGENT_QUEUE_SHOWN], more=len(rows) > URGENT_QUEUE_SHOWN
    )


@dataclass(frozen=True)
class SafetyState:
    """What the clinician pages show about an urgent screening's safety step."""

    setting: str  # "away" (answered by link) or "clinic"
    acknowledgement: SafetyAcknowledgement | None
    escalated_at: datetime | None


def urgent_setting(screening: Screening) -> str:
    """Where the urgent answer was given: "away" (an invitation link) or "clinic"."""
    parts = sorted(
        (p for p in screening.parts.all() if p.crisis_at is not None),
        key=lambda p: p.crisis_at,  # type: ignore[arg-type, return-value]
    )
    if not parts:
        parts = [p for p in screening.parts.all() if p.role != "clinician"]
    if parts and parts[0].mode == ScreeningPart.Mode.LINK:
        return "away"
    return "clinic"


def safety_state_for(screening: Screening) -> SafetyState | None:
    """The safety step of a screening the caller may see; None if not urgent."""
    if screening.urgent_at is None:
        return None
    escalated = (
        SafetyAlert.objects.filter(
            screening=screening, step=SafetyAlert.Step.ESCALATION
        )
        .exclude(sent_at=None)
        .values_list("sent_at", flat=True)
        .first()
    )
    return SafetyState(
        setting=urgent_setting(screening),
        acknowledgement=SafetyAcknowledgement.objects.filter(screening=screening)
        .select_related("by")
        .first(),
        escalated_at=escalated,
    )


@dataclass(frozen=True)
class SafetyMonth:
    """One month of the closed loop: urgent screenings and how fast they were met."""

    month: date
    urgent: int
    acknowledged: int
    median_minutes: float | None
    p90_minutes: float | None
    escalations: int
    open: int


def _percentile(values: Sequence[float], fraction: float) -> float | None:
    """Nearest-rank percentile (the value at rank ceil(fraction * n))."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def safety_figures_for(
    organisation: Organisation, *, months: int = 12, now: datetime | None = None
) -> list[SafetyMonth]:
    """Per month of becoming urgent, newest first: the closed-loop figures."""
    now = now or timezone.now()
    first = timezone.localdate(now).replace(day=1)
    for _step in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    since = datetime.combine(first, time(0), tzinfo=timezone.get_current_timezone())
    rows = (
        Screening.objects.filter(organisation=organisation, urgent_at__gte=since)
        .annotate(
            acknowledged_at=Max("safety_acknowledgement__at"),
            escalations=Count(
                "safety_alerts",
                filter=Q(
                    safety_alerts__step=SafetyAlert.Step.ESCALATION,
                    safety_alerts__sent_at__isnull=False,
                ),
            ),
        )
        .values_list("urgent_at", "acknowledged_at", "escalations")
    )
    by_month: dict[date, list[tuple[datetime, datetime | None, int]]] = {}
    for urgent_at, acknowledged_at, escalations in rows:
        assert urgent_at is not None  # noqa: S101 (filtered on urgent_at)
        month = timezone.localdate(urgent_at).replace(day=1)
        by_month.setdefault(month, []).append((urgent_at, acknowledged_at, escalations))
    figures = []
    for month in sorted(by_month, reverse=True):
        entries = by_month[month]
        minutes = [
            (acked - urgent).total_seconds() / 60
            for urgent, acked, _esc in entries
            if acked is not None
        ]
        figures.append(
            SafetyMonth(
                month=month,
                urgent=len(entries),
                acknowledged=len(minutes),
                median_minutes=statistics.median(minutes) if minutes else None,
                p90_minutes=_percentile(minutes, 0.9),
                escalations=sum(1 for *_rest, esc in entries if esc),
                open=len(entries) - len(minutes),
            )
        )
    return figures
