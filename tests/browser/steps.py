"""What a person does in the browser, as small steps the journey tests share.

Every step that lands on a new page runs ``visitor.check`` on it, so axe-core sees
every page a journey visits and a screenshot of it lands in out/screenshots/.
Selectors are labels, roles and ids, never layout.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User

from questionnaires.models import Patient, Protocol, ScreeningPart
from questionnaires.services import invitations
from questionnaires.services import screenings as screening_services
from tests.conftest import PASSWORD
from tests.factories import start_screening

Answers = Mapping[str, Mapping[str, int | float | str]]

# The self-report (brief): withdrawal, PHQ-9, GAD-7 and ASQ. No urgent answer.
SELF_ANSWERS: Answers = {
    "withdrawal": {
        "months_withdrawn": 8,
        "days_out_per_week": 1,
        "rarely_leaves_room": 0,
        "outings_with_people": 0,
        "onset_age": 16,
        "impair_school_work": 7,
        "impair_home": 5,
        "impair_relationships": 6,
        "distressed": 1,
        "education_work": 0,
        "school_refusal": 1,
        "sleep_time": "03:30",
        "wake_time": "13:00",
        "online_hours": 7.5,
        "online_costs": 1,
        "wants_help": 1,
    },
    "phq9": {**{f"phq9_{n}": 1 for n in range(1, 9)}, "phq9_9": 0, "phq9_10": 1},
    "gad7": {f"gad7_{n}": 1 for n in range(1, 8)},
    "asq": {f"asq_{n}": 0 for n in range(1, 5)},
}

# The family version, about a young person who stays at home. No urgent answer.
FAMILY_ANSWERS: Answers = {
    "withdrawal_family": {
        "fam_relationship": 0,
        "fam_contact": 3,
        "fam_distress": 1,
        "months_withdrawn": 10,
        "days_out_per_week": 0,
        "rarely_leaves_room": 1,
        "outings_with_people": 0,
        "onset_age": 15,
        "impair_school_work": 8,
        "impair_home": 6,
        "impair_relationships": 7,
        "distressed": 1,
        "education_work": 0,
        "school_refusal": 1,
        "sleep_time": "04:00",
        "wake_time": "14:30",
        "online_hours": 9,
        "online_costs": 1,
        "fam_self_harm_talk": 0,
        "fam_safety_now": 0,
        "fam_conflict": 1,
        "wants_help": 2,
    }
}


def invite(
    patient: Patient,
    clinician: User,
    *,
    protocol: str = "self_report_brief",
    answered: Answers | None = None,
    resume_at: int | None = None,
) -> tuple[ScreeningPart, str]:
    """A screening whose one part is answered by link; the part and the raw token.

    ``answered`` are saved as if the respondent had answered them earlier, and
    ``resume_at`` is the page they would come back to.
    """
    role = "informant" if protocol.startswith("family") else "self"
    screening = start_screening(
        patient=patient,
        by=clinician,
        parts=[(role, Protocol.objects.get(code=protocol), "link")],
    )
    part = screening.parts.get()
    token = invitations.invitation_create(part=part, by=clinician).token
    if answered:
        screening_services.answers_save(part=part, answers=answered, page=resume_at)
    return part, token


def sign_in(visitor: Any, user: User, *, label: str = "sign-in") -> None:
    """Sign in from the login page, as the clinician types it."""
    page = visitor.page
    visitor.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/clinic/")
    visitor.check(label)


def fill(page: Any, answers: Answers) -> list[str]:
    """Answer the questions of ``answers`` that this page shows; their codes.

    An answer can show a further question (branching), so the page is read again
    until nothing new appears.
    """
    answered: list[str] = []
    while True:
        shown = set(page.evaluate(SHOWN_FIELDS))
        todo = [
            (f"{instrument}-{code}", code, value)
            for instrument, values in answers.items()
            for code, value in values.items()
            if f"{instrument}-{code}" in shown and code not in answered
        ]
        if not todo:
            return answered
        for name, code, value in todo:
            inputs = page.locator(f'[name="{name}"]')
            if inputs.first.get_attribute("type") == "radio":
                page.locator(f'[name="{name}"][value="{value}"]').check()
            else:
                inputs.fill(str(value))
            answered.append(code)


# The names of the questionnaire's fields a person can see (not hidden by branching).
SHOWN_FIELDS = """() => Array.from(
  document.querySelectorAll("#questionnaire-form [name]"),
).filter((e) => e.type !== "hidden" && e.getClientRects().length).map((e) => e.name)"""


def open_link(visitor: Any, path: str, label: str) -> Any:
    """Open a link that carries a secret token; the screenshot is named ``label``."""
    response = visitor.page.goto(visitor.base_url + path)
    visitor.check(label)
    return response


def next_page(visitor: Any, label: str) -> None:
    """Press Next (or Review answers) and check the page it leads to."""
    page = visitor.page
    page.locator("#next-button").click()
    page.wait_for_url(re.compile(r"/(page/\d+|review)/$"))
    visitor.check(label)


def page_number(page: Any) -> tuple[int, int]:
    """``(current, total)`` from the progress indicator."""
    text = page.locator("#progress-label").inner_text()
    found = re.search(r"(\d+) of (\d+)", text)
    assert found, text
    return int(found[1]), int(found[2])


def answer_until_review(visitor: Any, answers: Answers, *, label: str) -> list[str]:
    """Answer every page up to the review page; the headings of the pages seen."""
    page = visitor.page
    headings = []
    while "/review/" not in page.url:
        current, total = page_number(page)
        assert page.locator("progress").get_attribute("value") == str(current)
        headings.append(page.locator("h1").inner_text())
        fill(page, answers)
        next_page(visitor, f"{label}-{current + 1 if current < total else 'review'}")
    return headings


def submit_review(visitor: Any, *, label: str) -> None:
    """Send the answers from the review page."""
    page = visitor.page
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_url("**/done/")
    visitor.check(label)


def no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport, f"{page.url}: {width}px wide in a {viewport}px viewport"
