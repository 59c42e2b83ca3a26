"""Demo patients for ``manage.py seed_demo``: pseudonymous codes, submitted
screenings made through the real services, and one open screening with a link.

Each patient is created only if its code is not yet used in the clinic, so a second
run changes nothing. Timestamps are the services' ``now=`` where they take one;
fields the database stamps itself (``auto_now_add``) are moved back afterwards, so
the patient page shows screenings spread over past months.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from questionnaires import scoring, selectors
from questionnaires.models import (
    Answer,
    Invitation,
    Organisation,
    Patient,
    Protocol,
    Screening,
    ScreeningPart,
)
from questionnaires.scoring.rules import Value
from questionnaires.services import invitations, screenings
from questionnaires.services.screenings import PartSpec

Answers = Mapping[str, Mapping[str, Value]]

SELF, FAMILY, CLINICIAN = "self_report_brief", "family", "clinician"
PROTOCOLS = (SELF, FAMILY, CLINICIAN)


# --- Answers (INSTRUMENTS.md §2-§3 codes and ranges) ----------------------------


def _withdrawal(
    *,
    months: float,
    days: int,
    onset: int,
    impair: tuple[int, int, int],
    distressed: int,
    room: int = 0,
    **context: Value,
) -> dict[str, Value]:
    school_work, home, relationships = impair
    return {
        "months_withdrawn": months,
        "days_out_per_week": days,
        "rarely_leaves_room": room,
        "onset_age": onset,
        "impair_school_work": school_work,
        "impair_home": home,
        "impair_relationships": relationships,
        "distressed": distressed,
        **context,
    }


def _phq9(values: tuple[int, ...], difficulty: int = 1) -> dict[str, Value]:
    answers: dict[str, Value] = {f"phq9_{n}": v for n, v in enumerate(values, 1)}
    if any(values):  # phq9_10 is shown only after a problem was checked
        answers["phq9_10"] = difficulty
    return answers


def _gad7(values: tuple[int, ...]) -> dict[str, Value]:
    return {f"gad7_{n}": v for n, v in enumerate(values, 1)}


def _asq(yes: frozenset[int] = frozenset(), *, right_now: int = 0) -> dict[str, Value]:
    answers: dict[str, Value] = {f"asq_{n}": int(n in yes) for n in range(1, 5)}
    if yes:  # asq_5 is asked only after a yes to 1-4
        answers["asq_5"] = right_now
    return answers


def _family(withdrawal: dict[str, Value], **family: Value) -> Answers:
    return {
        "withdrawal_family": {
            "fam_relationship": 0,
            "fam_contact": 3,
            "fam_self_harm_talk": 0,
            "fam_safety_now": 0,
            "fam_conflict": 0,
            **withdrawal,
            **family,
        }
    }


# --- The demo patients ----------------------------------------------------------


@dataclass(frozen=True)
class DemoPart:
    """One part: who answers, how, and the answers (None: left open with a link)."""

    role: str
    protocol: str
    mode: str
    answers: Answers | None


@dataclass(frozen=True)
class DemoScreening:
    days_ago: int
    parts: tuple[DemoPart, ...]


@dataclass(frozen=True)
class DemoPatient:
    code: str
    age: int  # this year: the birth year follows, so the demo never ages
    sex: str
    screenings: tuple[DemoScreening, ...]


def _self_screening(
    days_ago: int,
    withdrawal: dict[str, Value],
    *,
    phq9: tuple[int, ...],
    gad7: tuple[int, ...],
    asq: dict[str, Value] | None = None,
    also: tuple[DemoPart, ...] = (),
) -> DemoScreening:
    """A screening whose self-report was answered on the clinic's tablet."""
    answers = {
        "withdrawal": withdrawal,
        "phq9": _phq9(phq9),
        "gad7": _gad7(gad7),
        "asq": asq or _asq(),
    }
    own = DemoPart("self", SELF, ScreeningPart.Mode.KIOSK, answers)
    return DemoScreening(days_ago, (own, *also))


