"""Create the demo organisation and accounts (idempotent) and print how to sign in."""

from __future__ import annotations

import os
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from questionnaires.models import Membership, Organisation

DEFAULT_PASSWORD = "hikiscreen-demo"  # noqa: S105  (a published demo password)


class Command(BaseCommand):
    help = (
        'Create the demo organisation "Demo Clinic", the staff user "admin" and the '
        'clinician "clinician" (password from DEMO_PASSWORD). Safe to run again.'
    )

    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        with transaction.atomic():
            clinic, _ = Organisation.objects.get_or_create(
                slug="demo-clinic", defaults={"name": "Demo Clinic"}
            )
            users = get_user_model()
            admin, _ = users.objects.get_or_create(
                username="admin", defaults={"email": "admin@example.org"}
            )
            admin.is_staff = True
            admin.is_superuser = True
            admin.set_password(password)
            admin.save()
            clinician, _ = users.objects.get_or_create(
                username="clinician", defaults={"email": "clinician@example.org"}
            )
            clinician.set_password(password)
            clinician.save()
            Membership.objects.update_or_create(
                user=admin,
                organisation=clinic,
                defaults={"role": Membership.Role.ORG_ADMIN},
            )
            Membership.objects.update_or_create(
                user=clinician,
                organisation=clinic,
                defaults={"role": Membership.Role.CLINICIAN},
            )
        self.stdout.write(
            "Demo accounts (organisation: Demo Clinic):\n"
            f"  admin      / {password}   (staff: question bank, organisations)\n"
            f"  clinician  / {password}   (clinician at Demo Clinic)"
        )
