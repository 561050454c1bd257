from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and organisations")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        # Registers the organisation's grant rules.
        from accounts import permissions  # noqa: F401
        from accounts.middleware import session_clocks_start

        # Each sign-in starts its session's idle and absolute clocks (accounts/middleware.py).
        user_logged_in.connect(session_clocks_start, dispatch_uid="accounts.session_clocks")
        from accounts.inputs import plain_text_everywhere

        # Every app's models are loaded by now: their text fields refuse control characters.
        plain_text_everywhere()
