"""Closing the safety loop: an urgent answer alerts, acknowledgement stops the
escalation, an unacknowledged one escalates in opening hours, and a lost task runs
again without a second e-mail (issue 17). Meant for PostgreSQL
(DATABASE_URL=postgres://…/hs_i17); they pass on SQLite too."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from questionnaires.models import (
    AlertSettings,
    AuditEvent,
    Organisation,
    SafetyAlert,
    Screening,
)
from questionnaires.services import safety
from questionnaires.services import screenings as services
from tests.factories import SELF, start_screening

TOKYO = ZoneInfo("Asia/Tokyo")
# A Monday in clinic hours (09:00-18:00, Monday to Friday by default).
MONDAY_10 = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=TOKYO)


@pytest.fixture(autouse=True)
def _clinic_time(settings: Any) -> None:
    settings.TIME_ZONE = "Asia/Tokyo"
    settings.SITE_URL = "https://hiki.example.org"


@pytest.fixture
def alert_addresses(clinic_a: Organisation) -> AlertSettings:
    return AlertSettings.objects.create(
        organisation=clinic_a, addresses="duty@clinic-a.example\nnurse@clinic-a.example"
    )


def _urgent_screening(
    patient: Any, clinician: User, protocols: Any, *, mode: str = "link"
) -> Screening:
    screening = start_screening(
        patient=patient, by=clinician, parts=[("self", protocols[SELF], mode)]
    )
    part = screening.parts.get()
    services.answers_save(part=part, answers={"phq9": {"phq9_9": 2}})
    screening.refresh_from_db()
    return screening


def _work() -> None:
    """One worker round: the sweep, then every task that is due."""
    call_command("run_tasks", once=True, sweep_every=0, verbosity=0)


def _alert_tasks() -> Any:
    return DBTaskResult.objects.filter(task_path__endswith="send_safety_alert")


@pytest.mark.django_db(transaction=True)
def test_urgent_answer_enqueues_one_alert_and_sends_one_mail_without_answers(
    patient: Any,
    clinician: User,
    protocols: Any,
    alert_addresses: AlertSettings,
) -> None:
    with time_machine.travel(MONDAY_10, tick=False):
        screening = _urgent_screening(patient, clinician, protocols)
        ready_now = _alert_tasks().ready()
        assert ready_now.count() == 1  # the escalation waits for its time
        _work()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == [
        "alice@example.org",
        "duty@clinic-a.example",
        "nurse@clinic-a.example",
    ]
    text = f"{message.subject} {message.body}"
    assert f"https://hiki.example.org/screenings/{screening.pk}/" in text
    assert "contact the person today" in text
    for revealing in ("PHQ", "phq9", "suicid", "score", "Several days", "A-001"):
        assert revealing not in text.replace("answers, flags or scores", "")
    alert = SafetyAlert.objects.get(screening=screening, step="alert")
    assert alert.sent_at is not None and alert.recipients == 3


@pytest.mark.django_db(transaction=True)
def test_answering_urgent_again_or_on_a_second_save_sends_no_second_alert(
    patient: Any, clinician: User, protocols: Any, alert_addresses: AlertSettings
) -> None:
    with time_machine.travel(MONDAY_10, tick=False):
        screening = _urgent_screening(patient, clinician, protocols)
        part = screening.parts.get()
        services.answers_save(part=part, answers={"asq": {"asq_1": 1}})
        services.part_submit(part=part)
        _work()
        _work()
    assert SafetyAlert.objects.filter(screening=screening).count() == 2
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_acknowledging_stops_the_escalation(
    patient: Any,
    clinician: User,
    org_admin: User,
    protocols: Any,
    alert_addresses: AlertSettings,
) -> None:
    with time_machine.travel(MONDAY_10, tick=False):
        screening = _urgent_screening(patient, clinician, protocols)
        _work()
    with time_machine.travel(MONDAY_10 + datetime.timedelta(minutes=20), tick=False):
        safety.urgent_acknowledge(
            screening=screening, outcome="assessed", note="Seen, safe", by=clinician
        )
    with time_machine.travel(MONDAY_10 + datetime.timedelta(hours=3), tick=False):
        _work()
    assert len(mail.outbox) == 1  # the first alert only
    screening.refresh_from_db()  # kept on the screening for the urgent queue's index
    assert screening.safety_acknowledged_at == MONDAY_10 + datetime.timedelta(
        minutes=20
    )
    escalation = SafetyAlert.objects.get(screening=screening, step="escalation")
    assert escalation.sent_at is None and escalation.cancelled_at is not None
    event = AuditEvent.objects.get(action="screening.urgent_acknowledge")
    assert event.actor == clinician and event.details == {"outcome": "assessed"}


@pytest.mark.django_db(transaction=True)
def test_without_acknowledgement_org_admins_get_the_escalation_after_60_minutes(
    patient: Any,
    clinician: User,
    org_admin: User,
    protocols: Any,
    alert_addresses: AlertSettings,
) -> None:
    with time_machine.travel(MONDAY_10, tick=False):
        screening = _urgent_screening(patient, clinician, protocols)
        _work()
    with time_machine.travel(MONDAY_10 + datetime.timedelta(minutes=59), tick=False):
        _work()
    assert len(mail.outbox) == 1
    with time_machine.travel(MONDAY_10 + datetime.timedelta(minutes=60), tick=False):
        _work()
    assert len(mail.outbox) == 2
    escalation = mail.outbox[1]
    assert escalation.to == ["olga@example.org"]
    assert "Not yet acknowledged" in escalation.subject
    assert AuditEvent.objects.filter(
        action="screening.urgent_escalation", target_id=str(screening.pk)
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_urgent_after_hours_escalates_an_hour_after_the_next_opening(
    patient: Any,
    clinician: User,
    org_admin: User,
    protocols: Any,
    alert_addresses: AlertSettings,
) -> None:
    friday_night = datetime.datetime(2026, 3, 6, 22, 30, tzinfo=TOKYO)
    with time_machine.travel(friday_night, tick=False):
        screening = _urgent_screening(patient, clinician, protocols)
        _work()
    escalation = SafetyAlert.objects.get(screening=screening, step="escalation")
    assert timezone.localtime(escalation.due_at, TOKYO) == datetime.datetime(
        2026, 3, 9, 10, 0, tzinfo=TOKYO
    )
    with time_machine.travel(datetime.datetime(2026, 3, 9, 9, 59, tzinfo=TOKYO)):
        _work()
    assert len(mail.outbox) == 1
    with time_machine.travel(datetime.datetime(2026, 3, 9, 10, 0, tzinfo=TOKYO)):
        _work()
    assert len(mail.outbox) == 2


def test_escalation_counts_only_opening_hours() -> None:
    hours = AlertSettings(
        escalate_after=60,
        opens_at=datetime.time(9),
        closes_at=datetime.time(18),
        open_days="12345",
    )
    with timezone.override(TOKYO):
        late_monday = datetime.datetime(2026, 3, 2, 17, 30, tzinfo=TOKYO)
        assert safety.escalation_due(late_monday, hours) == datetime.datetime(
            2026, 3, 3, 9, 30, tzinfo=TOKYO
        )
        early = datetime.datetime(2026, 3, 2, 7, 0, tzinfo=TOKYO)
        assert safety.escalation_due(early, hours) == datetime.datetime(
            2026, 3, 2, 10, 0, tzinfo=TOKYO
        )


@pytest.mark.django_db(transaction=True)
def test_a_task_left_running_by_a_dead_worker_runs_again_and_mails_once(
    patient: Any, clinician: User, protocols: Any, alert_addresses: AlertSettings
) -> None:
    with time_machine.travel(MONDAY_10, tick=False):
        _urgent_screening(patient, clinician, protocols)
        # A worker claims the alert task and dies before sending anything.
        claimed = _alert_tasks().ready().get()
        claimed.claim("dead-worker")
        _work()
        assert mail.outbox == []  # still RUNNING: not taken for lost yet
    with time_machine.travel(MONDAY_10 + datetime.timedelta(minutes=11), tick=False):
        _work()
        _work()
    assert len(mail.outbox) == 1
    claimed.refresh_from_db()
    assert claimed.status == TaskResultStatus.SUCCESSFUL
    assert claimed.worker_ids[0] == "dead-worker" and len(claimed.worker_ids) == 2


@pytest.mark.django_db(transaction=True)
def test_running_the_same_alert_twice_sends_one_mail(
    patient: Any, clinician: User, protocols: Any, alert_addresses: AlertSettings
) -> None:
    with time_machine.travel(MONDAY_10, tick=False):
        screening = _urgent_screening(patient, clinician, protocols)
        alert = SafetyAlert.objects.get(screening=screening, step="alert")
        assert safety.safety_alert_send(alert_id=alert.pk) is True
        assert safety.safety_alert_send(alert_id=alert.pk) is False
        _work()  # the enqueued task finds it sent
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_mail_server_down_retries_with_back_off_and_loses_nothing(
    patient: Any,
    clinician: User,
    protocols: Any,
    alert_addresses: AlertSettings,
    settings: Any,
) -> None:
    settings.EMAIL_BACKEND = "tests.services.test_safety_loop.DownBackend"
    with time_machine.travel(MONDAY_10, tick=False):
        screening = _urgent_screening(patient, clinician, protocols)
        _work()
        failed = _alert_tasks().filter(status=TaskResultStatus.FAILED)
        assert failed.count() == 1
        retry = (
            _alert_tasks()
            .filter(status=TaskResultStatus.READY)
            .exclude(run_after__gte=MONDAY_10 + datetime.timedelta(minutes=30))
        )
        assert retry.get().run_after == MONDAY_10 + datetime.timedelta(seconds=30)
    assert Screening.objects.get(pk=screening.pk).is_urgent  # still in the queue
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(MONDAY_10 + datetime.timedelta(seconds=31), tick=False):
        _work()
    assert len(mail.outbox) == 1


class DownBackend:
    """An e-mail backend whose server is unreachable."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: Any) -> int:
        raise ConnectionRefusedError("mail server down")
