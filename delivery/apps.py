from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "delivery"
    label = "delivery"
    verbose_name = _("Page delivery")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # receivers connect once the app registry is ready
        from . import signal_handlers  # noqa: F401  (connects the receivers)
