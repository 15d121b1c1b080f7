from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteractionConfig(AppConfig):
    name = "interaction"
    label = "interaction"
    verbose_name = _("Interaction")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from .models import InteractionSettings
        from .selectors import rules_changed

        post_save.connect(
            rules_changed,
            sender=InteractionSettings,
            dispatch_uid="interaction_rules_saved",
        )
        post_delete.connect(
            rules_changed,
            sender=InteractionSettings,
            dispatch_uid="interaction_rules_deleted",
        )
