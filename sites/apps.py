from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SitesConfig(AppConfig):
    name = "sites"
    label = "govsites"
    verbose_name = _("Government sites")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Importing Wagtail's admin views and our models: not before the registry.
        from . import overrides, signal_handlers  # noqa: F401

        overrides.install()
