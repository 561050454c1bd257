"""`manage.py seed_demo`: a small, believable world to try Joined Forces in. Idempotent.

Each app that contributes to the demo has a `demo.py` with `seed() -> str`; they run in the
order of PROJECT_APPS, which is the order the apps depend on each other.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import EmailStatus, Notification


class Command(BaseCommand):
    help = "Create the demo world (idempotent: a second run changes nothing)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        parts = []
        for app in settings.PROJECT_APPS:
            module_name = f"{app}.demo"
            if find_spec(module_name) is not None:
                parts.append(import_module(module_name).seed())
        # Building the demo's history raises notifications; they show in the inbox, but no
        # one is e-mailed about events that only happened while seeding.
        Notification.objects.filter(email_status=EmailStatus.PENDING).update(
            email_status=EmailStatus.NOT_EMAILED
        )
        self.stdout.write(f"Demo world ready: {', '.join(parts)} (password from DEMO_PASSWORD).")
