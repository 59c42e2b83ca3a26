"""Background tasks (Django's Tasks API through the django-tasks backport).

Each task is thin: it calls one service. Tasks are enqueued with
``transaction.on_commit`` by the service whose change causes them, so a rolled-back
change never sends anything, and run by ``manage.py db_worker`` beside the app servers.
"""

from __future__ import annotations

from django_tasks import task

from questionnaires.services import accounts


@task()
def send_password_reset(*, user_id: int, domain: str, use_https: bool) -> bool:
    """Send one password-reset e-mail (services.accounts.password_reset_send)."""
    return accounts.password_reset_send(
        user_id=user_id, domain=domain, use_https=use_https
    )
