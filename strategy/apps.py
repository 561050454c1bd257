from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "strategy"
    verbose_name = "Shared strategies"

    def ready(self) -> None:
        # Registers the strategy grant rules and the endorsement reminder.
        from strategy import permissions, reminders  # noqa: F401
