"""Funding instruments, allocations, disbursement requests, the IATI export (recommendation 3)."""

from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = "Flexible funding"

    def ready(self) -> None:
        # Registers the grant rules and My work.
        from funding import permissions, work  # noqa: F401
