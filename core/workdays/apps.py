from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "core.workdays"
    label = "workdays"
    verbose_name = _("Working-day calendar")
    default_auto_field = "django.db.models.BigAutoField"
