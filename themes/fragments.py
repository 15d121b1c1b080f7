"""The page chrome every page of a site repeats (toolbar, masthead, navigation,
quick links, footer, breadcrumb trails), rendered once per site generation and
kept as HTML strings.

``{% sitefragment %}…{% endsitefragment %}`` (themes_tags) keeps what it
encloses under a key of: the site, the site's generation, the site registry's
version, the theme, the language, the tag's place in its template, and a
variant (``nav``: which top-level column the page is in; ``trail``: the page's
parent). The generation lives in the shared cache, read once per request: a
change recorded for the site (``delivery.services.changes_record``: publish,
unpublish, move, rename, site and theme settings, view restrictions) moves it
on through ``site_changed``, at once and again when the change commits, so the
next request of any process renders the chrome again. Each process keeps the
strings (never a model instance) in a bounded map; nothing is kept for a
preview, a closed site's notice or a request outside a routed site, nor when the
cache cannot be read.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import translation
from wagtail.models import Page

from sites import routing

logger = logging.getLogger("themes.fragments")

GENERATION_KEY = "themes:fragments:gen:{}"
_NO_GENERATION = object()


def site_changed(*, site_id: int) -> None:
    """Every fragment of the site is rendered again from the next request on
    (any process): its generation moves on now, and again when the caller's
    transaction commits (a request between the two could otherwise keep
    fragments rendered from the rows before the commit)."""
    _generation_move(site_id)
    transaction.on_commit(lambda: _generation_move(site_id))


def _generation_move(site_id: int) -> None:
    try:
        cache.set(GENERATION_KEY.format(site_id), uuid.uuid4().hex, None)
    except Exception:
        logger.exception("fragment generation not moved for site %s", site_id)


def site_generation(*, site_id: int) -> str | None:
    """The site's current generation from the shared cache (made on first
    use); None when the cache cannot be read (nothing is kept then)."""
    key = GENERATION_KEY.format(site_id)
    try:
        generation = cache.get(key)
        if generation is None:
            cache.add(key, uuid.uuid4().hex, None)
            generation = cache.get(key)
    except Exception:
        logger.warning("fragment generation unreadable for site %s", site_id)
        return None
    return generation


def _request_generation(request) -> str | None:
    """The generation of the request's site, read once per request."""
    found = getattr(request, "_govfragments_generation", _NO_GENERATION)
    if found is _NO_GENERATION:
        found = site_generation(site_id=request.govsite.pk)
        request._govfragments_generation = found
    return found


def fragment_key(context, place: str, kind: str) -> str | None:
    """The key of a fragment in this context, or None when it must be rendered
    (no routed site, a preview, fragments off, the cache unreadable)."""
    if not settings.THEMES_FRAGMENT_CACHE:
        return None
    request = context.get("request")
    site = getattr(request, "govsite", None)
    if site is None or getattr(request, "is_preview", False):
        return None
    if context.get("govsite") is not site:
        return None
    variant = _variant(kind, site=site, page=context.get("page"))
    if variant is None:
        return None
    generation = _request_generation(request)
    if generation is None:
        return None
    host_map = routing.loaded_host_map()
    theme = getattr(context.get("theme"), "name", "")
    return "|".join(
        (
            str(site.pk),
            generation,
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


class _LocalFragments:
    """This process's fragments: key → HTML string, least recently used out."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[str, str] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> str | None:
        with self.lock:
            html = self.entries.get(key)
            if html is not None:
                self.entries.move_to_end(key)
            return html

    def put(self, key: str, html: str) -> None:
        with self.lock:
            self.entries[key] = html
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


local = _LocalFragments(size=4096)
