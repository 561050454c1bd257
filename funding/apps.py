"""Funding instruments, allocations, disbursement requests, the IATI export (recommendation 3)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = _("Flexible funding")

    def ready(self) -> None:
        # Registers the grant rules and My work.
        from funding import permissions, work  # noqa: F401
