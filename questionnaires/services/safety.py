"""Closing the safety loop: alerting on an urgent screening, acknowledging it, and
escalating when nobody does (issue 17).

The ``SafetyAlert`` rows are the record of what must be sent; tasks only deliver
them. Every step is idempotent: the unique (screening, step) row is locked while it
is sent and stamped ``sent_at`` in the same transaction, so a task run twice, two
workers or two app servers send one e-mail per step.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from questionnaires import selectors
from questionnaires.models import (
    AlertSettings,
    Membership,
    Organisation,
    SafetyAcknowledgement,
    SafetyAlert,
    Screening,
)
from questionnaires.services.audit import audit_record

logger = logging.getLogger(__name__)

#: A step whose task has not sent it within this time is enqueued again by the sweep.
REENQUEUE_AFTER = datetime.timedelta(minutes=5)
#: How many days ahead an escalation looks for the clinic's next opening.
OPENING_SEARCH_DAYS = 14


def alert_settings_for(organisation: Organisation) -> AlertSettings:
    """The clinic's alert settings, or the defaults (unsaved) if none were set."""
    found = AlertSettings.objects.filter(organisation=organisation).first()
    return found or AlertSettings(organisation=organisation)


@transaction.atomic
def alert_settings_save(
    *, organisation: Organisation, values: dict[str, object], by: User
) -> AlertSettings:
    """Set the clinic's alert addresses, escalation delay and opening hours."""
    current, _created = AlertSettings.objects.select_for_update().get_or_create(
        organisation=organisation
    )
    for name, value in values.items():
        setattr(current, name, value)
    current.full_clean()
    current.save()
    audit_record(
        actor=by,
        action="alert_settings.change",
        target=current,
        organisation=organisation,
        details={"addresses": len(current.address_list)},
    )
    return current


def escalation_due(
    start: datetime.datetime, alert_settings: AlertSettings
) -> datetime.datetime:
    """When ``escalate_after`` minutes of the clinic's opening hours have passed.

    Time outside opening hours does not count: an urgent answer at 23:00 escalates
    ``escalate_after`` minutes after the next opening. A clinic with no open day
    escalates after plain minutes.
    """
    days = {int(d) for d in alert_settings.open_days if d.isdigit()}
    remaining = datetime.timedelta(minutes=alert_settings.escalate_after)
    if not days:
        return start + remaining
    local = timezone.localtime(start)
    tz = local.tzinfo
    moment = local
    for _day in range(OPENING_SEARCH_DAYS * 2):
        day = moment.date()
        opens = datetime.datetime.combine(day, alert_settings.opens_at, tzinfo=tz)
        closes = datetime.datetime.combine(day, alert_settings.closes_at, tzinfo=tz)
        if day.isoweekday() in days and moment < closes:
            moment = max(moment, opens)
            if moment + remaining <= closes:
                return moment + remaining
            remaining -= closes - moment
        next_day = day + datetime.timedelta(days=1)
        moment = datetime.datetime.combine(next_day, datetime.time(0), tzinfo=tz)
    return start + datetime.timedelta(minutes=alert_settings.escalate_after)


def urgent_alert_open(*, screening: Screening, now: datetime.datetime) -> None:
    """Create the alert and escalation steps of a screening that just became urgent.

    Called inside the transaction that marked it urgent; the alert is enqueued once
    that commits. An anonymous family self-check belongs to no clinic: nobody to
    alert (the respondent sees the crisis help on the page).
    """
    if screening.organisation_id is None:
        return
    alert_settings = alert_settings_for(screening.organisation)  # type: ignore[arg-type]
    SafetyAlert.objects.bulk_create(
        [
            SafetyAlert(
                screening=screening,
                step=SafetyAlert.Step.ALERT,
                due_at=now,
                enqueued_at=now,
            ),
            SafetyAlert(
                screening=screening,
                step=SafetyAlert.Step.ESCALATION,
                due_at=escalation_due(now, alert_settings),
                enqueued_at=now,
            ),
        ],
        ignore_conflicts=True,
    )
    steps = list(SafetyAlert.objects.filter(screening=screening))
    transaction.on_commit(lambda: _enqueue(steps))


def _enqueue(steps: list[SafetyAlert]) -> None:
    # tasks.py imports this module (each task calls one service): import it late.
    from questionnaires.tasks import send_safety_alert

    for step in steps:
        task = send_safety_alert
        if step.due_at > timezone.now():
            task = task.using(run_after=step.due_at)
        task.enqueue(alert_id=step.pk)


