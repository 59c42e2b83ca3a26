"""Every URL of the project, for every persona, gives exactly the expected outcome.

``EXPECTED`` below is the whole permission design written out: one row per URL name,
one outcome per persona, for GET and, where someone must be refused a change, for
POST too. A URL pattern without a row fails ``test_every_url_pattern_has_a_rule``, so
a new page cannot ship without a decision about who may open it.

Personas (``PERSONAS``, in the order of every row): an anonymous visitor; a parent
with no account who holds the invitation tokens of clinic A's family parts; a
clinician of clinic A; a clinician of clinic B (the outsider); the org admin of
clinic A; a staff superuser who belongs to no clinic. URLs are filled with real
objects of clinic A (patient, screening, part role, invitation, membership, slug).
Token URLs get the parent's real token when the parent asks and an unknown,
well-formed token for everyone else: a token is the only key to those pages.

Outcome classes: ``OK`` is a 2xx, or a 3xx to a page of the app that is not a sign-in
page; ``LOGIN`` a redirect to a sign-in page (the site's or the admin's); ``N404``,
``F403`` and ``M405`` their status codes. Allowed requests run inside a transaction
that is rolled back, so every request of a persona sees the same data; a refused
request runs for real and must change nothing in the database.

The Django admin is one row group: its index, changelists and import pages stand for its
~100 patterns, which Django's own permission checks guard. Any other unknown
pattern fails the test.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404
from django.utils.timezone import now
from django_otp.plugins.otp_totp.models import TOTPDevice

from questionnaires.exports.streams import ExportFilters
from questionnaires.models import (
    Answer,
    AuditEvent,
    FamilyCheck,
    Invitation,
    Membership,
    Organisation,
    Patient,
    Screening,
    ScreeningPart,
)
from questionnaires.services import export_files, invitations
from questionnaires.services import screenings as screening_services
from tests.exports.conftest import answer_every_item
from tests.factories import CLINICIAN, FAMILY, SELF, start_screening

pytestmark = pytest.mark.django_db

OK, LOGIN, N404, F403, M405 = "ok", "login", "404", "403", "405"
PERSONAS = ("anonymous", "parent", "clinician", "outsider", "org_admin", "staff")
ALL_OK = (OK,) * 6
ALL_405 = (M405,) * 6
#: A clinic page: members of clinic A only; same 404 for clinic B and for staff.
CLINIC = (LOGIN, LOGIN, OK, N404, OK, N404)
#: An org-admin page of clinic A.
ADMIN_OF_A = (LOGIN, LOGIN, N404, N404, OK, N404)
#: Any signed-in user, about their own account.
SIGNED_IN = (LOGIN, LOGIN, OK, OK, OK, OK)
#: A respondent page: only the holder of the token.
TOKEN = (N404, OK, N404, N404, N404, N404)
#: The Django admin: staff only; others are sent to its sign-in page.
STAFF = (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, OK)


@dataclass(frozen=True)
class Rule:
    """Expected outcomes per persona, and what fills the URL."""

    get: tuple[str, ...]
    post: tuple[str, ...] | None = None  # None: POST is not checked here
    pk: str = ""  # patient, screening, invitation or membership
    token: str = "open"  # the parent's open part, or its submitted one ("done")
    data: dict[str, Any] = field(default_factory=dict)


EXPECTED: dict[str, Rule] = {
    # --- Public pages --------------------------------------------------------------
    "questionnaires:start": Rule(ALL_OK),
    # Anyone may start an anonymous check (limited per address: ratelimits).
    "questionnaires:family-start": Rule(
        ALL_OK, post=ALL_OK, data={"age": "17", "agree": "on"}
    ),
    "questionnaires:family-resume": Rule(ALL_OK),
    # Without a kiosk session on this device there is nothing to return to.
    "questionnaires:kiosk-return": Rule((LOGIN,) * 6, post=(LOGIN,) * 6),
    "healthz": Rule(ALL_OK),
    "favicon": Rule(ALL_OK),
    "set_language": Rule(ALL_OK),
    # --- Clinicians ----------------------------------------------------------------
    "questionnaires:clinic-home": Rule(SIGNED_IN),
    "questionnaires:patient-list": Rule(CLINIC),
    "questionnaires:patient-create": Rule(
        CLINIC, post=CLINIC, data={"code": "A-NEW", "birth_year": 2006, "sex": ""}
    ),
    "questionnaires:patient-detail": Rule(CLINIC, pk="patient"),
    "questionnaires:screening-start": Rule(CLINIC, post=CLINIC, pk="patient"),
    "questionnaires:patient-export": Rule(CLINIC, pk="patient"),
    # Erasure is for the clinic's org admins only (views.clinician.erase_patient).
    "questionnaires:patient-erase": Rule(
        ADMIN_OF_A, post=ADMIN_OF_A, pk="patient", data={"code": "A-001"}
    ),
    "questionnaires:screening-detail": Rule(CLINIC, pk="screening"),
    "questionnaires:screening-result": Rule(CLINIC, pk="screening"),
    "questionnaires:screening-acknowledge": Rule(
        CLINIC, post=CLINIC, pk="screening", data={"outcome": "assessed"}
    ),
    "questionnaires:screening-criteria": Rule(CLINIC, post=CLINIC, pk="screening"),
    "questionnaires:screening-report": Rule(CLINIC, pk="screening"),
    "questionnaires:invitation-create": Rule(ALL_405, post=CLINIC, pk="screening"),
    "questionnaires:screening-import-fhir": Rule(CLINIC, post=CLINIC, pk="screening"),
    "questionnaires:screening-hand-over": Rule(ALL_405, post=CLINIC, pk="screening"),
    "questionnaires:invitation-revoke": Rule(ALL_405, post=CLINIC, pk="invitation"),
    "questionnaires:screening-export-csv": Rule(CLINIC, pk="screening"),
    "questionnaires:screening-export-dictionary": Rule(CLINIC, pk="screening"),
    "questionnaires:screening-export-fhir": Rule(CLINIC, pk="screening"),
    "questionnaires:organisation-export": Rule(CLINIC),
    "questionnaires:organisation-export-csv": Rule(CLINIC),
    "questionnaires:organisation-export-dictionary": Rule(CLINIC),
    # A background export's file: only the clinician who asked for it.
    "questionnaires:export-file-download": Rule(
        (LOGIN, LOGIN, OK, N404, N404, N404), pk="export_file"
    ),
    # --- Respondents (token only) --------------------------------------------------
    "questionnaires:respond-start": Rule(TOKEN),
    "questionnaires:respond-page": Rule(TOKEN, post=TOKEN, data={"action": "save"}),
    "questionnaires:respond-review": Rule(TOKEN),
    "questionnaires:respond-submit": Rule(ALL_405, post=TOKEN),
    "questionnaires:respond-saved": Rule(TOKEN),
    "questionnaires:respond-done": Rule(TOKEN, token="done"),
    "questionnaires:respond-report": Rule(TOKEN, token="done"),
    # --- Organisation admins -------------------------------------------------------
    "questionnaires:organisation-members": Rule(ADMIN_OF_A),
    "questionnaires:organisation-alerts": Rule(
        ADMIN_OF_A,
        post=ADMIN_OF_A,
        data={"addresses": "duty@a.example", "escalate_after": 60},
    ),
    "questionnaires:organisation-safety": Rule(ADMIN_OF_A),
    "questionnaires:organisation-safety-csv": Rule(ADMIN_OF_A),
    "questionnaires:organisation-member-add": Rule(
        ALL_405, post=ADMIN_OF_A, data={"username": "frank", "role": "clinician"}
    ),
    "questionnaires:organisation-account-create": Rule(
        ALL_405, post=ADMIN_OF_A, data={"username": "newbie", "email": "n@x.org"}
    ),
    "questionnaires:organisation-member-role": Rule(
        ALL_405, post=ADMIN_OF_A, pk="membership", data={"role": "org_admin"}
    ),
    "questionnaires:organisation-member-remove": Rule(
        ALL_405, post=ADMIN_OF_A, pk="membership"
    ),
    "questionnaires:organisation-audit": Rule(ADMIN_OF_A),
    # --- Accounts ------------------------------------------------------------------
    "login": Rule(ALL_OK),
    "logout": Rule(ALL_405),
    "password_change": Rule(SIGNED_IN, post=SIGNED_IN),
    "password_change_done": Rule(SIGNED_IN),
    "password_reset": Rule(ALL_OK),
    "password_reset_done": Rule(ALL_OK),
    # An unknown reset link shows its "invalid link" page to anyone.
    "password_reset_confirm": Rule(ALL_OK),
    "password_reset_complete": Rule(ALL_OK),
    "account-language": Rule(SIGNED_IN, post=SIGNED_IN),
    "two-factor-enrol": Rule(SIGNED_IN, post=SIGNED_IN),
    # Nobody owes a code here, so the page sends them on.
    "two-factor-verify": Rule(SIGNED_IN),
    # Only while an authenticator is being set up; none is here.
    "two-factor-qr": Rule((LOGIN, LOGIN, N404, N404, N404, N404)),
    "two-factor-remove": Rule((LOGIN, LOGIN, M405, M405, M405, M405), post=SIGNED_IN),
    # --- The Django admin, as one group (see the module docstring) -----------------
    "admin:index": Rule(STAFF),
    # Memberships are changed on the organisation page (audited); patients are not
    # in the admin at all (test_admin_changes_are_audited).
    "admin:questionnaires_organisation_changelist": Rule(STAFF),
    # Every import endpoint: staff only, a refused POST changes nothing.
    "admin:bank-import": Rule(STAFF, post=STAFF),
    "admin:bank-import-fhir": Rule(STAFF, post=STAFF),
    "admin:questionnaires_auditevent_changelist": Rule(STAFF),
}

SIMPLE_KWARGS = {
    "slug": "clinic-a",
    "role": "self",
    "audience": "clinician",
    "number": 1,
    "uidb64": "MQ",
}


def _patterns(
    resolver: URLResolver, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, URLPattern]]:
    """Every (name, route, pattern) of the project, through every include."""
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, prefix + str(entry.pattern), inner)
        else:
            yield f"{namespace}{entry.name or ''}", prefix + str(entry.pattern), entry


def test_every_url_pattern_has_a_rule() -> None:
    found = {name or route: route for name, route, _ in _patterns(get_resolver())}
    unruled = sorted(
        f"{key} ({route})"
        for key, route in found.items()
        if key not in EXPECTED and not key.startswith("admin:")
    )
    assert unruled == [], "URL patterns without a permission rule"
    assert sorted(set(EXPECTED) - set(found)) == [], "rules for URLs that are gone"


@dataclass
class World:
    """Clinic A's objects that fill the URLs, and who each persona is."""

    users: dict[str, User | None]
    pks: dict[str, int]
    tokens: dict[str, str]
    patient_code: str


