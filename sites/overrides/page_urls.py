"""Page URLs from the host map instead of Wagtail's scan of every site.

Replaces, on Wagtail's own classes (so that every page, specific or not, and
Wagtail's redirects and choosers use them):

- ``Site.get_site_root_paths``: Wagtail reads every site's root path from the
  cache (or the database) on each request; ours returns the host map's list.
- ``Page._get_relevant_site_root_paths``: Wagtail scans that list (3,000 entries)
  for every link; ours does one dict lookup per path segment. Like Wagtail's, it
  leaves the list on ``cache_object`` as ``_wagtail_cached_site_root_paths``
  (Wagtail's private attribute): the automatic redirects on a move read it there.
- ``Page.get_url`` and the ``Page.url`` property: Wagtail counts every site's
  root path for each link to decide whether a relative URL will do; ours does not
  count, and links a page on its own host from the platform's host (the admin)
  even when there is one site.

Why not a subclass: overriding ``get_url_parts`` and ``get_url`` on our page base
classes would leave every non-specific ``Page`` (the explorer, menus built from
``get_children()``, Wagtail's redirects and page chooser) on Wagtail's scan, and
``Site.get_site_root_paths`` has no hook. ``tests/overrides/test_page_urls.py``
pins the signatures and private attribute this relies on.
"""

from __future__ import annotations

import inspect

from wagtail.models import Page, Site
from wagtail.models.sites import SiteRootPath

from sites import routing

# Wagtail's own lookups, kept for the benchmark's vanilla figures and the tests.
WAGTAIL_ORIGINALS: dict = {}

# Wagtail's private attribute caching every site's root paths on a request or page.
CACHE_ATTRIBUTE = "_wagtail_cached_site_root_paths"


def site_root_paths() -> list[SiteRootPath]:
    """Replacement for ``Site.get_site_root_paths``: most specific path first."""
    return routing.get_host_map().sorted_root_paths


def relevant_site_root_paths(page: Page, cache_object=None) -> tuple[SiteRootPath, ...]:
    """Replacement for ``Page._get_relevant_site_root_paths``: prefix lookups only.

    Like Wagtail's, it leaves every site's root paths on ``cache_object`` (a request
    or a page) as ``_wagtail_cached_site_root_paths``. The list is the map's own
    (paths and strings), not a copy."""
    if cache_object is not None:
        setattr(cache_object, CACHE_ATTRIBUTE, routing.get_host_map().sorted_root_paths)
    return routing.root_paths_for(page.url_path or "")


def page_get_url(page: Page, request=None, current_site=None):
    """Replacement for ``Page.get_url``: the same answer without counting every
    site's root path for each link (Wagtail 8 does, 3,000 entries per link)."""
    if current_site is None and request is not None:
        current_site = Site.find_for_request(request)
    url_parts = page.get_url_parts(request=request)
    if url_parts is None or (url_parts[1] is None and url_parts[2] is None):
        return None
    site_id, root_url, page_path = url_parts
    if current_site is not None and site_id == current_site.id:
        return page_path
    # Wagtail shortens every link when there is one site; a request on the
    # platform's own host (the admin: no site) needs the site's host even then.
    if request is None and len(routing.get_host_map().root_paths) == 1:
        return page_path
    return root_url + page_path


def install() -> None:
    """Point Wagtail's site-root-path lookups and page URLs at the host map."""
    if not WAGTAIL_ORIGINALS:
        WAGTAIL_ORIGINALS["get_site_root_paths"] = inspect.getattr_static(
            Site, "get_site_root_paths"
        )
        WAGTAIL_ORIGINALS["relevant"] = inspect.getattr_static(
            Page, "_get_relevant_site_root_paths"
        )
        WAGTAIL_ORIGINALS["get_url"] = inspect.getattr_static(Page, "get_url")
        WAGTAIL_ORIGINALS["url"] = inspect.getattr_static(Page, "url")
    Site.get_site_root_paths = staticmethod(site_root_paths)
    Page._get_relevant_site_root_paths = relevant_site_root_paths
    Page.get_url = page_get_url
    Page.url = property(page_get_url)


def uninstall() -> None:
    """Put Wagtail's own lookups back (the benchmark's vanilla figures)."""
    Site.get_site_root_paths = WAGTAIL_ORIGINALS["get_site_root_paths"]
    Page._get_relevant_site_root_paths = WAGTAIL_ORIGINALS["relevant"]
    Page.get_url = WAGTAIL_ORIGINALS["get_url"]
    Page.url = WAGTAIL_ORIGINALS["url"]
