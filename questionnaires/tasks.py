"""Background tasks (Django's Tasks API through the django-tasks backport).

Each task is thin: it calls one service. Tasks are enqueued with
``transaction.on_commit`` by the service whose change causes them, so a rolled-back
change never sends anything, and run by ``manage.py db_worker`` beside the app servers.
"""

from __future__ import annotations
