"""The frame of a government site: its home page and its columns (栏目)."""

import re

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db import DEFAULT_DB_ALIAS, models
from django.http import Http404
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.url_routing import RouteResult

from cms import feeds, selectors
from cms.blocks import HomeSectionBlock
from cms.readonly import SitePagePermissionTester
from core.pages import KeptViewRestrictionsMixin, public
from core.prepared import ByPk
from sites import generation, tenancy
from sites.forms import SitePageForm


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


class ListLayout(models.TextChoices):
    TITLES = "titles", _("Titles with dates")
    SUMMARIES = "summaries", _("Titles with summaries")
    PICTURES = "pictures", _("Pictures")
    DOCUMENTS = "documents", _("Document table (number, organ, date)")


CONTENT_PAGE_TYPES = [
    "cms.ArticlePage",
    "cms.PolicyDocumentPage",
    "cms.InterpretationPage",
    "cms.ConsultationPage",
]
# /<column>/<yyyymm>/t<yyyymmdd>_<id>.html, the address of a content page.
CONTENT_ADDRESS = re.compile(r"^t(?P<day>\d{8})_(?P<id>\d+)\.html$")
MONTH = re.compile(r"^\d{6}$")


class HomePage(KeptViewRestrictionsMixin, Page):
    """The home page of one site; the Wagtail site's root page."""

    intro = RichTextField(_("introduction"), blank=True)
    sections = StreamField(
        HomeSectionBlock(),
        verbose_name=_("sections"),
        blank=True,
        help_text=_(
            "What the home page shows, in order: headlines, blocks of the latest "
            "items of a column, service entrances and links to other platforms. "
            "Empty: every top-level column with its latest items."
        ),
    )

    parent_page_types = ["govsites.SiteFolderPage"]
    subpage_types = ["cms.ColumnPage"]
    max_count_per_parent = 1
    # Which page tags it carries (themes.page_tags): the site's.
    page_tags_kind = "home"
    base_form_class = SitePageForm

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("sections")]

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def permissions_for_user(self, user):
        return SitePagePermissionTester(user, self)

    def route(self, request, path_components):
        if not path_components and self.get_deferred_fields():
            # The root as the site registry gives it (sites.routing: tree fields
            # only): read whole to be served.
            home = _home_by_pk.get(self.pk)
            if home is None:
                raise Http404
            return home.route(request, path_components)
        if path_components:
            # The request's site's columns by address, kept per site generation:
            # no query per level (below, the walk for what they do not hold).
            routed = self._route_by_columns(request, path_components)
            if routed is not None:
                return routed
        # A content page's address (/<column>/.../<yyyymm>/t<yyyymmdd>_<id>.html)
        # names its id: fetched at once with its column, instead of one look-up
        # per level down the columns. The same answer as the walk (ColumnPage.route):
        # a live page whose parent is the column at exactly that address.
        if len(path_components) >= 3 and MONTH.match(path_components[-2]):
            match = CONTENT_ADDRESS.match(path_components[-1])
            if match:
                return self._route_content(path_components[:-2], int(match["id"]))
        return super().route(request, path_components)

    def _route_by_columns(self, request, path_components) -> RouteResult | None:
        """Route through the deepest column whose address starts the path, found
        in the site's column map (``column_routes``): the column served is read
        whole (one query), a column routed through is built from the map (no
        query) and routes the rest itself (a content page by its id, a feed, a
        page by its slug). None, for Wagtail's walk, off the request's site's
        home page or when the map holds no column at the path's first level (a
        column added since the map was made, or nothing there: 404)."""
        site = tenancy.current_site()
        if site is None or site.root_page.pk != self.pk:
            return None
        columns = generation.kept_for(
            site, "column_routes", lambda: column_routes(home=self)
        )
        address = self.url_path
        found = None
        for depth, slug in enumerate(path_components, 1):
            address += f"{slug}/"
            values = columns.get(address)
            if values is None:
                break
            found = depth, address, values
        if found is None:
            return None
        depth, address, values = found
        rest = path_components[depth:]
        if not rest:
            column = _column_by_pk.get(values[0])
            if column is None or column.url_path != address:
                # Moved or removed since the map was made: Wagtail's walk.
                return None
            return column.route(request, rest)
        column = ColumnPage.from_db(DEFAULT_DB_ALIAS, column_route_fields(), values)
        return column.route(request, rest)

    def _route_content(self, column_slugs, page_id: int) -> RouteResult:
        page = (
            Page.objects.descendant_of(self)
            .filter(pk=page_id)
            .live()
            .specific()
            .first()
        )
        if page is None:
            raise Http404
        column = ColumnPage.objects.filter(path=page.path[: -Page.steplen]).first()
        address = self.url_path + "".join(f"{slug}/" for slug in column_slugs)
        if column is None or column.url_path != address:
            raise Http404
        page.routed_column = column
        return RouteResult(page)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Read when the template shows them: not at all when the home page's
        # content is kept per site generation (themes.fragments, ``list``).
        if self.sections:
            context["sections"] = SimpleLazyObject(
                lambda: selectors.home_sections(home=self)
            )
        else:
            context["columns"] = SimpleLazyObject(
                lambda: selectors.home_columns(home=self)
            )
        return context

    def fragment_keepable(self) -> bool:
        """Whether what the home page shows may be kept per site generation
        (themes.fragments): only when it reads no row whose change leaves this
        site's generation where it is. Not with a link or an embed in the
        introduction (another site's page, a document), nor with a section on
        a column that is not one of this site's (another site's column renamed
        moves that site's generation, not this one's)."""
        if any(marker in (self.intro or "") for marker in ("linktype=", "<embed")):
            return False
        chosen = {
            block["value"].get("column")
            for block in self.sections.raw_data
            if block.get("type") in ("headlines", "column")
            and isinstance(block.get("value"), dict)
        } - {None}
        if not chosen:
            return True
        site = tenancy.current_site()
        if site is None or site.root_page.pk != self.pk:
            return False
        columns = generation.kept_for(
            site, "column_routes", lambda: column_routes(home=self)
        )
        own = {values[0] for values in columns.values()}
        return chosen <= own


