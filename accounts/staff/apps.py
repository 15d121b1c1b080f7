from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffSecurityConfig(AppConfig):
    """Staff sign-in at 等保 2.0 level 3: a second factor (django-otp), sign-in
    throttling, the staff password policy, session limits, the three separated
    administrator roles (三员分立)."""

    name = "accounts.staff"
    label = "accounts_staff"
    verbose_name = _("Staff security")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signal_handlers  # noqa: F401  (connects the receivers)
