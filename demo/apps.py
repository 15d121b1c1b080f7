from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo seeding (``manage.py seed_demo``): composes sites, content and
    interaction into a platform to look at."""

    name = "demo"
    label = "demo"
    verbose_name = _("Demo")
