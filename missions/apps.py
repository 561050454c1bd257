from django.apps import AppConfig


class MissionsConfig(AppConfig):
    name = "missions"
    verbose_name = "Integrated plans"

    def ready(self) -> None:
        # Registers the plan grant rules, the plan reminders and the work waiting in plans.
        from missions import permissions, reminders, work  # noqa: F401
