"""Password reset by e-mail: asked for on the page, sent by a background task.

The reset page answers the same, at once, whether or not an account has the
address: it only enqueues a task per matching account (after the request's
transaction commits), and the task renders the link and talks to the mail server.
So the response time no longer depends on whether an e-mail is sent, a slow or dead
mail server never holds (or fails) the request, and the link itself is made in the
worker, never stored in the task queue.
"""

from __future__ import annotations

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

SUBJECT_TEMPLATE = "registration/password_reset_subject.txt"
EMAIL_TEMPLATE = "registration/password_reset_email.html"


def password_reset_request(*, users: list[User], domain: str, use_https: bool) -> None:
    """Enqueue one reset e-mail per account, once the transaction commits."""
    from questionnaires.tasks import send_password_reset

    for user in users:
        transaction.on_commit(
            functools.partial(
                send_password_reset.enqueue,
                user_id=user.pk,
                domain=domain,
                use_https=use_https,
            )
        )


def password_reset_send(*, user_id: int, domain: str, use_https: bool) -> bool:
    """Render and send the reset e-mail of one account (in the task worker).

    False, sending nothing, when the account has gone, was deactivated or has no
    usable password since the request.
    """
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email or not user.has_usable_password():
        return False
    context = {
        "email": user.email,
        "domain": domain,
        "site_name": domain,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": "https" if use_https else "http",
    }
    # Sent here rather than by PasswordResetForm.send_mail, which logs and swallows
    # a mail-server error: the task must fail, so the queue shows it (and retries).
    subject = "".join(render_to_string(SUBJECT_TEMPLATE, context).splitlines())
    body = render_to_string(EMAIL_TEMPLATE, context)
    EmailMessage(subject, body, None, [user.email]).send()
    return True
