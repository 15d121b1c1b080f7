"""The search index (one document per published item), its pending updates, the
synonyms editors maintain and the per-site query statistics."""

from __future__ import annotations

import re

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Func, Q
from django.utils.translation import gettext_lazy as _

from sites.tenancy import SiteOwnedModel


class SearchDocument(models.Model):
    """One published item as the PostgreSQL backend indexes it.

    An item shown on several sites is one document: ``site_ids`` lists every site
    it appears on and ``urls`` its address on each of them (keys are site ids as
    strings). ``vector`` holds the segmented text (title weight A, attachment
    names, document number and issuing organ B, body D) in the ``simple``
    configuration.

    ``site_ids`` starts with the document's own site (a constraint): a search of
    one site reads the site's own documents through ``(site, published_at)`` in
    date order and the few shown there from other sites through the index of
    ``site_ids[2:]`` (``search.backends.postgres``).
    """

    tenant_scope_exempt = (
        "the search index is shared: one document lists every site it appears on"
    )

    item_key = models.CharField(max_length=80, unique=True)
    # The page the item is (no foreign key: a deleted page's document is removed
    # by its queued update, not by a cascade inside the editor's request).
    page_id = models.IntegerField(null=True, unique=True)
    # Looked up through searchdoc_site_published (site first), not an index of its own.
    site = models.ForeignKey(
        "govsites.GovSite", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    site_level = models.CharField(max_length=12)
    site_ids = ArrayField(models.IntegerField())
    urls = models.JSONField(default=dict)
    content_type = models.CharField(max_length=40)
    column_id = models.IntegerField(null=True)
    column_title = models.CharField(max_length=255, blank=True)
    title = models.CharField(max_length=255)
    body = models.TextField(blank=True)
    attachments = models.TextField(blank=True)
    issuing_organ = models.CharField(max_length=100, blank=True)
    document_number = models.CharField(max_length=60, blank=True)
    published_at = models.DateTimeField()
    # What the document was built from, to find stale documents (search_index check).
    source_version = models.CharField(max_length=64)
    vector = SearchVectorField()
    # The title's tokens alone: small enough to stay inline (the full vector is
    # usually TOASTed), so "the most recent title matches" is cheap to scan.
    title_vector = SearchVectorField()
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            GinIndex(fields=["vector"], name="searchdoc_vector_gin"),
            GinIndex(fields=["title_vector"], name="searchdoc_title_vector_gin"),
            GinIndex(fields=["site_ids"], name="searchdoc_site_ids_gin"),
            models.Index(fields=["-published_at"], name="searchdoc_published"),
            models.Index(
                fields=["site", "-published_at"], name="searchdoc_site_published"
            ),
            # The sites an item is shown on besides its own (syndication).
            GinIndex(
                Func(F("site_ids"), template="(%(expressions)s)[2:]"),
                name="searchdoc_shared_site_ids_gin",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(site_ids__0=F("site")), name="searchdoc_own_site_first"
            )
        ]

    def __str__(self) -> str:
        return self.title


class PendingIndexUpdate(models.Model):
    """An item whose document must be brought up to date. Written in the same
    transaction as the change; deleted only once the backend took the update, so a
    search backend that is down delays updates and never loses them."""

    tenant_scope_exempt = "the index's outbox, shared like the index"

    item_key = models.CharField(max_length=80, unique=True)
    requested_at = models.DateTimeField(auto_now=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return self.item_key


class Synonym(models.Model):
    """Words that find each other (医保 ↔ 医疗保险), platform-wide."""

    tenant_scope_exempt = "platform-wide search vocabulary, kept by platform admins"

    term = models.CharField(_("term"), max_length=40, unique=True)
    synonyms = models.CharField(
        _("synonyms"),
        max_length=400,
        help_text=_("Words with the same meaning, separated by commas or spaces."),
    )

    class Meta:
        verbose_name = _("synonym")
        verbose_name_plural = _("synonyms")
        ordering = ["term"]

    def __str__(self) -> str:
        return self.term

    def words(self) -> list[str]:
        others = [w for w in re.split(r"[\s,，、;；]+", self.synonyms) if w]
        return [self.term, *others]


class SearchQueryLog(SiteOwnedModel):
    """How often a query was searched on a site on one day, and how often it found
    nothing. No personal data: no user, address or session; e-mail addresses, phone
    and ID numbers and long digit runs are masked before the query is stored
    (``core.privacy.mask_search_query``)."""

    day = models.DateField()
    query = models.CharField(max_length=100)
    searches = models.PositiveIntegerField(default=0)
    zero_results = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("search query statistics")
        verbose_name_plural = _("search query statistics")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "day", "query"], name="searchquerylog_unique_day"
            )
        ]
        indexes = [models.Index(fields=["site", "-day"], name="searchquerylog_day")]

    def __str__(self) -> str:
        return self.query
