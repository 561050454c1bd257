"""`manage.py seed_demo`: a small, believable world to try Joined Forces in. Idempotent.

Each app that contributes to the demo has a `demo.py` with `seed() -> str`; they run in the
order of PROJECT_APPS, which is the order the apps depend on each other.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import EmailStatus, Notification

# In the embedded default (`make run`: no broker) tasks run in-process as they are queued, and
# Celery logs each one: seeding queues an e-mail task per notification the demo's history
# raises, each of which finds nothing to send. Kombu warns that the in-memory broker has no
# host. Neither tells the person starting the demo anything; failures still show.
QUIET_WHILE_SEEDING = {"celery.app.trace": logging.WARNING, "kombu.connection": logging.ERROR}


@contextmanager
def _quiet_task_logs() -> Iterator[None]:
    loggers = {logging.getLogger(name): level for name, level in QUIET_WHILE_SEEDING.items()}
    before = {logger: logger.level for logger in loggers}
    for logger, level in loggers.items():
        logger.setLevel(level)
    try:
        yield
    finally:
        for logger, level in before.items():
            logger.setLevel(level)


class Command(BaseCommand):
    help = "Create the demo world (idempotent: a second run changes nothing)."

    def handle(self, *args: Any, **options: Any) -> None:
        with _quiet_task_logs(), transaction.atomic():
            parts = []
            for app in settings.PROJECT_APPS:
                module_name = f"{app}.demo"
                if find_spec(module_name) is not None:
                    parts.append(import_module(module_name).seed())
            # Building the demo's history raises notifications; they show in the inbox, but
            # no one is e-mailed about events that only happened while seeding.
            raised = Notification.objects.filter(email_status=EmailStatus.PENDING).update(
                email_status=EmailStatus.NOT_EMAILED
            )
        self.stdout.write(f"Demo world ready: {', '.join(parts)} (password from DEMO_PASSWORD).")
        if raised:
            self.stdout.write(
                f"{raised} notification{'s' if raised != 1 else ''} from building it wait in "
                "the inboxes; no one was e-mailed."
            )
