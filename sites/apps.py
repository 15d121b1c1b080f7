from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SitesConfig(AppConfig):
    name = "sites"
    label = "govsites"
    verbose_name = _("Government sites")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import admin_scoping, routing, signal_handlers  # noqa: F401

        routing.install_wagtail_overrides()
        # Django's host check accepts exactly the hosts the registry matched.
        from django.conf import settings

        if not isinstance(settings.ALLOWED_HOSTS, routing.RegistryAllowedHosts):
            settings.ALLOWED_HOSTS = routing.RegistryAllowedHosts(
                settings.ALLOWED_HOSTS
            )
        admin_scoping.scope_explorer_filters()
        admin_scoping.scope_report_filters()
