from django.apps import AppConfig


class LessonsConfig(AppConfig):
    name = "lessons"
    verbose_name = "Lessons learned"

    def ready(self) -> None:
        # Registers the grant rules, the reminders, the digest and My work.
        from lessons import permissions, reminders, work  # noqa: F401