@pytest.fixture
def world(
    clinician: User,
    colleague: User,
    outsider: User,
    org_admin: User,
    admin_user: User,
    patient: Patient,
    protocols: dict[str, Any],
    settings: Any,
    tmp_path: Any,
) -> World:
    """A screening of clinic A with self (link), family and clinician parts.

    The family part is submitted (its token shows the parent's summary); the
    parent's second family part, of a later screening, is still open.
    """
    parts = [
        ("self", protocols[SELF], "link"),
        ("informant", protocols[FAMILY], "link"),
        ("clinician", protocols[CLINICIAN], "clinician"),
    ]
    screening = start_screening(patient=patient, by=clinician, parts=parts)
    own = invitations.invitation_create(
        part=screening.parts.get(role="self"), by=clinician
    )
    family = screening.parts.get(role="informant")
    done = invitations.invitation_create(part=family, by=clinician)
    answer_every_item(family)
    screening_services.part_submit(part=family)
    later = start_screening(patient=patient, by=clinician, parts=parts[1:2])
    # An account of no clinic: the only kind an org admin may add.
    User.objects.create_user("frank", password="unused-password-1")
    open_ = invitations.invitation_create(part=later.parts.get(), by=clinician)
    settings.EXPORT_ROOT = tmp_path
    export_file = export_files.organisation_export_request(
        organisation=patient.organisation,
        by=clinician,
        filters=ExportFilters(),
        research=False,
        columns=0,
        download_url="",
    )
    export_files.organisation_export_write(export_id=export_file.pk)
    return World(
        users={
            "anonymous": None,
            "parent": None,
            "clinician": clinician,
            "outsider": outsider,
            "org_admin": org_admin,
            "staff": admin_user,
        },
        pks={
            "patient": patient.pk,
            "screening": screening.pk,
            "invitation": own.invitation.pk,
            "membership": Membership.objects.get(user=colleague).pk,
            "export_file": export_file.pk,
        },
        tokens={"open": open_.token, "done": done.token},
        patient_code=patient.code,
    )


