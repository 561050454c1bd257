from django.apps import AppConfig


class SecondmentsConfig(AppConfig):
    name = "secondments"
    verbose_name = "Secondments and posts"

    def ready(self) -> None:
        # Registers the grant rules, the notices ahead of the dates and My work.
        from secondments import permissions, reminders, work  # noqa: F401
