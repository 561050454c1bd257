from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and organisations"

    def ready(self) -> None:
        # Registers the organisation's grant rules.
        from accounts import permissions  # noqa: F401
