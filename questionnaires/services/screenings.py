"""Patients, screenings, saving answers and submitting parts (STYLE.md §3).

Every function here is keyword-only, runs in one transaction and records what it did
in the audit trail. Answers are validated by the forms before they reach
:func:`answers_save`; the scoring engine validates them again at submission, so a
result never comes from an invalid answer.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from questionnaires import scoring, selectors, sql
from questionnaires.bank import flow
from questionnaires.models import (
    LANGUAGE_CODES,
    Answer,
    Invitation,
    Organisation,
    Patient,
    Protocol,
    Screening,
    ScreeningPart,
)
from questionnaires.scoring.definitions import CHOICE_KINDS, InstrumentDefinition
from questionnaires.scoring.rules import Value
from questionnaires.services import safety
from questionnaires.services.audit import audit_record
from questionnaires.services.patients import patient_code_problems, patients_with_code

logger = logging.getLogger(__name__)

AGE_MIN, AGE_MAX = 10, 100


@dataclass(frozen=True)
class PartSpec:
    """What :func:`screening_start` creates for one audience."""

    role: str
    protocol: Protocol
    mode: str


def patient_create(
    *,
    organisation: Organisation,
    code: str,
    birth_year: int,
    sex: str = "",
    by: User,
    own_scheme: bool = False,
) -> Patient:
    """Create a pseudonymous patient in ``organisation``.

    A code that looks like a name, date, e-mail or phone number is refused unless
    ``own_scheme`` says it is the clinic's own scheme; codes are unique ignoring
    case and spaces.
    """
    problems = [] if own_scheme else patient_code_problems(code)
    if problems:
        raise ValidationError(
            {
                "code": [
                    *problems,
                    _(
                        "Use a code from your own records, never a name or a date. "
                        "If this is your clinic's own code scheme, tick “This is "
                        "our code scheme” and save again."
                    ),
                ]
            }
        )
    with transaction.atomic():
        if patients_with_code(organisation.pk, code).exists():
            raise ValidationError(
                {
                    "code": _(
                        "This code is already used in this clinic (capitals and "
                        "spaces do not make a code different)."
                    )
                }
            )
        patient = Patient.objects.create(
            organisation=organisation,
            code=code,
            birth_year=birth_year,
            sex=sex,
            created_by=by,
        )
        audit_record(
            actor=by, action="patient.create", target=patient, organisation=organisation
        )
    return patient


@transaction.atomic
def screening_start(
    *,
    patient: Patient,
    parts: Sequence[PartSpec],
    by: User,
    now: datetime | None = None,
) -> Screening:
    """Start a screening of ``patient`` with one part per audience."""
    now = now or timezone.now()
    age = patient.age_in(timezone.localdate(now).year)
    if not AGE_MIN <= age <= AGE_MAX:
        raise ValidationError(
            _("Screening needs an age between %(min)s and %(max)s.")
            % {"min": AGE_MIN, "max": AGE_MAX}
        )
    _check_parts(parts)
    screening = Screening.objects.create(
        organisation_id=patient.organisation_id,
        patient=patient,
        age=age,
        created_by=by,
    )
    ScreeningPart.objects.bulk_create(
        ScreeningPart(
            screening=screening, role=spec.role, protocol=spec.protocol, mode=spec.mode
        )
        for spec in parts
    )
    audit_record(
        actor=by,
        action="screening.create",
        target=screening,
        organisation=patient.organisation,
        details={"parts": [spec.role for spec in parts]},
    )
    return screening


def _check_parts(parts: Sequence[PartSpec]) -> None:
    if not parts:
        raise ValidationError(_("Choose at least one part."))
    roles = [spec.role for spec in parts]
    if len(set(roles)) != len(roles):
        raise ValidationError(_("Each audience can answer only one part."))
    for spec in parts:
        if spec.protocol.audience != spec.role:
            raise ValidationError(_("The protocol does not fit who answers it."))
        if spec.protocol.status != Protocol.Status.PUBLISHED:
            raise ValidationError(_("Only a published protocol can be used."))
        allowed = {
            ScreeningPart.Role.CLINICIAN: {ScreeningPart.Mode.CLINICIAN},
            ScreeningPart.Role.SELF: {
                ScreeningPart.Mode.KIOSK,
                ScreeningPart.Mode.LINK,
            },
            ScreeningPart.Role.INFORMANT: {
                ScreeningPart.Mode.KIOSK,
                ScreeningPart.Mode.LINK,
            },
        }[ScreeningPart.Role(spec.role)]
        if spec.mode not in allowed:
            raise ValidationError(_("This part cannot be answered that way."))


@dataclass(frozen=True)
class SaveOutcome:
    """What saving a page changed that the respondent must see."""

    part: ScreeningPart
    crisis: bool  # an urgent answer is among the saved answers (now or before)


@transaction.atomic
def answers_save(
    *,
    part: ScreeningPart,
    answers: Mapping[str, Mapping[str, Value | None]],
    page: int | None = None,
    language: str = "",
    now: datetime | None = None,
    state: selectors.PartState | None = None,
) -> SaveOutcome:
    """Save (or clear, with None) answers by instrument and item code.

    Runs a constant number of queries whatever the number of answers (the named
    statements of ``questionnaires/sql.py``). Refuses nothing silently: a part
    already submitted raises ``PartSubmitted``. If the saved answers raise an urgent
    flag, the part and its screening are marked at once. ``state``, the part's state
    as the caller loaded it, saves reading the part's instrument versions again
    (they never change); its answers are read again here, under the part's row lock.
    ``part`` is updated in place with the progress saved.
    """
    now = now or timezone.now()
    locked = sql.part_lock_with_answers(part.pk)
    if locked is None:
        raise ScreeningPart.DoesNotExist
    if locked.status == ScreeningPart.Status.SUBMITTED:
        raise PartSubmitted
    if state is None or state.part.pk != part.pk:
        state = selectors.part_state(part)
    state = _with_answers(state, locked.answers)
    rows: list[sql.NewAnswer] = []
    cleared: list[tuple[int, str]] = []
    for code, given in answers.items():
        version = state.versions_by_code[code]
        items = state.definitions_by_code[code].index.items
        for item_code, value in given.items():
            item = items[item_code]
            if value is None:
                cleared.append((version.pk, item_code))
                state.answers.get(code, {}).pop(item_code, None)
                continue
            option = flow.option_code(item, value)
            if item.kind in CHOICE_KINDS and not option:
                # Never stored: a choice value matching no option has no FHIR
                # form (exports.fhir.response) and no meaning for scoring.
                raise ValidationError(
                    {item_code: _("This answer is not one of the item's options.")}
                )
            rows.append(
                sql.NewAnswer(
                    part_id=part.pk,
                    instrument_version_id=version.pk,
                    item_code=item_code,
                    option_code=option,
                    value=value,
                )
            )
            state.answers.setdefault(code, {})[item_code] = value
    if cleared:
        _delete_answers(part, cleared)
    started_at = now if locked.status == ScreeningPart.Status.PENDING else None
    crisis_at = None
    age = part.screening.age
    if not locked.crisis and _urgent(state.definitions, state.answers, age):
        crisis_at = now
        _mark_urgent(part.screening, now=now, source=part.role)
    part.status = ScreeningPart.Status.IN_PROGRESS
    part.last_page = locked.last_page if page is None else page
    part.language = language or locked.language
    sql.run(
        [
            *sql.answers_upsert(rows, now=now),
            sql.part_progress_update(
                part.pk,
                status=part.status,
                last_page=part.last_page,
                language=part.language,
                started_at=started_at,
                crisis_at=crisis_at,
            ),
        ]
    )
    part.started_at = part.started_at or started_at
    part.crisis_at = part.crisis_at or crisis_at
    return SaveOutcome(part=part, crisis=locked.crisis or crisis_at is not None)


def _with_answers(
    state: selectors.PartState, rows: Iterable[tuple[int, str, Value]]
) -> selectors.PartState:
    """``state`` with the part's answers as they are now (read under the lock)."""
    code_of = {v.pk: code for code, v in state.versions_by_code.items()}
    return selectors.PartState(
        part=state.part,
        versions=state.versions,
        definitions=state.definitions,
        answers=selectors.answers_by_code(rows, code_of),
        translations=state.translations,
    )


