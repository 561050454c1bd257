from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyConfig(AppConfig):
    name = "strategy"
    verbose_name = _("Shared strategies")

    def ready(self) -> None:
        # Registers the grant rules, the endorsement reminder and the work waiting in strategies.
        from strategy import permissions, reminders, work  # noqa: F401
