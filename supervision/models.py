"""What supervision stores: each site's early warnings (单项否决预警), refreshed by
a periodic task, and the scheduler's record of its jobs' runs."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sites.tenancy import SiteOwnedModel


class WarningKind(models.TextChoices):
    STALE_COLUMN = "stale_column", _("Column not updated")
    EMPTY_COLUMN = "empty_column", _("Empty column")
    EMPTY_COLUMNS = "empty_columns", _("Too many empty columns")
    HOME_PAGE = "home_page", _("Home page not updated")
    ADOPTION_REPORT = "adoption_report", _("Consultation without adoption report")
    CASES_OVERDUE = "cases_overdue", _("Cases past their reply deadline")
    CASES_UNANSWERED = "cases_unanswered", _("Messages unanswered")


class WarningLevel(models.IntegerChoices):
    """Ordered: a higher number is more urgent (the table sorts by it)."""

    NOTICE = 1, pgettext_lazy("warning level", "Due soon")
    OVERDUE = 2, pgettext_lazy("warning level", "Overdue")
    VETO = 3, pgettext_lazy("warning level", "Veto")


class SiteWarning(SiteOwnedModel):
    """One early warning of one site, as the last refresh computed it. ``subject``
    names what it is about within its kind (a column's page id, a consultation's,
    or blank for site-wide warnings), so a refresh replaces rows one for one."""

    kind = models.CharField(_("kind"), max_length=20, choices=WarningKind.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=WarningLevel.choices)
    subject = models.CharField(max_length=40, blank=True)
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    title = models.CharField(_("about"), max_length=255, blank=True)
    last_update = models.DateField(_("last update"), null=True, blank=True)
    days_since = models.PositiveIntegerField(_("days since"), null=True, blank=True)
    threshold_days = models.PositiveIntegerField(_("threshold (days)"), null=True)
    days_left = models.IntegerField(_("days left"), null=True, blank=True)
    count = models.PositiveIntegerField(_("count"), null=True, blank=True)
    computed_on = models.DateField(_("computed on"))

    class Meta:
        verbose_name = _("early warning")
        verbose_name_plural = _("early warnings")
        ordering = ["-level", "days_left", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "kind", "subject"], name="sitewarning_unique_subject"
            )
        ]
        indexes = [models.Index(fields=["site", "level"])]

    def __str__(self) -> str:
        return f"{self.site_id}:{self.kind}:{self.subject}"


class ScheduledJob(models.Model):
    """The scheduler's record of one periodic job (``supervision.scheduler.JOBS``):
    when it last ran and when it is next due. Platform-wide, not a site's row; the
    scheduler locks it while it enqueues, so two schedulers never double a run."""

    tenant_scope_exempt = "platform-wide schedule of periodic jobs"

    name = models.CharField(_("name"), max_length=60, unique=True)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    next_run_at = models.DateTimeField(_("next run"), null=True, blank=True)
    runs = models.PositiveIntegerField(_("runs"), default=0)

    class Meta:
        verbose_name = _("scheduled job")
        verbose_name_plural = _("scheduled jobs")

    def __str__(self) -> str:
        return self.name


class LinkKind(models.TextChoices):
    PAGE = "page", _("Page")
    DOCUMENT = "document", _("Document")
    IMAGE = "image", _("Image")
    INTERNAL = "internal", _("Address on the site")
    EXTERNAL = "external", _("External address")


class LinkCheck(SiteOwnedModel):
    """One run of the link check (错链检查) of a site: what it read and found."""

    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("pages"), default=0)
    links = models.PositiveIntegerField(_("links"), default=0)
    broken = models.PositiveIntegerField(_("broken links"), default=0)

    class Meta:
        verbose_name = _("link check")
        verbose_name_plural = _("link checks")
        indexes = [models.Index(fields=["site", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.site_id}:{self.started_at:%Y-%m-%d %H:%M}"


class BrokenLink(SiteOwnedModel):
    """A link on a published page of the site that does not work, as the site's
    last link check found it (a check replaces the site's rows)."""

    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    url = models.CharField(_("link"), max_length=2000)
    kind = models.CharField(_("kind"), max_length=10, choices=LinkKind.choices)
    status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200)
    checked_at = models.DateTimeField(_("checked"))

    class Meta:
        verbose_name = _("broken link")
        verbose_name_plural = _("broken links")
        ordering = ["page_id", "url"]
        indexes = [models.Index(fields=["site", "page"])]

    def __str__(self) -> str:
        return self.url


