"""Project-level app configuration: Django's admin with the two-factor site."""

from __future__ import annotations

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """``django.contrib.admin`` whose default site asks staff for a second factor."""

    default_site = "hikiscreen.admin.HikiScreenAdminSite"
