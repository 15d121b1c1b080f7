from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentImportsConfig(AppConfig):
    name = "cms.imports"
    label = "contentimports"
    verbose_name = _("Content imports")
    default_auto_field = "django.db.models.BigAutoField"
