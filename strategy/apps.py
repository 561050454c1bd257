from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "strategy"
    verbose_name = "Shared strategies"

    def ready(self) -> None:
        # Registers the grant rules, the endorsement reminder and the work waiting in strategies.
        from strategy import permissions, reminders, work  # noqa: F401
