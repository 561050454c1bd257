"""Communication items, their clearance, and perception readings (recommendation 9)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = _("Public diplomacy")

    def ready(self) -> None:
        # Registers the grant rules and My work.
        from outreach import permissions, work  # noqa: F401