class PartSubmitted(Exception):
    """The part has been submitted; its answers can no longer change."""


def _delete_answers(part: ScreeningPart, cleared: Iterable[tuple[int, str]]) -> None:
    by_version: dict[int, list[str]] = {}
    for version_id, item_code in cleared:
        by_version.setdefault(version_id, []).append(item_code)
    for version_id, codes in by_version.items():
        Answer.objects.filter(
            part=part, instrument_version_id=version_id, item_code__in=codes
        ).delete()


def _urgent(
    definitions: Sequence[InstrumentDefinition],
    answers: Mapping[str, Mapping[str, Value]],
    age: int,
) -> bool:
    """Whether these answers raise an urgent flag (suicide risk, safety now)."""
    by_code = {d.code: d for d in definitions}
    given = {code: dict(answers.get(code, {})) for code in by_code}
    try:
        result = scoring.score(by_code, given, age=age)
    except scoring.InvalidInput:
        logger.exception("answers_save: saved answers failed validation")
        return False
    return any(f.severity is scoring.Severity.URGENT for f in result.flags)


def _mark_urgent(screening: Screening, *, now: datetime, source: str) -> None:
    # The database decides, not ``screening.urgent_at``: the caller's copy was read
    # before the part's lock, and another part of the screening may have marked it
    # since (this UPDATE then waits for that transaction, and changes nothing).
    marked = Screening.objects.filter(pk=screening.pk, urgent_at__isnull=True).update(
        urgent_at=now
    )
    screening.urgent_at = now
    if not marked:
        return  # another request marked it first, and alerted
    safety.urgent_alert_open(screening=screening, now=now)
    audit_record(
        actor_label="respondent" if source != "clinician" else "",
        action="screening.urgent",
        target=screening,
        organisation=screening.organisation,
        details={"part": source},
    )


