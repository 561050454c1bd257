"""Capability offers, plan requirements, pledges and the gap view (recommendation 7)."""

from django.apps import AppConfig


class CapabilitiesConfig(AppConfig):
    name = "capabilities"
    verbose_name = "Capabilities and requirements"

    def ready(self) -> None:
        # Registers the offer and pledge grant rules and the pledges waiting in My work.
        from capabilities import permissions, work  # noqa: F401
