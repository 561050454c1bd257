"""Capability offers, plan requirements, pledges and the gap view (recommendation 7)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CapabilitiesConfig(AppConfig):
    name = "capabilities"
    verbose_name = _("Capabilities and requirements")

    def ready(self) -> None:
        # Registers the offer and pledge grant rules and the pledges waiting in My work.
        from capabilities import permissions, work  # noqa: F401
