"""Cases (信件: inquiries, suggestions, complaints, reports), their history, public
comments on consultations, API clients and per-site interaction settings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_multitenant.fields import TenantForeignKey

from sites.tenancy import SiteOwnedModel

from .fields import EncryptedTextField

# Length limits of every submitted field (forms and API use the same).
TITLE_MAX = 100
CONTENT_MAX = 5000
CATEGORY_MAX = 40
NAME_MAX = 30
PHONE_MAX = 20
EMAIL_MAX = 100
ID_NUMBER_MAX = 18
COMMENT_MAX = 3000
RATING_COMMENT_MAX = 500
REASON_MAX = 2000
REPLY_MAX = 10000


class CaseKind(models.TextChoices):
    INQUIRY = "inquiry", _("Inquiry")
    SUGGESTION = "suggestion", _("Suggestion")
    COMPLAINT = "complaint", _("Complaint")
    REPORT = "report", pgettext_lazy("case kind", "Report")


class CaseChannel(models.TextChoices):
    MAILBOX = "mailbox", _("Site mailbox")
    LEADER_MAILBOX = "leader", _("Leader's mailbox")
    COMPLAINTS = "complaints", _("Complaints")
    API = "api", _("Other platform (API)")


class CaseStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting acceptance")
    ACCEPTED = "accepted", _("Being handled")
    DECLINED = "declined", _("Declined")
    REPLIED = "replied", _("Replied")
    CLOSED = "closed", pgettext_lazy("case status", "Closed")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class Case(SiteOwnedModel):
    """One letter from the public. ``site`` is the site handling it now: only its
    staff see the case. A transfer moves the case with its history to another site
    by copy, never by changing ``site`` (``services._case_move`` says why);
    ``intake_site`` is the site it was filed on, whose code begins the tracking
    number and on whose host it is looked up."""

    intake_site = models.ForeignKey(
        "govsites.GovSite",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("filed on"),
    )
    tracking_number = models.CharField(_("tracking number"), max_length=32)
    query_code_hash = models.CharField(max_length=64, editable=False)
    idempotency_key = models.CharField(max_length=64, editable=False)
    # Keyed hash of the submission's content: the same key with other content is
    # refused instead of being answered with this case. Blank on older cases.
    submission_digest = models.CharField(max_length=64, blank=True, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=CaseKind.choices)
    channel = models.CharField(_("channel"), max_length=12, choices=CaseChannel.choices)
    about_own_staff = models.BooleanField(
        _("report about the site's own staff"),
        default=False,
        help_text=_("Handled by the level above; never shown to the reported site."),
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    content = models.TextField(_("content"), max_length=CONTENT_MAX)
    category = models.CharField(_("category"), max_length=CATEGORY_MAX, blank=True)
    name = EncryptedTextField(pgettext_lazy("a person's name", "name"), blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    email = EncryptedTextField(_("email"), blank=True)
    id_number = EncryptedTextField(_("ID number"), blank=True)
    allow_public = models.BooleanField(_("may be made public"), default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    api_client = models.ForeignKey(
        "interaction.ApiClient",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=CaseStatus.choices,
        default=CaseStatus.SUBMITTED,
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    due_on = models.DateField(_("reply due"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    reply = models.TextField(_("reply"), blank=True)
    rating = models.CharField(
        _("rating"), max_length=12, choices=Rating.choices, blank=True
    )
    rating_comment = models.TextField(_("rating comment"), blank=True)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(default=0)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "tracking_number"], name="case_unique_tracking_number"
            ),
        ]
        indexes = [
            models.Index(fields=["intake_site", "tracking_number"]),
            models.Index(fields=["site", "status", "due_on"]),
        ]

    def __str__(self) -> str:
        return self.tracking_number


class CaseIntake(SiteOwnedModel):
    """One row per case filed on a site (``site`` is the site it was filed on, the
    intake site; these rows never move): its tracking number and idempotency key,
    each unique among the site's filed cases. A case moves to another site on a
    transfer (by copy), so a constraint on the case's own row would hold only among
    the cases its handling site holds now; this one holds wherever they went. It
    lets the insert answer "number taken" and "key used already", instead of a
    look-up across the province's tree before every letter."""

    tracking_number = models.CharField(max_length=32)
    idempotency_key = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["site", "tracking_number"],
                name="caseintake_unique_tracking_number",
            ),
            models.UniqueConstraint(
                fields=["site", "idempotency_key"],
                name="caseintake_unique_idempotency_key",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_number


class CaseEventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    TRANSFERRED = "transferred", _("Transferred")
    REPLIED = "replied", _("Replied")
    CLOSED = "closed", pgettext_lazy("case event", "Closed")
    NOTE = "note", _("Internal note")
    RATED = "rated", _("Rated")
    REOPENED = "reopened", _("Reopened")
    PERSONAL_DATA_VIEWED = "viewed", _("Personal data viewed unmasked")
    ANONYMISED = "anonymised", _("Personal data anonymised")


# Events the submitter sees on the status page (the others are internal).
PUBLIC_EVENT_KINDS = {
    CaseEventKind.SUBMITTED,
    CaseEventKind.ACCEPTED,
    CaseEventKind.DECLINED,
    CaseEventKind.TRANSFERRED,
    CaseEventKind.REPLIED,
    CaseEventKind.CLOSED,
    CaseEventKind.RATED,
    CaseEventKind.REOPENED,
}


class CaseEvent(SiteOwnedModel):
    """One step of a case's handling, with who and when; also the audit of every
    unmasked view of its personal data. Moves with the case on a transfer."""

    # Joined on (case_id, site_id): a case's rows share its site (Citus colocation).
    case = TenantForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("step"), max_length=12, choices=CaseEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    message = models.TextField(_("message"), blank=True)
    from_site = models.ForeignKey(
        "govsites.GovSite", null=True, on_delete=models.PROTECT, related_name="+"
    )
    to_site = models.ForeignKey(
        "govsites.GovSite", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("case step")
        verbose_name_plural = _("case steps")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.kind}"


def attachment_path(instance, filename):
    # Never the person's file name in the path (it may hold their name).
    import uuid

    extension = filename.rsplit(".", 1)[-1].lower()
    return f"interaction/{instance.site_id}/{uuid.uuid4().hex}.{extension}"


class CaseAttachment(SiteOwnedModel):
    """An image or PDF sent with a case; served only to the case's handlers."""

    case = TenantForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class Adoption(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")
    PARTLY = "partly", _("Partly adopted")
    NOT_ADOPTED = "not_adopted", _("Not adopted")


class Comment(SiteOwnedModel):
    """One public comment (意见) on a consultation page of ``site``."""

    consultation = models.ForeignKey(
        "cms.ConsultationPage", on_delete=models.CASCADE, related_name="+"
    )
    idempotency_key = models.CharField(max_length=64, editable=False)
    name = EncryptedTextField(pgettext_lazy("a person's name", "name"), blank=True)
    contact = EncryptedTextField(_("contact"), blank=True)
    text = models.TextField(_("comment"), max_length=COMMENT_MAX)
    # The public account that sent it, when signed in (its 「我的留言」).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    hidden = models.BooleanField(_("hidden (spam)"), default=False)
    adoption = models.CharField(
        _("adoption"), max_length=12, choices=Adoption.choices, blank=True
    )
    adoption_reason = models.TextField(_("reason"), blank=True)
    # The site's official reply (答复), shown under the comment on the public
    # page and in the author's 「我的留言」.
    reply = models.TextField(_("reply"), max_length=COMMENT_MAX, blank=True)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("replied by"),
    )

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "idempotency_key"],
                name="comment_unique_idempotency_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.consultation_id}:{self.pk}"


