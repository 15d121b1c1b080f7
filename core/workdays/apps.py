from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "core.workdays"
    label = "workdays"
    verbose_name = _("Working-day calendar")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from .models import CalendarDay
        from .services import calendar_changed

        post_save.connect(
            calendar_changed, sender=CalendarDay, dispatch_uid="workdays_day_saved"
        )
        post_delete.connect(
            calendar_changed, sender=CalendarDay, dispatch_uid="workdays_day_deleted"
        )
