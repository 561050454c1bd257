from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        # Registers the report kinds and the reports waiting in my work.
        from reports import kinds, kinds_capabilities, kinds_funding, kinds_publication, work  # noqa: F401