_FAMILY_REPORT = DemoPart(
    "informant",
    FAMILY,
    ScreeningPart.Mode.LINK,
    _family(
        _withdrawal(
            months=18, days=1, room=1, onset=18, impair=(8, 7, 8), distressed=1,
            sleep_time="05:00", wake_time="15:00",
        ),
        fam_distress=1,
    ),
)  # fmt: skip
_CLINICIAN_RATING = DemoPart(
    "clinician",
    CLINICIAN,
    ScreeningPart.Mode.CLINICIAN,
    {
        "criteria": {
            "months_withdrawn": 4.5,
            "days_out_per_week": 3,
            "rarely_leaves_room": 0,
            "onset_age": 18,
            "impairment_significant": 1,
            "distressed": 1,
            "concern_depression": 0,
            "concern_social_anxiety": 1,
            "concern_autism": 0,
            "concern_psychosis": 0,
            "concern_personality": 0,
        },
        "sofas": {"sofas_1": 62},
    },
)

PATIENTS: tuple[DemoPatient, ...] = (
    # Screened three times: at risk, then screen positive, then going out again.
    DemoPatient("DEMO-001", 18, "female", (
        _self_screening(
            150,
            _withdrawal(
                months=4, days=1, onset=17, impair=(6, 5, 7), distressed=1,
                sleep_time="02:30", wake_time="11:00",
            ),
            phq9=(2, 2, 1, 2, 1, 2, 1, 1, 0),
            gad7=(2, 1, 2, 1, 1, 1, 1),
        ),
        _self_screening(
            90,
            _withdrawal(
                months=6.5, days=1, onset=17, impair=(7, 6, 7), distressed=1,
                sleep_time="03:30", wake_time="13:00",
            ),
            phq9=(2, 2, 2, 2, 2, 2, 1, 1, 0),
            gad7=(2, 2, 2, 1, 1, 2, 1),
        ),
        _self_screening(
            20,
            _withdrawal(
                months=0, days=4, onset=17, impair=(3, 2, 3), distressed=0,
                sleep_time="23:30", wake_time="07:30",
            ),
            phq9=(1, 1, 1, 1, 0, 1, 1, 0, 0),
            gad7=(1, 1, 1, 0, 1, 1, 0),
        ),
    )),
    # Screen positive; the family sees going out as worse than the young person does.
    DemoPatient("DEMO-002", 21, "male", (
        _self_screening(
            35,
            _withdrawal(
                months=14, days=2, onset=19, impair=(6, 4, 6), distressed=0,
                online_hours=7, online_costs=1,
            ),
            phq9=(1, 2, 2, 1, 1, 1, 1, 1, 0),
            gad7=(1, 1, 1, 1, 0, 1, 1),
            also=(_FAMILY_REPORT,),
        ),
    )),
    # A yes to a suicide-risk question: marked urgent, crisis handling shown.
    DemoPatient("DEMO-003", 17, "", (
        _self_screening(
            16,
            _withdrawal(months=8, days=1, onset=15, impair=(8, 6, 7), distressed=1),
            phq9=(2, 3, 2, 2, 1, 2, 2, 1, 1),
            gad7=(2, 2, 1, 2, 1, 2, 1),
            asq=_asq(frozenset({1}), right_now=0),
        ),
    )),
    # At risk (3 to 6 months), with the clinician's rating of the criteria.
    DemoPatient("DEMO-004", 19, "other", (
        _self_screening(
            25,
            _withdrawal(months=4, days=3, onset=18, impair=(4, 3, 5), distressed=1),
            phq9=(1, 1, 1, 0, 1, 1, 0, 0, 0),
            gad7=(2, 2, 1, 1, 1, 2, 1),
            also=(_CLINICIAN_RATING,),
        ),
    )),
    # Not answered yet: a live link for trying the respondent pages.
    DemoPatient("DEMO-005", 16, "female", (
        DemoScreening(0, (DemoPart("self", SELF, ScreeningPart.Mode.LINK, None),)),
    )),
)  # fmt: skip

OPEN_LINK_PATIENT = "DEMO-005"


@dataclass
class DemoSeed:
    """What :func:`demo_patients_seed` did."""

    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    submitted: int = 0  # screenings with every part submitted
    missing_protocols: list[str] = field(default_factory=list)
    token: str = ""  # the open screening's new link, if one was made


def missing_protocols() -> list[str]:
    """The demo's protocols that are not (yet) published in the question bank."""
    published = set(
        Protocol.objects.filter(
            code__in=PROTOCOLS, status=Protocol.Status.PUBLISHED
        ).values_list("code", flat=True)
    )
    return [code for code in PROTOCOLS if code not in published]


