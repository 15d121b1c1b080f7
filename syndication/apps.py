from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SyndicationConfig(AppConfig):
    name = "syndication"
    label = "syndication"
    verbose_name = _("Syndication")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # receivers connect once the app registry is ready
        from cms import listings

        from . import signal_handlers  # noqa: F401  (connects the receivers)
        from .listings import live_in_columns, live_in_groups

        # Taken items show in their target columns' lists and feeds, and in the
        # home page's column blocks (cms lists them through this provider; it
        # cannot import syndication).
        listings.column_items_provider_register(live_in_columns, tops=live_in_groups)