@transaction.atomic
def part_submit(
    *,
    part: ScreeningPart,
    by: User | AnonymousUser | None = None,
    now: datetime | None = None,
) -> ScreeningPart:
    """Submit a part and re-score its screening; a second call changes nothing."""
    now = now or timezone.now()
    locked = (
        ScreeningPart.objects.select_for_update(of=("self",))
        .select_related("screening__organisation")
        .get(pk=part.pk)
    )
    if locked.is_submitted:
        return locked  # idempotent: a double click or a retry keeps the first result
    screening = Screening.objects.select_for_update().get(pk=locked.screening_id)
    state = selectors.part_state(locked)
    part_result = _score(
        {d.code: d for d in state.definitions}, state.answers, screening.age
    )
    locked.result = part_result.as_json("en") if part_result else None
    locked.status = ScreeningPart.Status.SUBMITTED
    locked.submitted_at = now
    locked.submitted_by = by if isinstance(by, User) else None
    locked.save(update_fields=["result", "status", "submitted_at", "submitted_by"])
    Invitation.objects.filter(part=locked, used_at__isnull=True).update(used_at=now)
    _screening_rescore(screening, now=now)
    audit_record(
        actor=by,
        actor_label="" if isinstance(by, User) else "respondent",
        action="screening_part.submit",
        target=locked,
        organisation=locked.screening.organisation,
        details={"screening": screening.pk, "role": locked.role},
    )
    _prerender_on_commit(screening_id=screening.pk, part_id=locked.pk)
    return locked


def _prerender_on_commit(*, screening_id: int, part_id: int) -> None:
    """Render the new reports in the background once the submission is stored."""
    from questionnaires import tasks  # tasks import services: import at call time

    transaction.on_commit(
        lambda: tasks.prerender_reports.enqueue(
            screening_id=screening_id, part_id=part_id
        )
    )


def _score(
    definitions: Mapping[str, InstrumentDefinition],
    answers: Mapping[str, Mapping[str, Value]],
    age: int,
) -> scoring.ScreeningResult | None:
    given = {code: dict(answers.get(code, {})) for code in definitions}
    try:
        return scoring.score(definitions, given, age=age)
    except scoring.InvalidInput:
        logger.exception("part_submit: stored answers failed validation")
        return None


def _screening_rescore(screening: Screening, *, now: datetime) -> None:
    """Snapshot the result of every submitted part together (DESIGN.md §2)."""
    parts = list(screening.parts.all())
    definitions: dict[str, InstrumentDefinition] = {}
    answers: dict[str, dict[str, Value]] = {}
    for submitted in (p for p in parts if p.is_submitted):
        state = selectors.part_state(submitted)
        definitions.update(state.definitions_by_code)
        for code in state.definitions_by_code:
            answers[code] = dict(state.answers.get(code, {}))
    result = _score(definitions, answers, screening.age)
    fields = ["result", "result_localised", "scored_at"]
    screening.result = result.as_json("en") if result else None
    screening.result_localised = (
        {lang: result.as_json(lang) for lang in LANGUAGE_CODES if lang != "en"}
        if result
        else {}
    )
    screening.scored_at = now
    if result and result.flag("suicide_risk") and screening.urgent_at is None:
        screening.urgent_at = now
        fields.append("urgent_at")
        safety.urgent_alert_open(screening=screening, now=now)
    if all(p.is_submitted for p in parts):
        screening.completed_at = now
        fields.append("completed_at")
    screening.save(update_fields=fields)


def screening_result_view(*, screening: Screening, by: User) -> None:
    """Record that ``by`` looked at the screening's result."""
    audit_record(
        actor=by,
        action="screening.view_result",
        target=screening,
        organisation=screening.organisation,
    )


def report_download_record(
    *,
    screening: Screening,
    audience: str,
    by: User | None,
    lang: str,
    shared: Sequence[str] = (),
) -> None:
    """Record a PDF download (by a clinician, or by the respondent's own link).

    ``shared`` names what the clinician chose to share from the young person's own
    answers in a family summary (empty: nothing).
    """
    audit_record(
        actor=by,
        actor_label="" if by else "respondent",
        action="report.download",
        target=screening,
        organisation=screening.organisation,
        details={"audience": audience, "lang": lang, "shared": list(shared)},
    )
