from django.apps import AppConfig


class MissionsConfig(AppConfig):
    name = "missions"
    verbose_name = "Integrated plans"

    def ready(self) -> None:
        # Registers the plan grant rules and the plan reminders.
        from missions import permissions, reminders  # noqa: F401
