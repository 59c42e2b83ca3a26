"""What the hostile-input tests share: respondent links and checks of what is stored."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from questionnaires import scoring, selectors
from questionnaires.bank import flow
from questionnaires.bank.convert import version_definition
from questionnaires.models import Answer, Patient, Protocol, ScreeningPart
from questionnaires.scoring.engine import check_value
from questionnaires.services import invitations
from tests.factories import start_screening

#: (instrument code, item code) -> stored value
Stored = dict[tuple[str, str], Any]


def url(name: str, token: str, **kwargs: Any) -> str:
    return reverse(f"questionnaires:respond-{name}", kwargs={"token": token, **kwargs})


def link_part(
    *, patient: Patient, by: User, protocol: Protocol, mode: str = "link"
) -> tuple[ScreeningPart, str]:
    """A self-report part answered by invitation link, and the link's token."""
    screening = start_screening(
        patient=patient, by=by, parts=[("self", protocol, mode)]
    )
    part = screening.parts.get()
    return part, invitations.invitation_create(part=part, by=by).token


def family_check(client: Client) -> tuple[ScreeningPart, str]:
    """An anonymous family self-check started from /family/, and its token."""
    response = client.post(
        reverse("questionnaires:family-start"), {"age": "17", "agree": "on"}
    )
    assert response.status_code == 302
    token = response["Location"].split("/r/")[1].strip("/")
    return selectors.invitation_get_by_token(token).part, token


def pages(part: ScreeningPart) -> tuple[flow.Page, ...]:
    return flow.build_pages(selectors.part_state(part).definitions)


def field_name(page: flow.Page, item_code: str) -> str:
    return f"{page.instrument.code}-{item_code}"


def stored(part: ScreeningPart) -> Stored:
    """The part's saved answers as the database holds them."""
    return {
        (row.instrument_version.instrument.code, row.item_code): row.value
        for row in Answer.objects.filter(part=part).select_related(
            "instrument_version__instrument"
        )
    }


def invalid_answers() -> list[str]:
    """Every stored answer that its instrument version would not accept, explained.

    Each row is checked on its own (item known, value valid for the item and the
    screening's age, option code matching the value, version in the part's protocol)
    and each part's answers together by the scoring engine's own validation.
    """
    problems: list[str] = []
    by_part: dict[int, tuple[ScreeningPart, dict[str, Any], dict[str, Any]]] = {}
    in_protocol = set(
        ScreeningPart.objects.values_list("pk", "protocol__entries__instrument_version")
    )
    rows = Answer.objects.select_related(
        "part__screening", "instrument_version__instrument"
    )
    for row in rows:
        part = row.part
        definition = version_definition(row.instrument_version)
        entry = by_part.setdefault(part.pk, (part, {}, {}))
        entry[1][definition.code] = definition
        entry[2].setdefault(definition.code, {})[row.item_code] = row.value
        item = definition.index.items.get(row.item_code)
        label = f"{definition.code}.{row.item_code}={row.value!r}"
        if item is None:
            problems.append(f"{label}: unknown item")
            continue
        problem = check_value(item, row.value, part.screening.age)
        if problem is not None:
            problems.append(f"{label}: {problem}")
        if row.option_code != flow.option_code(item, row.value):
            problems.append(f"{label}: option code {row.option_code!r}")
        if (part.pk, row.instrument_version_id) not in in_protocol:
            problems.append(f"{label}: version not in the part's protocol")
    for part, definitions, answers in by_part.values():
        for error in scoring.validate(definitions, answers, part.screening.age):
            problems.append(f"part {part.pk}: {error}")
    return problems