class ColumnPage(KeptViewRestrictionsMixin, Page):
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
    list_layout = models.CharField(
        _("list layout"),
        max_length=12,
        choices=ListLayout.choices,
        default=ListLayout.TITLES,
    )

    parent_page_types = ["cms.HomePage", "cms.ColumnPage"]
    subpage_types = ["cms.ColumnPage", *CONTENT_PAGE_TYPES]
    base_form_class = SitePageForm
    # Which page tags it carries (themes.page_tags): the site's and its own.
    page_tags_kind = "column"

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("code"),
                FieldPanel("kind"),
                FieldPanel("update_period_days"),
                FieldPanel("list_layout"),
            ],
            heading=_("Column"),
        ),
        FieldPanel("description"),
    ]

    per_page = 20

    class Meta:
        verbose_name = _("column")
        verbose_name_plural = _("columns")

    def permissions_for_user(self, user):
        return SitePagePermissionTester(user, self)

    def route(self, request, path_components):
        # /<column>/<yyyymm>/t<yyyymmdd>_<id>.html: a content page by its id, so
        # renaming or re-slugging it never breaks an address already handed out.
        if len(path_components) == 2 and MONTH.match(path_components[0]):
            match = CONTENT_ADDRESS.match(path_components[1])
            if match:
                page = content_child(column=self, page_id=int(match["id"]))
                if page is None:
                    raise Http404
                # The column it was found in, for this request's page tags
                # (themes.page_tags.column_of): no second look-up of the parent.
                page.routed_column = self
                return RouteResult(page)
        if len(path_components) == 1 and path_components[0] in FEEDS and self.live:
            return RouteResult(self, kwargs={"feed": path_components[0]})
        return super().route(request, path_components)

    def serve(self, request, *args, feed=None, **kwargs):
        if feed is not None:
            return feeds.serve_column_feed(request, column=self, kind=FEEDS[feed])
        return super().serve(request, *args, **kwargs)

    def breadcrumbs(self):
        return selectors.breadcrumbs(page=self)

    def items(self):
        """The column's published content, newest first (columns excluded)."""
        return selectors.column_items(column=self)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Its pages and what other sites' items it lists (cms.listings).
        # Read when the template shows the list: not at all when the list is
        # kept per site generation (themes.fragments, ``list``).
        context["items"] = SimpleLazyObject(
            lambda: Paginator(
                selectors.column_listing(column=self), self.per_page
            ).get_page(request.GET.get("page"))
        )
        context["subcolumns"] = public(
            ColumnPage.objects.child_of(self).live()
        ).order_by("path")
        return context


FEEDS = {"rss.xml": "rss", "atom.xml": "atom"}


# A column's fields that change without its site's generation moving (a child
# added, a draft saved, a lock): never kept in the column map, read from the
# row if something asks (``numchild`` by Wagtail's walk below the column).
_UNKEPT_COLUMN_FIELDS = {
    "numchild",
    "has_unpublished_changes",
    "latest_revision_id",
    "latest_revision_created_at",
    "draft_title",
    "locked",
    "locked_at",
    "locked_by_id",
}


def column_route_fields() -> list[str]:
    """The fields a column's entry in the column map holds, in order (the id
    first): a column's concrete fields (short strings, ids, dates) but those
    that change without the site's generation moving."""
    return [
        f.attname
        for f in ColumnPage._meta.concrete_fields
        if f.attname not in _UNKEPT_COLUMN_FIELDS
    ]


def column_routes(*, home: Page) -> dict[str, tuple]:
    """Every column of ``home``'s site by its ``url_path``: the values of its
    fields (``column_route_fields``), one query. Ids, paths and strings, never
    instances: a request builds its own column from them."""
    names = column_route_fields()
    rows = ColumnPage.objects.filter(
        path__startswith=home.path, depth__gt=home.depth
    ).values_list(*names)
    at = names.index("url_path")
    return {row[at]: row for row in rows}


def _content_page_relations() -> dict[type, str]:
    return {
        model: model._meta.model_name
        for model in (apps.get_model(name) for name in CONTENT_PAGE_TYPES)
    }


# The home page served and a column served, read whole by id: their queries
# compiled once per process.
_home_by_pk = ByPk(lambda pk: HomePage.objects.filter(pk=pk))
_column_by_pk = ByPk(lambda pk: ColumnPage.objects.filter(pk=pk))
# A page with each content type's row joined, by id: compiled once per process.
_content_by_pk = ByPk(
    lambda pk: Page.objects.filter(pk=pk).select_related(
        *_content_page_relations().values()
    )
)


def content_child(*, column: Page, page_id: int) -> Page | None:
    """The live content page ``page_id`` directly under ``column``, as its own
    type, in one query (each content type's row joined); None if there is none.
    A page of another type is read as Wagtail would (``.specific``)."""
    page = _content_by_pk.get(page_id)
    if (
        page is None
        or not page.live
        or page.depth != column.depth + 1
        or not page.path.startswith(column.path)
    ):
        return None
    model = ContentType.objects.get_for_id(page.content_type_id).model_class()
    relation = _content_page_relations().get(model)
    if relation is not None:
        return getattr(page, relation)
    return page.specific
