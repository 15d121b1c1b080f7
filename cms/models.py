"""Page types of a government site."""

from django.core.paginator import Paginator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from . import selectors


class ColumnKind(models.TextChoices):
    LIST = "list", _("Article list")
    DISCLOSURE = "disclosure", _("Government information disclosure")
    POLICY = "policy", _("Policy documents")
    INTERPRETATION = "interpretation", _("Policy interpretations")
    CONSULTATION = "consultation", _("Consultations")
    INTERACTION = "interaction", _("Interaction")
    SERVICE = "service", _("Government services entry")
    ABOUT = "about", _("About the region")
    LINK = "link", _("External link")


class HomePage(Page):
    """The home page of one site; the Wagtail site's root page."""

    intro = RichTextField(_("introduction"), blank=True)

    parent_page_types = ["govsites.SiteFolderPage"]
    subpage_types = ["cms.ColumnPage"]
    max_count_per_parent = 1

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["columns"] = selectors.home_columns(home=self)
        return context


class ColumnPage(Page):
    """A column (栏目): a section of a site with an expected update period."""

    code = models.SlugField(_("column code"), max_length=60, allow_unicode=False)
    kind = models.CharField(
        _("kind"), max_length=20, choices=ColumnKind.choices, default=ColumnKind.LIST
    )
    update_period_days = models.PositiveIntegerField(
        _("expected update period (days)"),
        null=True,
        blank=True,
        help_text=_("Leave empty for columns that are not expected to update."),
    )
    description = models.TextField(_("description"), blank=True)

    parent_page_types = ["cms.HomePage", "cms.ColumnPage"]
    subpage_types = ["cms.ColumnPage"]

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("code"), FieldPanel("kind"), FieldPanel("update_period_days")],
            heading=_("Column"),
        ),
        FieldPanel("description"),
    ]

    per_page = 20

    class Meta:
        verbose_name = _("column")
        verbose_name_plural = _("columns")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        children = self.get_children().live().public().order_by("-first_published_at")
        context["items"] = Paginator(children, self.per_page).get_page(
            request.GET.get("page")
        )
        return context
