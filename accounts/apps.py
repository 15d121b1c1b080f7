from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Public accounts shared by every hosted site and single sign-on across hosts
    (统一身份认证)."""

    name = "accounts"
    label = "accounts"
    verbose_name = _("Public accounts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signal_handlers  # connects receivers

        signal_handlers.connect()
