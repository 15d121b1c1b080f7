"""The page chrome every page of a site repeats (toolbar, masthead, navigation,
quick links, footer, breadcrumb trails), rendered once per site generation and
kept as HTML strings.

``{% sitefragment %}…{% endsitefragment %}`` (themes_tags) keeps what it
encloses under a key of: the site, the site's generation, the site registry's
version, the theme, the language, the tag's place in its template, and a
variant (``nav``: which top-level column the page is in; ``trail``: the page's
parent). The generation (``sites.generation``) lives in the shared cache, read once
per request: a change recorded for the site (``delivery.services.changes_record``:
publish, unpublish, move, rename, site and theme settings, view restrictions)
moves it on, at once and again when the change commits, so the next request of
any process renders the chrome again. Each process keeps the
strings (never a model instance) in a bounded map; nothing is kept for a
preview, a closed site's notice or a request outside a routed site, nor when the
cache cannot be read.
"""

from __future__ import annotations

from django.utils import translation
from wagtail.models import Page

from sites import generation, routing

# The generation is the site's (sites.generation); named here for the tests.
GENERATION_KEY = generation.GENERATION_KEY
site_changed = generation.site_changed
site_generation = generation.site_generation


def fragment_key(context, place: str, kind: str) -> str | None:
    """The key of a fragment in this context, or None when it must be rendered
    (no routed site, a preview, nothing kept per generation)."""
    request = context.get("request")
    site = getattr(request, "govsite", None)
    if site is None or getattr(request, "is_preview", False):
        return None
    if context.get("govsite") is not site:
        return None
    variant = _variant(kind, site=site, page=context.get("page"))
    if variant is None:
        return None
    current = generation.generation_of(site)
    if current is None:
        return None
    host_map = routing.loaded_host_map()
    theme = getattr(context.get("theme"), "name", "")
    return "|".join(
        (
            str(site.pk),
            current,
            host_map.version if host_map is not None else "",
            theme,
            translation.get_language() or "",
            place,
            variant,
        )
    )


def _variant(kind: str, *, site, page) -> str | None:
    if kind == "":
        return ""
    if kind == "nav":
        # The main navigation marks the home page, or the top-level column the
        # page is in (the column itself: "page"; below it: "true").
        root = site.root_page
        pk = getattr(page, "pk", None)
        if pk and pk == root.pk:
            return "home"
        if not isinstance(page, Page) or not page.path.startswith(root.path):
            return "-"
        depth = root.depth + 1
        if page.depth < depth:
            return "-"
        return f"{page.path[: depth * Page.steplen]}:{page.depth == depth}"
    if kind == "trail":
        # The breadcrumb trail is the page's ancestors: its parent's path.
        if not isinstance(page, Page) or not page.path:
            return None
        return f"{page.path[: -Page.steplen]}:{page.content_type_id}"
    raise ValueError(f"unknown fragment kind {kind!r}")


local = generation.Kept(size=4096)
