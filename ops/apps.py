from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Running the platform: health checks, middleware, the embedded database, the
    task worker, backups and the commands that start them."""

    name = "ops"
    label = "ops"
    verbose_name = _("Operations")
