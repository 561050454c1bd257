from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecondmentsConfig(AppConfig):
    name = "secondments"
    verbose_name = _("Secondments and posts")

    def ready(self) -> None:
        # Registers the grant rules, the notices ahead of the dates and My work.
        from secondments import permissions, reminders, work  # noqa: F401