class PageViewDay(SiteOwnedModel):
    """Views of one page of a site on one day, counted by the page's beacon
    (``/stats/hit``) with one upsert per view: no address, cookie or visitor is
    stored, only the counter."""

    day = models.DateField(_("day"))
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    views = models.PositiveBigIntegerField(_("page views"), default=0)

    class Meta:
        verbose_name = _("page views of a day")
        verbose_name_plural = _("page views of a day")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "day", "page"], name="pageviewday_unique_page_day"
            )
        ]
        indexes = [models.Index(fields=["site", "day"])]

    def __str__(self) -> str:
        return f"{self.site_id}:{self.day}:{self.page_id}"


class AvailabilityProbe(SiteOwnedModel):
    """One probe of a site's home page (可用性监测): its status and time. A page that
    takes longer than ``SLOW_SECONDS`` counts as not available, as the national
    inspection counts it."""

    checked_at = models.DateTimeField(_("checked"))
    url = models.CharField(_("address"), max_length=300)
    status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    elapsed_ms = models.PositiveIntegerField(_("time (ms)"), null=True, blank=True)
    available = models.BooleanField(_("available"))
    error = models.CharField(_("error"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("availability probe")
        verbose_name_plural = _("availability probes")
        indexes = [models.Index(fields=["site", "-checked_at"])]

    def __str__(self) -> str:
        return f"{self.site_id}:{self.checked_at:%Y-%m-%d %H:%M}"


class AnnualReport(SiteOwnedModel):
    """A site's 政府网站年度报表 for one year: the figures the platform computed,
    the fields it cannot know (filled in by the site's staff), and the page it is
    published as in the site's 年度报表 column."""

    year = models.PositiveSmallIntegerField(_("year"))
    figures = models.JSONField(_("figures"), default=dict)
    manual = models.JSONField(_("filled in by the site"), default=dict, blank=True)
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("published page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    generated_at = models.DateTimeField(_("generated"))

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "year"], name="annualreport_one_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.site_id}:{self.year}"


class RequestIssueDay(SiteOwnedModel):
    """Slow or failed answers to one address of a site on one day, gathered from
    the request log (``supervision/requestlog.py``): only requests slower than
    ``REQUESTLOG_SLOW_MS`` or answered with a 5xx are counted, so the table stays
    small and the requests that went well cost no write."""

    day = models.DateField(_("day"))
    path = models.CharField(_("address"), max_length=500)
    answers = models.PositiveIntegerField(_("answers counted"), default=0)
    slow = models.PositiveIntegerField(_("slow answers"), default=0)
    over_limit = models.PositiveIntegerField(
        _("answers slower than 15 seconds"), default=0
    )
    failed = models.PositiveIntegerField(_("failed answers (5xx)"), default=0)
    max_ms = models.PositiveIntegerField(_("slowest (ms)"), default=0)
    total_ms = models.PositiveBigIntegerField(default=0)
    last_status = models.PositiveSmallIntegerField(_("last HTTP status"), default=0)

    class Meta:
        verbose_name = _("slow or failed address")
        verbose_name_plural = _("slow or failed addresses")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "day", "path"], name="requestissueday_unique_path_day"
            )
        ]
        indexes = [models.Index(fields=["site", "day"])]

    def __str__(self) -> str:
        return f"{self.site_id}:{self.day}:{self.path}"

    @property
    def average_ms(self) -> int:
        return round(self.total_ms / self.answers) if self.answers else 0
