from django.apps import AppConfig


class SecondmentsConfig(AppConfig):
    name = "secondments"
    verbose_name = "Secondments and posts"

    def ready(self) -> None:
        # Registers the secondment grant rules and the decisions waiting in My work.
        from secondments import permissions, work  # noqa: F401
