from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from accounts.grants import grants_rebuild, registered_models


class Command(BaseCommand):
    help = "Recompute every object's guardian grants from the domain rules (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("models", nargs="*", help="app_label.Model to limit the rebuild to")

    def handle(self, *args: Any, models: list[str], **options: Any) -> None:
        chosen = None
        if models:
            try:
                chosen = [apps.get_model(label) for label in models]
            except (LookupError, ValueError) as error:
                raise CommandError(str(error)) from error
            unknown = [m for m in chosen if m not in registered_models()]
            if unknown:
                raise CommandError(f"No grant rules registered for {unknown}")
        change = grants_rebuild(chosen)
        self.stdout.write(f"Grants rebuilt: {change.added} added, {change.removed} removed.")
