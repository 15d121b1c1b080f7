from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentChecksConfig(AppConfig):
    name = "cms.contentchecks"
    label = "contentchecks"
    verbose_name = _("Content checks")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # receivers connect once the app registry is ready
        from . import signal_handlers  # noqa: F401
