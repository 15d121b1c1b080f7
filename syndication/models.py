"""Syndication (转载): one item, stored once on its source site, shown on others.

``SyndicatedItem`` is the source's record of an item it offered to other sites
(its rows belong to the source site). Each site that shows it holds one
``SyndicationTarget``: a reference row owned by the TARGET site, with its own
state, its own column and its own address under that column. Nothing of the
item is copied: a target renders the source page as it is live now.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sites.tenancy import SiteOwnedModel


class Direction(models.TextChoices):
    PUSH = "push", _("Pushed down")  # 信息推送
    REPORT = "report", _("Reported up")  # 信息报送
    IN_STEP = "in_step", _("Published in step")  # 同步发布
    EXCHANGE = "exchange", _("From a peer platform")  # 平台对接


class TargetState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("syndication state", "Pending")
    REVIEWING = "reviewing", pgettext_lazy("syndication state", "Awaiting review")
    LIVE = "live", pgettext_lazy("syndication state", "Live")
    DECLINED = "declined", pgettext_lazy("syndication state", "Declined")
    HIDDEN = "hidden", pgettext_lazy("syndication state", "Hidden")
    WITHDRAWN = "withdrawn", pgettext_lazy("syndication state", "Withdrawn")


# States in which a target's address answers 410 (the item was shown there once).
GONE_STATES = (TargetState.HIDDEN, TargetState.WITHDRAWN)
# States a target still has to act on (its inbox).
OPEN_STATES = (TargetState.PENDING, TargetState.REVIEWING)


class SyndicatedItem(SiteOwnedModel):
    """An item its source site offered to other sites (``site`` is the source)."""

    source_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("source page"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept for the status page once the source page is deleted.
    title = models.CharField(_("title"), max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Sites that had neither the column asked for nor the fallback column, with the
    # time of the push that found it (shown on the status page).
    missing_column_sites = models.JSONField(default=list, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    # Every site it was sent to: the explicit list of sites whose reference rows
    # the status page, search and withdrawal read (sites.tenancy.for_sites).
    target_site_ids = ArrayField(models.IntegerField(), default=list, blank=True)

    class Meta:
        verbose_name = _("syndicated item")
        verbose_name_plural = _("syndicated items")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "source_page"], name="syndicateditem_one_per_page"
            )
        ]

    def __str__(self) -> str:
        return self.title


class SyndicationTarget(SiteOwnedModel):
    """One site's reference to an item of another site (``site`` is the target)."""

    item = models.ForeignKey(
        SyndicatedItem,
        verbose_name=_("item"),
        on_delete=models.CASCADE,
        related_name="targets",
    )
    column = models.ForeignKey(
        "cms.ColumnPage",
        verbose_name=_("column"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices
    )
    mandatory = models.BooleanField(_("must be republished"), default=False)
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=TargetState.choices,
        default=TargetState.PENDING,
    )
    reason = models.TextField(_("reason"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # Its place in the target's column: listed by the time it went live there.
    live_at = models.DateTimeField(_("live since"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("syndication target")
        verbose_name_plural = _("syndication targets")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "item"], name="syndicationtarget_one_per_site"
            )
        ]
        indexes = [models.Index(fields=["site", "state"], name="synd_target_state")]

    def __str__(self) -> str:
        return f"{self.item_id}@{self.site_id}:{self.state}"

    def address_path(self, column_url: str) -> str:
        """This reference's own address under its column's address:
        ``<column>/<yyyymm>/s<yyyymmdd>_<id>.html``."""
        day = timezone.localdate(self.requested_at)
        return f"{column_url}{day:%Y%m}/s{day:%Y%m%d}_{self.pk}.html"


class SyndicationSettings(SiteOwnedModel):
    """What a site asks of items it takes from others, and what it sends itself."""

    review_taken_items = models.BooleanField(
        _("items taken from other sites need a reviewer's approval"), default=False
    )
    # 同步发布: None follows the default (on for department sites).
    publish_in_step = models.BooleanField(
        _("publish normative documents in step on the portal"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("syndication settings")
        verbose_name_plural = _("syndication settings")
        constraints = [
            models.UniqueConstraint(fields=["site"], name="syndicationsettings_one")
        ]

    def __str__(self) -> str:
        return f"{self.site_id}"


# -- exchange with other platforms (省市平台对接) ---------------------------------


class Peer(models.Model):
    """Another platform this one exchanges items with, configured by platform
    admins: where to send (its base address), the shared secret both sides sign
    with, and the site of ours whose inbox receives what it sends."""

    tenant_scope_exempt = "the platform's registry of peer platforms (platform admins)"

    code = models.SlugField(_("peer code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    base_url = models.CharField(
        _("base address"),
        max_length=200,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("The peer platform's address, e.g. https://www.example.gov.cn"),
    )
    secret = models.CharField(_("shared secret"), max_length=128)
    site = models.ForeignKey(
        "govsites.GovSite",
        verbose_name=_("receiving site"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    allow_private = models.BooleanField(
        _("on a private network"),
        default=False,
        help_text=_("Allow an address on a private network or this machine."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("peer platform")
        verbose_name_plural = _("peer platforms")

    def __str__(self) -> str:
        return self.name


class PeerNonce(models.Model):
    """A nonce a peer used: a request that repeats one is a replay."""

    tenant_scope_exempt = "the exchange's replay guard, shared like the peers"

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=64)
    seen_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["peer", "nonce"], name="peernonce_once")
        ]

    def __str__(self) -> str:
        return self.nonce


class ExchangeState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("syndication state", "Pending")
    DRAFT = "draft", _("Saved as a draft for review")
    LIVE = "live", pgettext_lazy("syndication state", "Live")
    DECLINED = "declined", pgettext_lazy("syndication state", "Declined")


class ReceivedItem(SiteOwnedModel):
    """An item a peer platform sent to one of our sites (its inbox). Its HTML is
    sanitised on arrival; taking it publishes a page in the chosen column."""

    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="+")
    remote_id = models.CharField(max_length=100)
    revision = models.PositiveIntegerField()
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("body"), blank=True)
    source_name = models.CharField(_("source"), max_length=100, blank=True)
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    column = models.ForeignKey(
        "cms.ColumnPage", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=ExchangeState.choices,
        default=ExchangeState.PENDING,
    )
    reason = models.TextField(_("reason"), blank=True)
    page = models.ForeignKey(
        "wagtailcore.Page", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("item from a peer platform")
        verbose_name_plural = _("items from peer platforms")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "peer", "remote_id", "revision"],
                name="receiveditem_once_per_revision",
            )
        ]

    def __str__(self) -> str:
        return self.title


class OutboxState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("outbox state", "Waiting")
    SENT = "sent", pgettext_lazy("outbox state", "Sent")
    FAILED = "failed", pgettext_lazy("outbox state", "Failed")


class OutboxMessage(SiteOwnedModel):
    """An item to send to a peer (``site`` is ours, the source): sent by a queued
    task, retried with back-off, never twice for the same revision."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="+")
    page = models.ForeignKey(
        "wagtailcore.Page", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    remote_id = models.CharField(max_length=100)
    revision = models.PositiveIntegerField()
    payload = models.JSONField()
    state = models.CharField(
        max_length=10, choices=OutboxState.choices, default=OutboxState.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["site", "peer", "remote_id", "revision"],
                name="outbox_once_per_revision",
            )
        ]

    def __str__(self) -> str:
        return f"{self.remote_id}@{self.revision}"
