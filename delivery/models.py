"""The static tree's outbox: what changed on a site and must be written again."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PendingKind(models.TextChoices):
    # The page's own file.
    PAGE = "page", _("page")
    # The lists that show the page: its parent columns (first page, feeds), the
    # home page, the sitemap and the site map page.
    LISTS = "lists", _("lists showing the page")
    # Every public page of the site, and files of addresses that no longer exist
    # removed (a theme or the site's settings changed, a column moved).
    SITE = "site", _("whole site")


class PendingPublish(models.Model):
    """One change to write into the static tree. Written in the transaction of the
    change; deleted by the task once the files are written, so a worker that is
    down delays the files and never loses them."""

    tenant_scope_exempt = "the static tree's outbox, worked per site by its task"

    site = models.ForeignKey(
        "govsites.GovSite", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=8, choices=PendingKind.choices)
    # Not a foreign key: the page may be gone by the time the row is worked.
    page_id = models.BigIntegerField(null=True, blank=True)
    # The address itself, when known at the change (a page being unpublished or
    # deleted: its address is gone by the time the row is worked).
    path = models.CharField(max_length=1000, blank=True)
    due_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["site", "due_at"], name="delivery_site_due")]

    def __str__(self) -> str:
        return f"{self.kind} {self.page_id} @ {self.site_id}"
