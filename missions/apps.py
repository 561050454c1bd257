from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MissionsConfig(AppConfig):
    name = "missions"
    verbose_name = _("Integrated plans")

    def ready(self) -> None:
        # Registers the plan grant rules, the plan reminders and the work waiting in plans.
        from missions import permissions, reminders, work  # noqa: F401
