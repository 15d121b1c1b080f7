"""Per-site publishing settings, edited by the site's admins."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from .choices import InterpretationRule


@register_setting(icon="cog")
class PublishingSettings(BaseSiteSetting):
    tenant_scope_exempt = "one row per Wagtail site; the settings view is scoped"

    interpretation_rule = models.CharField(
        _("normative document without a published interpretation"),
        max_length=10,
        choices=InterpretationRule.choices,
        default=InterpretationRule.WARN,
        help_text=_(
            "Policy interpretations are to be published together with normative "
            "documents; choose whether a missing one only warns the editor or "
            "blocks publishing."
        ),
    )

    class Meta:
        verbose_name = _("publishing settings")
