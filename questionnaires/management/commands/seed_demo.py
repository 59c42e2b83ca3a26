"""Create the demo organisation, accounts and patients (idempotent) and print how to
sign in."""

from __future__ import annotations

import os
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.urls import reverse

from questionnaires.models import AlertSettings, Membership, Organisation
from questionnaires.services import demo

DEFAULT_PASSWORD = "hikiscreen-demo"  # noqa: S105  (a published demo password)
DEMO_ALERT_ADDRESS = "duty@demo-clinic.example"


class Command(BaseCommand):
    help = (
        'Create the demo organisation "Demo Clinic", the staff user "admin" and the '
        'clinician "clinician" (password from DEMO_PASSWORD), and demo patients '
        "DEMO-001 to DEMO-005 with screenings. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-patients",
            action="store_true",
            help="Only the organisation and the accounts, no demo patients.",
        )
        parser.add_argument(
            "--new-link",
            action="store_true",
            help=f"Print a fresh respondent link for {demo.OPEN_LINK_PATIENT}'s open "
            "screening (the earlier link stops working).",
        )
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="Where the site is served, for the printed link (%(default)s).",
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
            changed = not (admin.is_staff and admin.is_superuser)
            admin.is_staff = admin.is_superuser = True
            if _password_set(admin, password) or changed:
                admin.save()
            clinician, _ = users.objects.get_or_create(
                username="clinician", defaults={"email": "clinician@example.org"}
            )
            if _password_set(clinician, password):
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
            # Urgent alerts go here (and to the starting clinician); with the
            # development e-mail backend `make run`'s worker prints them.
            AlertSettings.objects.get_or_create(
                organisation=clinic, defaults={"addresses": DEMO_ALERT_ADDRESS}
            )
        self.stdout.write(
            "Demo accounts (organisation: Demo Clinic):\n"
            f"  admin      / {password}   (staff: question bank, organisations)\n"
            f"  clinician  / {password}   (clinician at Demo Clinic)\n"
            f"Urgent alerts of Demo Clinic go to {DEMO_ALERT_ADDRESS} (shown in the "
            "console of `make run`)."
        )
        if not options["no_patients"]:
            self._patients(clinic, clinician, options)

    def _patients(self, clinic: Organisation, by: Any, options: Any) -> None:
        seed = demo.demo_patients_seed(organisation=clinic, by=by)
        if seed.missing_protocols:
            self.stdout.write(
                "Demo patients skipped: run `manage.py load_instruments` first "
                f"(needs the published protocols {', '.join(seed.missing_protocols)})."
            )
            return
        token = seed.token
        if options["new_link"] and not token:
            token = demo.demo_link_renew(organisation=clinic, by=by)
        if seed.created:
            self.stdout.write(
                f"Demo patients created: {', '.join(seed.created)} "
                f"({seed.submitted} submitted screenings"
                f"{', one open with a link' if seed.token else ''})."
            )
        elif token:
            self.stdout.write(
                f"Demo patients {', '.join(seed.existing)} already exist: a new "
                "link replaces the open screening's earlier one."
            )
        elif options["new_link"]:
            self.stdout.write(
                f"{demo.OPEN_LINK_PATIENT} has no open screening any more: start one "
                "on its patient page to get a new link."
            )
        else:
            self.stdout.write(
                f"Demo patients {', '.join(seed.existing)} already exist: nothing "
                "changed (--new-link prints a fresh respondent link)."
            )
        if token:
            path = reverse("questionnaires:respond-start", kwargs={"token": token})
            self.stdout.write(
                f"Try the respondent pages ({demo.OPEN_LINK_PATIENT}'s self-report): "
                f"{options['base_url'].rstrip('/')}{path}"
            )


def _password_set(user: Any, password: str) -> bool:
    """Set ``password`` unless it is already the user's; whether it changed."""
    if user.has_usable_password() and user.check_password(password):
        return False
    user.set_password(password)
    return True
