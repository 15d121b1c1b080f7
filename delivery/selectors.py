"""Which addresses of a site the static tree holds, and which a change touches."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from wagtail.models import Page

from sites import routing
from sites.models import GovSite

# Addresses every site answers with a page of its own.
HOME = "/"
# The lists of every published item: written again whenever one changes.
SITE_LISTS = ("/", "/sitemap.xml", "/sitemap.html")
FIXED = (*SITE_LISTS, "/robots.txt")
FEEDS = ("rss.xml", "atom.xml")


def _column_model():
    return apps.get_model(settings.SITES_COLUMN_PAGE_MODEL)


def page_address(page: Page) -> str | None:
    """The path of a page on its own site (the address visitors use)."""
    parts = page.get_url_parts()
    return parts[2] if parts else None


def site_for_page(page: Page) -> GovSite | None:
    return routing.govsite_for_page(page)


def _column_addresses(path: str) -> list[str]:
    return [path, *(path + name for name in FEEDS)]


def site_addresses(*, site: GovSite) -> dict[str, int | None]:
    """Every address of ``site`` that may have a file: its live public pages, its
    columns' feeds, the sitemap, the site map page and robots.txt, with the id of
    the page each belongs to (None for the site-wide ones)."""
    root = Page.objects.filter(pk=site.wagtail_site.root_page_id).first()
    found: dict[str, int | None] = dict.fromkeys(FIXED)
    if root is None:
        return found
    column_model = _column_model()
    pages = (
        Page.objects.descendant_of(root, inclusive=True)
        .live()
        .public()
        .specific(defer=True)
    )
    for page in pages:
        path = page_address(page)
        if path is None:
            continue
        if isinstance(page, column_model):
            for address in _column_addresses(path):
                found[address] = page.pk
        else:
            found[path] = page.pk
    return found


def list_addresses(*, page_ids: list[int]) -> set[str]:
    """The lists that show these pages: their columns up to the home page (each
    column's first page and its feeds, parent columns' feeds carry sub-columns'
    items), the home page, the sitemap and the site map page."""
    found = set(SITE_LISTS)
    pages = Page.objects.filter(pk__in=page_ids)
    if not pages:
        return found
    column_model = _column_model()
    column_type = column_model._meta.label_lower
    ancestors = Page.objects.none()
    for page in pages:
        ancestors |= Page.objects.ancestor_of(page, inclusive=True)
    for column in (
        ancestors.filter(content_type__model=column_type.split(".")[1])
        .filter(content_type__app_label=column_type.split(".")[0])
        .specific(defer=True)
    ):
        path = page_address(column)
        if path is not None:
            found.update(_column_addresses(path))
    return found


def page_addresses(*, page_ids: list[int]) -> dict[int, str]:
    """The own address of each page, live or not (an unpublished page's file is
    removed from its address)."""
    found = {}
    for page in Page.objects.filter(pk__in=page_ids).specific(defer=True):
        path = page_address(page)
        if path is not None:
            found[page.pk] = path
    return found


def publishing_sites():
    """The sites whose pages the static tree holds: every site not in preparation
    or closed is rendered; a closed one answers 410 and has no files."""
    return GovSite.objects.order_by("code")


def site_by_code(code: str) -> GovSite | None:
    return GovSite.objects.filter(code=code).first()


def site_by_id(site_id: int) -> GovSite | None:
    return GovSite.objects.filter(pk=site_id).select_related("wagtail_site").first()


def own_addresses(page: Page) -> list[str]:
    """The addresses a page answers itself: its own, and a column's feeds."""
    page = page.specific_deferred if type(page) is Page else page
    path = page_address(page)
    if path is None:
        return []
    if isinstance(page, _column_model()):
        return _column_addresses(path)
    return [path]


def govsite_id_for_wagtail_site(wagtail_site_id: int) -> int | None:
    return routing.get_host_map().by_wagtail_site.get(wagtail_site_id)


def govsite_id_for_path(url_path: str) -> int | None:
    """The site whose tree holds a page's ``url_path`` (before a move)."""
    matches = routing.root_paths_for(url_path or "")
    if not matches:
        return None
    return routing.get_host_map().by_wagtail_site.get(matches[0].site_id)
