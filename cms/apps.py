from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    label = "cms"
    verbose_name = _("Content")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here, not at the top: apps.py is loaded before the app
        # registry is ready, and these modules import models.
        from . import signal_handlers  # noqa: F401  (receivers connect on import)
        from .forms import ContentPageForm
        from .models.content import ContentPage

        # Content pages are edited with ContentPageForm. The form runs the
        # publishing rules (cms.publishing), which query the page models, so the
        # models cannot import it: it is attached here, as Wagtail attaches its
        # own page form to Page (wagtail.admin.apps.WagtailAdminAppConfig.ready).
        # Every content page type inherits it.
        ContentPage.base_form_class = ContentPageForm