def _url(name: str, rule: Rule, world: World, persona: str) -> str:
    pattern = next(p for n, _, p in _patterns(get_resolver()) if n == name)
    kwargs: dict[str, Any] = {}
    for key in pattern.pattern.converters:
        if key == "pk":
            kwargs[key] = world.pks[rule.pk]
        elif key == "token" and name.startswith("questionnaires:respond"):
            # Only the parent holds a real token; anyone else tries a plausible one.
            real = world.tokens[rule.token]
            kwargs[key] = real if persona == "parent" else secrets.token_urlsafe(32)
        elif key == "token":
            kwargs[key] = "set-password"
        else:
            kwargs[key] = SIMPLE_KWARGS[key]
    return reverse(name, kwargs=kwargs)


def _outcome(response: HttpResponse) -> str:
    status = response.status_code
    if 300 <= status < 400:
        target = urlsplit(response["Location"]).path
        if target in {reverse("login"), reverse("admin:login")}:
            return LOGIN
        try:
            resolve(target)
        except Resolver404:
            return f"redirect outside the app ({target})"
        return OK
    if 200 <= status < 300:
        return OK
    return {404: N404, 403: F403, 405: M405}.get(status, str(status))


WATCHED = (
    Organisation,
    Membership,
    Patient,
    Screening,
    ScreeningPart,
    Answer,
    Invitation,
    FamilyCheck,
    AuditEvent,
    TOTPDevice,
)


