"""Communication items, their clearance, and perception readings (recommendation 9)."""

from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = "Public diplomacy"

    def ready(self) -> None:
        # Registers the grant rules and My work.
        from outreach import permissions, work  # noqa: F401