class ApiClient(SiteOwnedModel):
    """Another platform (12345, 8890 hotlines) handing cases in through the API."""

    name = models.CharField(_("name"), max_length=100)
    key_prefix = models.CharField(_("key prefix"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "key_prefix"], name="apiclient_unique_prefix"
            )
        ]

    def __str__(self) -> str:
        return self.name


class InteractionSettings(SiteOwnedModel):
    """A site's rules for cases: reply deadline and how long personal data is kept."""

    reply_working_days = models.PositiveSmallIntegerField(
        _("reply deadline (working days)"), default=15
    )
    warn_working_days = models.PositiveSmallIntegerField(
        _("warn this many working days before the deadline"), default=3
    )
    retention_days = models.PositiveIntegerField(
        _("keep personal data for (days after closing)"), default=730
    )

    class Meta:
        verbose_name = _("interaction settings")
        verbose_name_plural = _("interaction settings")
        constraints = [
            models.UniqueConstraint(fields=["site"], name="interaction_settings_one")
        ]

    def __str__(self) -> str:
        return str(self.site_id)


class RateCounter(models.Model):
    """Counters of the rate-limit cache (interaction.ratelimit_cache) when no Redis
    is configured: platform-wide, keyed by hashed client identity, never by site."""

    key = models.CharField(max_length=250, primary_key=True)
    value = models.BigIntegerField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("rate counter")

    def __str__(self) -> str:
        return self.key