def _fingerprint() -> dict[str, Any]:
    """Every stored row a request could change (users without their last sign-in)."""
    rows = {m.__name__: list(m.objects.order_by("pk").values()) for m in WATCHED}
    rows["User"] = list(
        User.objects.order_by("pk").values(
            "pk", "username", "password", "is_staff", "is_active"
        )
    )
    return rows


class _Rollback(Exception):
    pass


def _send(client: Client, method: str, url: str, data: dict[str, Any]) -> Any:
    response: Any = client.get(url) if method == "GET" else client.post(url, data)
    if getattr(response, "streaming", False):
        # Reading a download to the end releases its file (the test client's
        # wrapper closes it); closing it again would close the test's connection.
        b"".join(response.streaming_content)
    return response


def _send_rolled_back(
    client: Client, method: str, url: str, data: dict[str, Any]
) -> Any:
    try:
        with transaction.atomic():
            raise _Rollback(_send(client, method, url, data))
    except _Rollback as done:
        return done.args[0]


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_exactly_the_expected_outcome_everywhere(
    persona: str, world: World
) -> None:
    index = PERSONAS.index(persona)
    user = world.users[persona]
    # One client: building one loads the middleware (and WhiteNoise's file index).
    client = Client()
    mismatches = []
    for name, rule in EXPECTED.items():
        for method, outcomes in (("GET", rule.get), ("POST", rule.post)):
            if outcomes is None:
                continue
            expected = outcomes[index]
            url = _url(name, rule, world, persona)
            # A fresh session each time: hand-over and sign-out end the last one.
            client.cookies.clear()
            if user is not None:
                client.force_login(user)
            data = rule.data if method == "POST" else {}
            if expected == OK:
                got = _outcome(_send_rolled_back(client, method, url, data))
            else:
                before = _fingerprint()
                got = _outcome(_send(client, method, url, data))
                if _fingerprint() != before:
                    got += " and changed stored data"
            if got != expected:
                mismatches.append(f"{method} {url} ({name}): {got}, not {expected}")
    assert mismatches == [], "\n".join(mismatches)


def test_a_change_by_a_refused_request_would_be_caught(world: World) -> None:
    before = _fingerprint()
    assert _fingerprint() == before
    Invitation.objects.filter(pk=world.pks["invitation"]).update(revoked_at=now())
    assert _fingerprint() != before
