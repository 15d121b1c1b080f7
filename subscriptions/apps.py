from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    label = "subscriptions"
    verbose_name = _("Subscriptions and notifications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # receivers connect once the app registry is ready
        from . import signal_handlers  # noqa: F401  (connects the receivers)
