"""Content pages: articles, policy documents, interpretations, consultations.

Every content page lives in a column, has a stable URL built from its first
publication date and id (``/<column>/<yyyymm>/t<yyyymmdd>_<id>.html``), and shows
the publication date the system recorded, never one an editor typed.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpResponsePermanentRedirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    HelpPanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from cms import consultations, selectors
from cms.blocks import AttachmentListBlock, BodyBlock
from cms.readonly import SitePagePermissionTester, refuse_if_archived
from cms.text import attachment_names, stream_text
from cms.validators import normalize_document_number
from core.pages import KeptViewRestrictionsMixin

from . import choices


def address_day(moment: datetime.datetime | None) -> datetime.date:
    """The date in a content page's address: of its publication (else its latest
    revision), today without either."""
    return timezone.localdate(moment) if moment else timezone.localdate()


def content_address(*, column_path: str, day: datetime.date, pk: int) -> str:
    """A content page's path on its site, under its column's path:
    ``/zwgk/zcwj/202401/t20240115_123.html``. Also built from page rows (the
    search index), without page instances."""
    return f"{column_path}{day:%Y%m}/t{day:%Y%m%d}_{pk}.html"


class ContentPage(KeptViewRestrictionsMixin, Page):
    """What every content page shares: its place, its URL and its honest date."""

    source = models.CharField(
        pgettext_lazy("content", "source"),
        max_length=100,
        blank=True,
        help_text=_("The organ or publication the content comes from."),
    )
    author = models.CharField(_("author"), max_length=100, blank=True)
    migrated = models.BooleanField(
        _("migrated from an old site"),
        default=False,
        editable=False,
        help_text=_("Published on the old site; its date is the original one."),
    )
    # The "warn" findings the editor confirmed, kept with the revision, so that
    # the review steps do not ask again for the same wording.
    confirmed_warnings = models.JSONField(
        _("confirmed warnings"), default=list, blank=True, editable=False
    )

    parent_page_types = ["cms.ColumnPage"]
    subpage_types: list[str] = []
    # The admin edit form, cms.forms.ContentPageForm, is attached by
    # CmsConfig.ready(): the form runs the publishing rules, which query these
    # models, so the models do not import it (as Wagtail attaches its page form
    # to Page in wagtail.admin's ready()).
    # Which page tags it carries (themes.page_tags): the site's, its column's
    # and its own article tags; every content page type inherits it.
    page_tags_kind = "content"

    # No slug field: a content page's address is built from its date and id, so
    # its slug is an internal label the form derives, unique in its column.
    promote_panels = [
        MultiFieldPanel(
            [FieldPanel("seo_title"), FieldPanel("search_description")],
            heading=_("For search engines"),
        ),
    ]

    # Settings tab without Wagtail's date fields an editor could mistake for the
    # publication date: go-live and expiry are scheduling, shown as such.
    settings_panels = [
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("go_live_at"), FieldPanel("expire_at")])],
            heading=_("Scheduled publishing"),
            help_text=_(
                "The page goes live (or is taken down) at these times after approval. "
                "Its publication date is recorded when it goes live and cannot be "
                "changed."
            ),
        ),
    ]

    class Meta:
        abstract = True

    # -- dates ------------------------------------------------------------------

    @property
    def published_at(self) -> datetime.datetime | None:
        """The displayed publication date: when it first went live (or will)."""
        return self.first_published_at or self.go_live_at

    def url_date(self) -> datetime.date:
        return address_day(self.published_at or self.latest_revision_created_at)

    # -- URLs -------------------------------------------------------------------

    def breadcrumbs(self):
        return selectors.breadcrumbs(page=self)

    def get_url_parts(self, request=None):
        parts = super().get_url_parts(request)
        if parts is None:
            return None
        site_id, root_url, page_path = parts
        column_path = page_path.rstrip("/").rsplit("/", 1)[0] + "/"
        return (
            site_id,
            root_url,
            content_address(column_path=column_path, day=self.url_date(), pk=self.pk),
        )

    def serve(self, request, *args, **kwargs):
        # One address per page: the slug path Wagtail also routes, or an address
        # with an outdated date, redirects to the canonical one.
        if not getattr(request, "is_preview", False):
            url = self.get_url(request)
            if url and urlsplit(url).path != request.path:
                return HttpResponsePermanentRedirect(url)
        return super().serve(request, *args, **kwargs)

    # -- publishing -------------------------------------------------------------

    def permissions_for_user(self, user):
        return SitePagePermissionTester(user, self)

    def publish(self, revision, *args, **kwargs):
        # Publishing and what it entails (registration numbers) commit together.
        # Whatever the way here (a workflow's last approval, a scheduled
        # publication), nothing goes live on an archived site.
        refuse_if_archived(self)
        with transaction.atomic():
            return super().publish(revision, *args, **kwargs)

    def unpublish(self, *args, **kwargs):
        # Taking the page down and the queued search update commit together.
        with transaction.atomic():
            return super().unpublish(*args, **kwargs)

    def check_texts(self) -> dict[str, str]:
        """Texts the content checks read: label → plain text."""
        texts = {str(_("title")): self.title}
        body = getattr(self, "body", None)
        if body is not None:
            texts[str(_("body"))] = stream_text(body)
        names = attachment_names(self)
        if names:
            texts[str(_("attachment names"))] = "\n".join(names)
        return texts


class BodyPage(ContentPage):
    """A content page with a body and attachments: articles, documents,
    interpretations (a consultation has its draft instead)."""

    body = StreamField(BodyBlock(), verbose_name=_("body"))
    attachments = StreamField(
        AttachmentListBlock(), verbose_name=_("attachments"), blank=True
    )

    class Meta:
        abstract = True


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "cms.ArticlePage", related_name="tagged_items", on_delete=models.CASCADE
    )


class ArticlePage(BodyPage):
    """News, notices and other articles (新闻、通知公告)."""

    subtitle = models.CharField(_("subtitle"), max_length=255, blank=True)
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    tags = ClusterTaggableManager(
        verbose_name=_("tags"), through=ArticlePageTag, blank=True
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("subtitle"),
        FieldRowPanel([FieldPanel("source"), FieldPanel("author")]),
        FieldPanel("cover_image"),
        FieldPanel("body"),
        FieldPanel("attachments"),
        FieldPanel("tags"),
        FieldPanel("confirm_warnings"),
    ]

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")


class PolicyDocumentPage(BodyPage):
    """A policy document (政策文件), possibly a normative document (规范性文件)."""

    document_number = models.CharField(
        _("document number"),
        max_length=60,
        blank=True,
        help_text=_("发文字号, for example 辽政办发〔2019〕12号."),
    )
    issuing_organ = models.CharField(_("issuing organ"), max_length=100)
    index_number = models.CharField(
        _("index number"),
        max_length=60,
        blank=True,
        help_text=_(
            "索引号. Given when the document first goes live (site code/year-"
            "sequence); type one only when bringing a document over from an old "
            "site."
        ),
    )
    subject_category = models.CharField(
        _("subject category"),
        max_length=40,
        choices=choices.SubjectCategory.choices,
        default=choices.SubjectCategory.GENERAL,
    )
    written_on = models.DateField(_("date written"))
    is_normative = models.BooleanField(
        _("normative document"),
        default=False,
        help_text=_(
            "行政规范性文件: receives a registration number when first published."
        ),
    )
    validity = models.CharField(
        _("validity"),
        max_length=12,
        choices=choices.Validity.choices,
        default=choices.Validity.IN_FORCE,
    )
    validity_changed_on = models.DateField(
        _("validity changed on"), null=True, blank=True
    )
    superseded_by = models.ForeignKey(
        "cms.PolicyDocumentPage",
        verbose_name=_("superseded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supersedes",
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("document_number"), FieldPanel("index_number")]
                ),
                FieldRowPanel(
                    [FieldPanel("issuing_organ"), FieldPanel("subject_category")]
                ),
                FieldRowPanel([FieldPanel("written_on"), FieldPanel("is_normative")]),
            ],
            heading=pgettext_lazy("policy document panel", "Document"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("validity"), FieldPanel("validity_changed_on")]
                ),
                FieldPanel("superseded_by"),
            ],
            heading=_("Validity"),
        ),
        FieldPanel("body"),
        FieldPanel("attachments"),
        FieldPanel("confirm_warnings"),
    ]

    class Meta:
        verbose_name = _("policy document")
        verbose_name_plural = _("policy documents")

    def clean(self):
        super().clean()
        errors = {}
        if self.document_number:
            try:
                self.document_number = normalize_document_number(self.document_number)
            except ValidationError as error:
                errors["document_number"] = error.messages
        if self.validity != choices.Validity.IN_FORCE and not self.validity_changed_on:
            errors["validity_changed_on"] = [
                _("Give the date the document was amended, repealed or expired.")
            ]
        if self.validity == choices.Validity.IN_FORCE and self.superseded_by_id:
            errors["superseded_by"] = [
                _("A document in force is not superseded; change its validity first.")
            ]
        if self.superseded_by_id and self.superseded_by_id == self.pk:
            errors["superseded_by"] = [_("A document cannot supersede itself.")]
        if self.issuing_organ:
            self.issuing_organ = " ".join(self.issuing_organ.split())
        if errors:
            raise ValidationError(errors)

    @property
    def index_number_issued(self) -> bool:
        """Whether this (database) record's index number has been issued: it went
        live with it. An issued number never changes."""
        return bool(self.index_number and self.last_published_at)

    def with_content_json(self, content):
        # Like Wagtail's first_published_at: an issued index number is the
        # record's, whatever an older revision says (numbers are drawn when the
        # document first goes live, after its draft revisions were saved).
        page = super().with_content_json(content)
        if self.index_number_issued:
            page.index_number = self.index_number
        return page

    @property
    def is_repealed(self) -> bool:
        return self.validity in (choices.Validity.REPEALED, choices.Validity.EXPIRED)

    def live_interpretations(self):
        return InterpretationPage.objects.live().public().filter(document=self)


class InterpretationPage(BodyPage):
    """A policy interpretation (政策解读) of one policy document."""

    document = models.ForeignKey(
        PolicyDocumentPage,
        verbose_name=_("interpreted document"),
        null=True,
        blank=False,
        on_delete=models.SET_NULL,
        related_name="interpretations",
    )
    form = models.CharField(
        _("form"),
        max_length=12,
        choices=choices.InterpretationForm.choices,
        default=choices.InterpretationForm.TEXT,
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("document"),
        FieldRowPanel([FieldPanel("form"), FieldPanel("source"), FieldPanel("author")]),
        FieldPanel("body"),
        FieldPanel("attachments"),
        FieldPanel("confirm_warnings"),
    ]

    class Meta:
        verbose_name = _("policy interpretation")
        verbose_name_plural = _("policy interpretations")

    def clean(self):
        super().clean()
        if self.document_id is None:
            raise ValidationError(
                {
                    "document": [
                        _("Choose the policy document this interpretation explains.")
                    ]
                }
            )


class ConsultationPage(ContentPage):
    """A draft published for public comment (征求意见)."""

    kind = models.CharField(
        _("kind of draft"),
        max_length=20,
        choices=choices.ConsultationKind.choices,
        default=choices.ConsultationKind.NORMATIVE,
    )
    starts_on = models.DateField(_("comments open on"))
    ends_on = models.DateField(_("comments close after"))
    short_period_reason = models.TextField(
        _("reason for a shorter period"),
        blank=True,
        help_text=_(
            "Required when the period is shorter than the law asks for this kind of "
            "draft; it is published with the consultation."
        ),
    )
    draft = RichTextField(
        pgettext_lazy("consultation", "draft"),
        features=["h3", "h4", "bold", "ol", "ul"],
    )
    draft_attachments = StreamField(
        AttachmentListBlock(), verbose_name=_("draft attachments"), blank=True
    )
    explanation = RichTextField(
        _("explanation of the draft"), blank=True, features=["bold", "ol", "ul"]
    )
    how_to_comment = RichTextField(
        _("how to comment"), features=["bold", "ol", "ul", "link"]
    )
    requires_identity = models.BooleanField(
        _("commenters must give name and contact"), default=False
    )
    show_comment_texts = models.BooleanField(
        _("show comment texts to the public"), default=False
    )
    adoption_report = RichTextField(
        _("adoption report"),
        blank=True,
        features=["h3", "h4", "bold", "ol", "ul", "link", "document-link"],
        help_text=_("意见采纳情况: publish it after the consultation has closed."),
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("kind"),
                FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
                FieldPanel("short_period_reason"),
                FieldRowPanel(
                    [FieldPanel("requires_identity"), FieldPanel("show_comment_texts")]
                ),
            ],
            heading=_("Consultation period"),
        ),
        FieldPanel("draft"),
        FieldPanel("draft_attachments"),
        FieldPanel("explanation"),
        FieldPanel("how_to_comment"),
        FieldPanel("confirm_warnings"),
    ]
    report_panels = [
        HelpPanel(
            content=_(
                "Fill in the adoption report once the consultation has closed, and "
                "publish it. Until then the site's editors are reminded of it."
            )
        ),
        FieldPanel("adoption_report"),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Content")),
            ObjectList(report_panels, heading=_("Adoption report")),
            ObjectList(ContentPage.promote_panels, heading=_("Promote")),
            ObjectList(ContentPage.settings_panels, heading=_("Settings")),
        ]
    )

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    @property
    def state(self) -> str:
        return consultation_state(self)

    def get_state_display(self) -> str:
        return choices.ConsultationState(self.state).label

    def clean(self):
        super().clean()
        consultations.validate(self)

    def permissions_for_user(self, user):
        return consultations.OpenConsultationPermissionTester(user, self)

    def check_texts(self) -> dict[str, str]:
        texts = super().check_texts()
        texts[str(pgettext_lazy("consultation", "draft"))] = "\n".join(
            stream_text(value)
            for value in (
                self.draft,
                self.explanation,
                self.how_to_comment,
                self.adoption_report,
                self.short_period_reason,
            )
        )
        return texts


def consultation_state(page: ConsultationPage, today: datetime.date | None = None):
    today = today or timezone.localdate()
    if today < page.starts_on:
        return choices.ConsultationState.UPCOMING
    if today <= page.ends_on:
        return choices.ConsultationState.OPEN
    if page.adoption_report and page.live:
        return choices.ConsultationState.REPORTED
    return choices.ConsultationState.CLOSED
