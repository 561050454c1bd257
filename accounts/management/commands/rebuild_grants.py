from __future__ import annotations

import time
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Model

from accounts.grants import NO_CHANGE, GrantChange, grants_rebuild, registered_models


class Command(BaseCommand):
    help = (
        "Recompute every object's guardian grants from the domain rules (idempotent), a chunk "
        "of objects at a time, and say how fast each model went (-v 2: after each chunk)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("models", nargs="*", help="app_label.Model to limit the rebuild to")

    def handle(self, *args: Any, models: list[str], verbosity: int, **options: Any) -> None:
        chosen = registered_models()
        if models:
            try:
                chosen = [apps.get_model(label) for label in models]
            except (LookupError, ValueError) as error:
                raise CommandError(str(error)) from error
            unknown = [m for m in chosen if m not in registered_models()]
            if unknown:
                raise CommandError(f"No grant rules registered for {unknown}")

        objects_done: dict[type[Model], int] = {}

        def chunk_done(model: type[Model], objects: int, change: GrantChange) -> None:
            objects_done[model] = objects
            if verbosity >= 2:
                self.stdout.write(
                    f"  {model._meta.label}: {objects:,} objects, "
                    f"{change.added:,} added, {change.removed:,} removed"
                )

        total = NO_CHANGE
        for model in chosen:
            started = time.monotonic()
            change = grants_rebuild([model], progress=chunk_done)
            seconds = time.monotonic() - started
            total += change
            objects = objects_done.get(model, 0)
            if verbosity >= 1:
                self.stdout.write(
                    f"{model._meta.label}: {objects:,} objects in {seconds:.1f} s "
                    f"({objects / seconds:,.0f} objects/s), "
                    f"{change.added:,} added, {change.removed:,} removed."
                )
        self.stdout.write(f"Grants rebuilt: {total.added} added, {total.removed} removed.")
