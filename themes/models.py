"""Per-site theme settings (Wagtail site settings), edited by the site's admins.

The theme itself and the footer details (organiser, operator, contact, filing
numbers) live on the site's registry row (``GovSite``); these are the rest.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField

from .blocks import QuickLinkBlock
from .validators import validate_primary_colour


@register_setting(icon="image")
class ThemeSettings(BaseSiteSetting):
    tenant_scope_exempt = "one row per Wagtail site; the settings view is scoped"

    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown beside the site's name; its text is the site's name."),
    )
    banner = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("banner image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    banner_alt = models.CharField(
        _("banner text for screen readers"),
        max_length=200,
        blank=True,
        help_text=_(
            "Describe what the banner shows; write '-' for a purely decorative one."
        ),
    )
    primary_colour = models.CharField(
        _("primary colour"),
        max_length=7,
        blank=True,
        validators=[validate_primary_colour],
        help_text=_("Empty: the theme's own colour. White text must stay readable."),
    )
    organ_mark_url = models.URLField(
        _("government-organ mark verification address"),
        blank=True,
        help_text=_(
            "The address the registration authority gave for the 党政机关 mark in "
            "the footer; empty shows the mark without a link."
        ),
    )
    quick_links = StreamField(
        [("link", QuickLinkBlock())],
        verbose_name=_("quick links to other platforms"),
        blank=True,
        help_text=_(
            "The government-service platform, the 12345/8890 hotline, "
            "public-resource trading…: shown on every page."
        ),
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("logo"), FieldPanel("banner"), FieldPanel("banner_alt")],
            heading=_("Images"),
        ),
        FieldPanel("primary_colour"),
        FieldPanel("organ_mark_url"),
        FieldPanel("quick_links"),
    ]

    class Meta:
        verbose_name = _("theme settings")

    def clean(self):
        super().clean()
        errors = {}
        if self.banner_id and not self.banner_alt.strip():
            errors["banner_alt"] = _(
                "Describe the banner for visitors who cannot see it (or write '-')."
            )
        govsite = getattr(self.site, "govsite", None)
        for name in ("logo", "banner"):
            image = getattr(self, name)
            if image is None:
                continue
            if govsite is None or not image.collection.path.startswith(
                govsite.collection.path
            ):
                errors[name] = _("Choose an image from this site's own images.")
        if errors:
            raise ValidationError(errors)

    @property
    def banner_alt_text(self) -> str:
        return "" if self.banner_alt.strip() == "-" else self.banner_alt
