from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LessonsConfig(AppConfig):
    name = "lessons"
    verbose_name = _("Lessons learned")

    def ready(self) -> None:
        # Registers the grant rules, the reminders, the digest and My work.
        from lessons import permissions, reminders, work  # noqa: F401
