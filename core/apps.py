from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Platform services several packages use: sequences, upload checks, plain
    text, the log privacy filter (the working-day calendar is its own app)."""

    name = "core"
    label = "core"
    verbose_name = _("Platform services")