@transaction.atomic
def demo_patients_seed(
    *, organisation: Organisation, by: User, now: datetime | None = None
) -> DemoSeed:
    """Create every demo patient whose code the clinic does not use yet."""
    seed = DemoSeed(missing_protocols=missing_protocols())
    if seed.missing_protocols:
        return seed
    now = now or timezone.now()
    protocols = {
        p.code: p
        for p in Protocol.objects.filter(
            code__in=PROTOCOLS, status=Protocol.Status.PUBLISHED
        )
    }
    taken = set(
        Patient.objects.filter(
            organisation=organisation, code__in=[p.code for p in PATIENTS]
        ).values_list("code", flat=True)
    )
    for demo in PATIENTS:
        if demo.code in taken:
            seed.existing.append(demo.code)
            continue
        _patient_create(demo, organisation, by, protocols, now, seed)
        seed.created.append(demo.code)
    return seed


def _patient_create(
    demo: DemoPatient,
    organisation: Organisation,
    by: User,
    protocols: Mapping[str, Protocol],
    now: datetime,
    seed: DemoSeed,
) -> None:
    patient = screenings.patient_create(
        organisation=organisation,
        code=demo.code,
        birth_year=timezone.localdate(now).year - demo.age,
        sex=demo.sex,
        by=by,
    )
    first = max(s.days_ago for s in demo.screenings)
    Patient.objects.filter(pk=patient.pk).update(
        created_at=now - timedelta(days=first, minutes=5)
    )
    for planned in sorted(demo.screenings, key=lambda s: -s.days_ago):
        when = now - timedelta(days=planned.days_ago)
        screening = screenings.screening_start(
            patient=patient,
            parts=[
                PartSpec(role=p.role, protocol=protocols[p.protocol], mode=p.mode)
                for p in planned.parts
            ],
            by=by,
            now=when,
        )
        parts = {part.role: part for part in screening.parts.all()}
        for step, planned_part in enumerate(planned.parts):
            part = parts[planned_part.role]
            if planned_part.answers is None:
                seed.token = invitations.invitation_create(
                    part=part, by=by, now=when
                ).token
                continue
            _part_answer(
                part, planned_part.answers, by, when + timedelta(minutes=10 + step)
            )
        seed.submitted += all(p.answers is not None for p in planned.parts)
        _backdate(screening, when)


def _part_answer(
    part: ScreeningPart, answers: Answers, by: User, when: datetime
) -> None:
    """Answer and submit ``part`` as its respondent would (by link or on the tablet),
    or as the clinician for the clinician's part."""
    state = selectors.part_state(part)
    problems = scoring.validate(state.definitions_by_code, answers, part.screening.age)
    if problems:  # a mistake in PATIENTS above, not in anyone's input
        raise ValueError(f"demo answers for {part}: {problems}")
    if part.role == ScreeningPart.Role.CLINICIAN:
        screenings.answers_save(part=part, answers=answers, now=when)
        screenings.part_submit(part=part, by=by, now=when + timedelta(minutes=5))
        return
    kind = (
        Invitation.Kind.KIOSK
        if part.mode == ScreeningPart.Mode.KIOSK
        else Invitation.Kind.LINK
    )
    issued = invitations.invitation_create(
        part=part, by=by, kind=kind, now=when - timedelta(minutes=5)
    )
    invitations.invitation_open(invitation=issued.invitation, now=when)
    screenings.answers_save(part=part, answers=answers, page=1, now=when)
    screenings.part_submit(part=part, by=None, now=when + timedelta(minutes=5))


def _backdate(screening: Screening, when: datetime) -> None:
    """Move the timestamps the database set to the moment the screening began."""
    Screening.objects.filter(pk=screening.pk).update(created_at=when)
    ScreeningPart.objects.filter(screening=screening).update(created_at=when)
    Invitation.objects.filter(part__screening=screening).update(
        created_at=when - timedelta(minutes=5)
    )
    Answer.objects.filter(part__screening=screening).update(
        updated_at=when + timedelta(minutes=10)
    )


@transaction.atomic
def demo_link_renew(*, organisation: Organisation, by: User) -> str:
    """A fresh link for the open demo screening (earlier links stop working);
    "" if it has been answered or the demo patient is gone."""
    part = (
        ScreeningPart.objects.filter(
            screening__organisation=organisation,
            screening__patient__code=OPEN_LINK_PATIENT,
            mode=ScreeningPart.Mode.LINK,
        )
        .exclude(status=ScreeningPart.Status.SUBMITTED)
        .select_related("screening__organisation")
        .first()
    )
    if part is None:
        return ""
    return invitations.invitation_create(part=part, by=by).token
