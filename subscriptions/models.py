"""Subscriptions (订阅) and what they send: e-mail deliveries, in-site
notifications, the suppression list; webhooks for other systems; a signed-in
person's pins on 「我的主页」."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_multitenant.fields import TenantForeignKey

from sites.tenancy import SiteOwnedModel

KEYWORD_MAX = 30
EMAIL_MAX = 254


class SubscriptionKind(models.TextChoices):
    COLUMN = "column", _("Column")
    SITE = "site", _("Whole site")
    SUBJECT = "subject", _("Subject category")
    DOCUMENT_KIND = "document_kind", _("Document kind")
    KEYWORD = "keyword", _("Keyword")


class DocumentKind(models.TextChoices):
    ARTICLE = "article", _("Articles and notices")
    POLICY_DOCUMENT = "policy_document", _("Policy documents")
    NORMATIVE = "normative", _("Normative documents")
    INTERPRETATION = "interpretation", _("Policy interpretations")
    CONSULTATION = "consultation", _("Consultations")


class Frequency(models.TextChoices):
    INSTANT = "instant", _("At once")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")


class Subscription(SiteOwnedModel):
    """One thing of ``site`` someone follows: by e-mail alone (confirmed through a
    mailed link: double opt-in) or as a signed-in user (confirmed at once).

    ``key`` names what is followed: a column's page id, a subject category, a
    document kind, a keyword as typed (its tokens in ``SubscriptionToken``), or
    nothing for the whole site."""

    email = models.EmailField(_("e-mail address"), max_length=EMAIL_MAX, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=SubscriptionKind.choices)
    key = models.CharField(max_length=100, blank=True)
    label = models.CharField(_("subscribed to"), max_length=200, blank=True)
    frequency = models.CharField(
        _("frequency"),
        max_length=8,
        choices=Frequency.choices,
        default=Frequency.INSTANT,
    )
    # How many distinct tokens a keyword has: an item matches when it holds all.
    token_count = models.PositiveSmallIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "email", "kind", "key"],
                condition=Q(user__isnull=True),
                name="subscription_unique_email",
            ),
            models.UniqueConstraint(
                fields=["site", "user", "kind", "key"],
                condition=Q(user__isnull=False),
                name="subscription_unique_user",
            ),
        ]
        indexes = [
            models.Index(
                fields=["site", "kind", "key"],
                condition=Q(confirmed_at__isnull=False),
                name="subscription_match",
            ),
            models.Index(fields=["site", "email"], name="subscription_email"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.label or self.key}"

    @property
    def recipient(self) -> str:
        """Who a delivery goes to: one row per recipient and item, whichever of
        their subscriptions matched."""
        return self.email or f"user:{self.user_id}"


class SubscriptionToken(SiteOwnedModel):
    """The inverted table of keyword subscriptions: one row per distinct search
    token of the keyword, so that one query finds every keyword an item holds."""

    subscription = TenantForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="tokens"
    )
    token = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["site", "subscription", "token"],
                name="subscription_token_unique",
            )
        ]
        indexes = [models.Index(fields=["site", "token"], name="subscription_token")]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENT = "sent", _("Sent")
    SUPPRESSED = "suppressed", _("Not sent: address suppressed")
    FAILED = "failed", _("Failed")
    NO_MAIL = "no_mail", _("In-site notice only")


class Delivery(SiteOwnedModel):
    """One published item for one recipient: whichever of their subscriptions
    matched, and however often it is published again, one row, so never two
    messages (the unique constraint decides)."""

    subscription = TenantForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    recipient = models.CharField(max_length=EMAIL_MAX + 8)
    item = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+"
    )
    frequency = models.CharField(max_length=8, choices=Frequency.choices)
    status = models.CharField(
        max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "recipient", "item"], name="delivery_once_per_item"
            )
        ]
        indexes = [
            models.Index(
                fields=["site", "frequency", "recipient"],
                condition=Q(status="pending"),
                name="delivery_pending",
            )
        ]


class Suppression(models.Model):
    """An address that bounced or complained: nothing is mailed to it any more
    (platform-wide, whatever site it subscribed on)."""

    class Reason(models.TextChoices):
        BOUNCE = "bounce", _("Bounce")
        COMPLAINT = "complaint", _("Complaint")
        MANUAL = "manual", _("Added by hand")

    address = models.EmailField(_("e-mail address"), max_length=EMAIL_MAX, unique=True)
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")

    def __str__(self) -> str:
        return self.address


class NotificationKind(models.TextChoices):
    ITEM = "item", _("New item")
    CASE = "case", _("Letter status")
    COMMENT = "comment", _("Reply to a comment")


class Notification(models.Model):
    """An in-site notice to a signed-in person (accounts are platform-wide, and
    so is their list of notices). ``dedupe_key`` makes each notice once."""

    tenant_scope_exempt = "a person's notices, read on every host (accounts are shared)"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    site = models.ForeignKey(
        "govsites.GovSite", null=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=8, choices=NotificationKind.choices)
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(max_length=500, blank=True)
    dedupe_key = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"], name="notification_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["user"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            )
        ]

    def __str__(self) -> str:
        return self.title


class WebhookEvent(models.TextChoices):
    ITEM_PUBLISHED = "item.published", _("Item published")
    ITEM_UPDATED = "item.updated", _("Item updated")
    ITEM_WITHDRAWN = "item.withdrawn", _("Item withdrawn")
    CONSULTATION_OPENED = "consultation.opened", _("Consultation opened")
    CONSULTATION_CLOSED = "consultation.closed", _("Consultation closed")


class Webhook(SiteOwnedModel):
    """An address of another system (the 12345 hotline, a mobile app, a city's
    portal) told about ``events`` of ``site``, signed with ``secret``."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("address"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(max_length=64, editable=False)
    # Only a platform admin may set it: the address may resolve to a private or
    # loopback range (an intranet system).
    allow_private = models.BooleanField(_("allow a private address"), default=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class WebhookDeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SUCCEEDED = "succeeded", _("Delivered")
    RETRYING = "retrying", _("Retrying")
    FAILED = "failed", _("Failed")


class WebhookDelivery(SiteOwnedModel):
    """One event for one webhook, with its attempts' last answer. ``event_id`` is
    the same for a retried task or a repeated signal: sent once."""

    webhook = TenantForeignKey(
        Webhook, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(_("event"), max_length=30, choices=WebhookEvent.choices)
    event_id = models.CharField(max_length=100)
    payload = models.JSONField(default=dict)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=WebhookDeliveryStatus.choices,
        default=WebhookDeliveryStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    response_status = models.PositiveSmallIntegerField(
        _("answer status"), null=True, blank=True
    )
    response_body = models.TextField(_("answer"), blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "webhook", "event_id"], name="webhook_delivery_once"
            )
        ]


class PinKind(models.TextChoices):
    SERVICE = "service", _("Service")
    COLUMN = "column", _("Column")
    SITE = "site", _("Site")


class Pin(models.Model):
    """Something a signed-in person pinned to 「我的主页」: a service (a path on a
    site, such as the letter form), a column or a whole site."""

    tenant_scope_exempt = "a person's pins across sites (accounts are shared)"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    site = models.ForeignKey(
        "govsites.GovSite", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=8, choices=PinKind.choices)
    path = models.CharField(max_length=300, blank=True)
    title = models.CharField(_("title"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "site", "kind", "path"], name="pin_once"
            )
        ]

    def __str__(self) -> str:
        return self.title
