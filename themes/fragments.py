"""The page chrome every page of a site repeats (toolbar, masthead, navigation,
quick links, footer, breadcrumb trails), rendered once per site generation and
kept as HTML strings.

``{% sitefragment %}…{% endsitefragment %}`` (themes_tags) keeps what it
encloses under a key of: the site, the site's generation, the site registry's
version, the theme, the language, the tag's place in its template, and a
variant (``nav``: which top-level column the page is in; ``trail``: the page's
parent; ``path``: the page's place in the tree, for what marks the page's own
ancestors; ``page``: the live page itself, by id, live revision and publishing
time, for what shows its fields (the page tags); ``list``: the same and the
page of the list asked for (a column's list of items, its sub-columns and its
pagination: what it lists changes only with a change recorded for the site, its
syndicated items' included); ``content``: the same, for the
rendered content of a page whose body and attachments link to no document or
page (a document or another site's page changes without this site's generation
moving; an image change moves it), else rendered every time). The generation
(``sites.generation``) lives in the shared cache, read once per request: a
change recorded for the site (``delivery.services.changes_record``: publish,
unpublish, move, rename, site and theme settings, view restrictions) moves it
on, at once and again when the change commits, so the next request of any
process renders the chrome again. Each process keeps the strings (never a model
instance) in a bounded map; nothing is kept for a preview, a closed site's
notice or a request outside a routed site, nor when the cache cannot be read.
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
    variant = _variant(kind, site=site, page=context.get("page"), request=request)
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


def _variant(kind: str, *, site, page, request=None) -> str | None:
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
    if kind == "path":
        # Marks the page's own place (the side navigation's current column).
        if not isinstance(page, Page) or not page.path:
            return None
        return page.path
    if kind == "list":
        # A column's list: its page of the list (``?page=``, digits only; any
        # other value is rendered, not kept).
        number = request.GET.get("page", "") if request is not None else None
        if number is None or len(number) > 6 or (number and not number.isdigit()):
            return None
        live = _variant("page", site=site, page=page)
        if live is None or not _keepable(page):
            return None
        return f"{live}:{number}"
    if kind in ("page", "content"):
        # The live page as published: a publish (even one that did not move the
        # generation, a syndicated source's) gives a new revision and time.
        if not isinstance(page, Page) or not page.pk or not page.live:
            return None
        if kind == "content" and not (_self_contained(page) and _keepable(page)):
            return None
        published = page.last_published_at
        return (
            f"{page.pk}:{page.live_revision_id}:"
            f"{published.isoformat() if published else ''}"
        )
    if kind == "trail":
        # The breadcrumb trail is the page's ancestors: its parent's path.
        if not isinstance(page, Page) or not page.path:
            return None
        return f"{page.path[: -Page.steplen]}:{page.content_type_id}"
    raise ValueError(f"unknown fragment kind {kind!r}")


# Rich text's references to other rows (<a linktype="page|document" …>, an
# embed): their addresses and titles are read when the text is rendered.
_REFERENCES = ("linktype=", "<embed")
# Stream blocks whose rendering reads a document's row.
_DOCUMENT_BLOCKS = frozenset({"attachment"})


def _keepable(page) -> bool:
    """A page type may say its content reads rows whose changes do not move its
    site's generation (``fragment_keepable()``: the home page, when a section
    shows another site's column)."""
    keepable = getattr(page, "fragment_keepable", None)
    return keepable is None or bool(keepable())


def _self_contained(page) -> bool:
    """Whether the page's StreamFields (body, attachments) render from the page's
    own row alone, images aside (an image changed records the pages that show
    it: their site's generation moves): no document, no link to a page."""
    for name in ("body", "attachments"):
        value = getattr(page, name, None)
        if value is None:
            continue
        raw = getattr(value, "raw_data", None)
        if raw is None:
            return False
        for block in raw:
            if not isinstance(block, dict) or block.get("type") in _DOCUMENT_BLOCKS:
                return False
            if name == "attachments":
                return False
            text = str(block.get("value", ""))
            if any(marker in text for marker in _REFERENCES):
                return False
    return True


local = generation.Kept(size=4096)
# What one page shows (``PAGE_KINDS``): apart, so that a crawler going through
# thousands of pages never pushes the chrome every page repeats out of ``local``.
# About 2 to 10 KB each: at most some 20 MB a process.
pages = generation.Kept(size=2048)
PAGE_KINDS = frozenset({"path", "page", "content", "list"})


def kept_map(kind: str) -> generation.Kept:
    return pages if kind in PAGE_KINDS else local