def safety_alert_send(*, alert_id: int, now: datetime.datetime | None = None) -> bool:
    """Send one alert step if it is due and still needed; True if a mail went out.

    Safe to run any number of times: the step row is locked, and a step already
    sent, cancelled or acknowledged sends nothing.
    """
    now = now or timezone.now()
    with transaction.atomic():
        alert = (
            SafetyAlert.objects.select_for_update(of=("self",))
            .select_related("screening__organisation", "screening__created_by")
            .filter(pk=alert_id)
            .first()
        )
        if alert is None or alert.sent_at or alert.cancelled_at:
            return False
        if alert.due_at > now:
            return False  # an early run (a sweep or a retry); the due task sends it
        screening = alert.screening
        acknowledged = SafetyAcknowledgement.objects.filter(
            screening=screening
        ).exists()
        if acknowledged:
            alert.cancelled_at = now
            alert.save(update_fields=["cancelled_at"])
            return False
        recipients = _recipients(alert)
        alert.attempts += 1
        if recipients:
            _message(alert, recipients).send(fail_silently=False)
        alert.sent_at = now
        alert.recipients = len(recipients)
        alert.save(update_fields=["attempts", "sent_at", "recipients"])
        audit_record(
            actor_label="system",
            action=f"screening.urgent_{alert.step}",
            target=screening,
            organisation=screening.organisation,
            details={"recipients": len(recipients)},
        )
    if not recipients:
        logger.warning("safety alert %s: the clinic has no alert address", alert.pk)
    return bool(recipients)


def _recipients(alert: SafetyAlert) -> list[str]:
    screening = alert.screening
    organisation = screening.organisation
    assert organisation is not None  # noqa: S101 (only clinic screenings get alerts)
    if alert.step == SafetyAlert.Step.ESCALATION:
        admins = (
            Membership.objects.filter(
                organisation=organisation,
                role=Membership.Role.ORG_ADMIN,
                user__is_active=True,
            )
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
        found = list(admins) or alert_settings_for(organisation).address_list
    else:
        found = alert_settings_for(organisation).address_list
        starter = screening.created_by
        if starter is not None and starter.is_active and starter.email:
            found.append(starter.email)
    return sorted({a.lower(): a for a in found}.values(), key=str.lower)


def _message(alert: SafetyAlert, recipients: list[str]) -> EmailMessage:
    """The alert: that a screening needs attention and a link, never its content."""
    screening = alert.screening
    context = {
        "clinic": screening.organisation,
        "link": settings.SITE_URL.rstrip("/")
        + reverse("questionnaires:screening-detail", args=[screening.pk]),
        "setting": selectors.urgent_setting(screening),
        "escalation": alert.step == SafetyAlert.Step.ESCALATION,
        "urgent_at": timezone.localtime(screening.urgent_at),
    }
    subject = render_to_string(
        "questionnaires/emails/urgent_alert_subject.txt", context
    )
    body = render_to_string("questionnaires/emails/urgent_alert_body.txt", context)
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
    )


@transaction.atomic
def urgent_acknowledge(
    *,
    screening: Screening,
    outcome: str,
    note: str,
    by: User,
    now: datetime.datetime | None = None,
) -> SafetyAcknowledgement:
    """Record that an urgent screening was acted on; stops any escalation not sent."""
    now = now or timezone.now()
    locked = Screening.objects.select_for_update().get(pk=screening.pk)
    if locked.urgent_at is None:
        raise ValueError("Only an urgent screening can be acknowledged.")
    if outcome not in SafetyAcknowledgement.Outcome.values:
        raise ValueError("Unknown outcome.")
    existing = SafetyAcknowledgement.objects.filter(screening=locked).first()
    if existing is not None:
        return existing  # a double submit keeps the first acknowledgement
    acknowledgement = SafetyAcknowledgement.objects.create(
        screening=locked, outcome=outcome, note=note.strip(), by=by, at=now
    )
    locked.safety_acknowledged_at = now
    locked.save(update_fields=["safety_acknowledged_at"])
    SafetyAlert.objects.filter(
        screening=locked, sent_at__isnull=True, cancelled_at__isnull=True
    ).update(cancelled_at=now)
    audit_record(
        actor=by,
        action="screening.urgent_acknowledge",
        target=locked,
        organisation=locked.organisation,
        details={"outcome": outcome},
    )
    return acknowledgement


def safety_alerts_sweep(*, now: datetime.datetime | None = None) -> int:
    """Enqueue again every due step whose task has not sent it (a lost task)."""
    now = now or timezone.now()
    with transaction.atomic():
        stale = list(
            SafetyAlert.objects.select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True, cancelled_at__isnull=True, due_at__lte=now)
            .filter(enqueued_at__lt=now - REENQUEUE_AFTER)
        )
        for step in stale:
            step.enqueued_at = now
        SafetyAlert.objects.bulk_update(stale, ["enqueued_at"])
        transaction.on_commit(lambda: _enqueue(stale))
    return len(stale)
