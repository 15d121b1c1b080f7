"""Reads for rendering a site's pages in its theme; each takes the site."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.http import HttpRequest
from wagtail.models import Page

from core.pages import public
from sites import routing
from sites.models import GovSite

from . import registry
from .colours import darker, readable_on_white
from .models import ThemeSettings


def site_for_request(request: HttpRequest) -> GovSite | None:
    """The site a request is for: set by the routing middleware, or (for a closed
    site's notice, answered before the site is made current) its route's site."""
    site = getattr(request, "govsite", None)
    if site is not None:
        return site
    route = getattr(request, "govsite_route", None)
    if route is None or route.is_alias:
        return None
    return routing.site_for(route)


def theme_for_request(request: HttpRequest) -> registry.Theme:
    theme = getattr(request, "_govtheme", None)
    if theme is None:
        site = site_for_request(request)
        theme = (
            registry.theme_get(site.theme, site=site)
            if site is not None
            else registry.base_theme()
        )
        request._govtheme = theme
    return theme


def theme_settings_get(*, site: GovSite):
    """The site's theme settings (created empty on first use, as Wagtail does)."""
    return ThemeSettings.for_site(site.wagtail_site)


def theme_colours(*, theme: registry.Theme, settings=None) -> dict[str, str]:
    primary = (settings.primary_colour if settings else "") or theme.primary
    if not readable_on_white(primary):  # saved before the rule, or edited in SQL
        primary = theme.primary
    return {
        "primary": primary,
        "primary_dark": darker(primary),
        # The address part of the colours' stylesheet (views.colours_css).
        "key": primary[1:].lower(),
    }


def section_nav(*, site: GovSite, page: Page) -> tuple[Page | None, list[Page]]:
    """The top-level column ``page`` is in, and that column's live sub-columns in
    the menu: the side navigation of a column or content page."""
    column_model = apps.get_model(settings.SITES_COLUMN_PAGE_MODEL)
    home = site.root_page
    if not page.path.startswith(home.path) or page.depth <= home.depth:
        return None, []
    top = (
        Page.objects.filter(path=page.path[: (home.depth + 1) * Page.steplen])
        .live()
        .first()
    )
    if top is None:
        return None, []
    children = list(
        public(column_model.objects.child_of(top).live().in_menu()).order_by("path")
    )
    return top, children


def related_sites(*, site: GovSite, limit: int = 12) -> list[dict]:
    """The site's parent and the active sites directly below it, from the
    in-memory registry (no query): the footer's links to related sites."""
    host_map = routing.get_host_map()
    rows = host_map.rows
    related = []
    parent = rows.get(site.parent_id) if site.parent_id else None
    if parent is not None and parent["status"] != "closed":
        related.append({"code": parent["code"], "name": parent["name"], "up": True})
    children = sorted(
        (
            row
            for row in rows.values()
            if row["parent_id"] == site.pk and row["status"] != "closed"
        ),
        key=lambda row: row["tree_path"],
    )
    related += [
        {"code": row["code"], "name": row["name"], "up": False}
        for row in children[:limit]
    ]
    return related


def site_host_by_code(*, code: str) -> str | None:
    """The primary host of the site with this site code, from the in-memory
    registry (no query); None for an unknown or closed site."""
    for row in routing.get_host_map().rows.values():
        if row["code"] == code and row["status"] != "closed":
            return row["host"]
    return None


def column_tree(*, site: GovSite) -> list[tuple[Page, list[Page]]]:
    """The site's top-level columns with their sub-columns (two levels, one
    query): the site map page."""
    column_model = apps.get_model(settings.SITES_COLUMN_PAGE_MODEL)
    home = site.root_page
    columns = public(
        column_model.objects.descendant_of(home)
        .filter(depth__lte=home.depth + 2)
        .live()
    ).order_by("path")
    tree: list[tuple[Page, list[Page]]] = []
    for column in columns:
        if column.depth == home.depth + 1:
            tree.append((column, []))
        elif tree and column.path.startswith(tree[-1][0].path):
            tree[-1][1].append(column)
    return tree
