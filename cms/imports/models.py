"""What was imported from an old site, so a re-run updates instead of duplicating."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from sites.tenancy import SiteOwnedModel


class ImportedItem(SiteOwnedModel):
    """One item of an old site's export and the page it became."""

    external_id = models.CharField(
        _("external ID"),
        max_length=200,
        help_text=_("The item's identifier in the old site's export."),
    )
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    checksum = models.CharField(
        _("checksum"),
        max_length=64,
        help_text=_("SHA-256 of the normalised line last imported."),
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)

    class Meta:
        verbose_name = _("imported item")
        verbose_name_plural = _("imported items")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "external_id"],
                name="importeditem_unique_external_id",
            )
        ]

    def __str__(self) -> str:
        return f"{self.site_id}:{self.external_id}"
