"""Host routing without scanning every site.

A process-local map from host name to site, and from a site's root path to its
Wagtail ``SiteRootPath``, rebuilt when a version key in the shared cache changes.
The map holds ids, paths and plain values only, never model instances: a request
gets its own ``GovSite`` (with its Wagtail site and a bare root page) built from
them, so a page published in this process is read fresh by the next request.
Vanilla Wagtail loads every site's root path on each request and scans them all for
every internal link; at 3,000 sites that costs milliseconds per link. Here a request
resolves its site with a dict lookup and a link with a few prefix lookups
(``sites.overrides.page_urls`` points Wagtail's page URLs at this map).
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
import uuid
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS
from wagtail.models import Page, Site
from wagtail.models.sites import SiteRootPath

from .models import GovSite, SiteHost

logger = logging.getLogger(__name__)

VERSION_KEY = "govsites:hostmap:version"

# The host of the request being served, once the registry has matched it exactly.
verified_host: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "verified_host", default=None
)


@dataclass(frozen=True)
class Route:
    govsite_id: int
    wagtail_site_id: int
    code: str
    primary_host: str
    status: str
    is_alias: bool


@dataclass
class HostMap:
    version: str | None
    routes: dict[str, Route] = field(default_factory=dict)
    # Registry rows as plain dicts (cheap to load for thousands of sites); each
    # request builds its own instances from them (``site_for``), never kept here.
    rows: dict[int, dict] = field(default_factory=dict)
    by_wagtail_site: dict[int, int] = field(default_factory=dict)
    by_folder_page: dict[int, int] = field(default_factory=dict)
    root_page_ids: set[int] = field(default_factory=set)
    # root path ("/2100000001/home/") -> SiteRootPath
    root_paths: dict[str, SiteRootPath] = field(default_factory=dict)
    sorted_root_paths: list[SiteRootPath] = field(default_factory=list)
    loaded_at: float = 0.0


_lock = threading.Lock()
_map = HostMap(version=None)

_SITE_FIELDS = {
    "wagtail_site__hostname": "hostname",
    "wagtail_site__port": "port",
    "wagtail_site__site_name": "site_name",
    "wagtail_site__root_page_id": "root_page_id",
}
_ROOT_FIELDS = {
    "wagtail_site__root_page__url_path": "url_path",
    "wagtail_site__root_page__path": "path",
    "wagtail_site__root_page__depth": "depth",
    "wagtail_site__root_page__title": "title",
    "wagtail_site__root_page__content_type_id": "content_type_id",
    "wagtail_site__root_page__locale_id": "locale_id",
    "wagtail_site__root_page__live": "live",
}
# The root page's fields the registry holds.
_ROOT_ATTNAMES = {"id", *_ROOT_FIELDS.values()}


def _current_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY, version)
    return version


def _root_url(hostname: str, port: int) -> str:
    # As wagtail.models.Site.root_url.
    if port == 80:
        return f"http://{hostname}"
    if port == 443:
        return f"https://{hostname}"
    return f"http://{hostname}:{port}"


def _load(version: str) -> HostMap:
    host_map = HostMap(version=version, loaded_at=time.monotonic())
    own = [f.attname for f in GovSite._meta.concrete_fields]
    for row in GovSite.objects.values(*own, *_SITE_FIELDS, *_ROOT_FIELDS):
        site_id = row["id"]
        host_map.rows[site_id] = row
        host_map.by_wagtail_site[row["wagtail_site_id"]] = site_id
        host_map.by_folder_page[row["folder_page_id"]] = site_id
        host_map.root_page_ids.add(row["wagtail_site__root_page_id"])
        url_path = row["wagtail_site__root_page__url_path"]
        host_map.root_paths[url_path] = SiteRootPath(
            row["wagtail_site_id"],
            url_path,
            _root_url(row["wagtail_site__hostname"], row["wagtail_site__port"]),
            settings.LANGUAGE_CODE,
        )
    host_map.sorted_root_paths = sorted(
        host_map.root_paths.values(), key=lambda s: s.root_path, reverse=True
    )
    for hostname, govsite_id, is_primary in SiteHost.objects.values_list(
        "hostname", "govsite_id", "is_primary"
    ):
        row = host_map.rows[govsite_id]
        host_map.routes[hostname] = Route(
            govsite_id=govsite_id,
            wagtail_site_id=row["wagtail_site_id"],
            code=row["code"],
            primary_host=row["host"],
            status=row["status"],
            is_alias=not is_primary,
        )
    return host_map


def _instance(host_map: HostMap, govsite_id: int):
    """A new ``GovSite`` (with its Wagtail site and root page) built from the row,
    without a query. The root page carries the tree fields only (id, path, depth,
    url path, type): its content (``.specific``) is read when a request needs it."""

    row = host_map.rows.get(govsite_id)
    if row is None:
        return None
    own = {k: v for k, v in row.items() if "__" not in k}
    site = GovSite(**own)
    site._state.adding = False
    wagtail_site = Site(
        id=row["wagtail_site_id"],
        is_default_site=False,
        **{name: row[key] for key, name in _SITE_FIELDS.items()},
    )
    wagtail_site._state.adding = False
    root = Page(
        id=row["wagtail_site__root_page_id"],
        **{name: row[key] for key, name in _ROOT_FIELDS.items()},
    )
    root._state.adding = False
    _home_deferred(root)
    wagtail_site.root_page = root
    site.wagtail_site = wagtail_site
    return site


def _home_deferred(root: Page) -> None:
    """Give the root page its ``.specific`` without a query: the home page type
    with the tree fields the registry holds and every other field deferred (read
    from the database if something asks for it). Wagtail routes every request
    through ``root_page.specific.route()``; the home page's route reads its row
    whole when the home page itself is served."""
    model = home_page_model()
    if root.content_type_id != ContentType.objects.get_for_model(model).pk:
        return
    known = {f.attname: getattr(root, f.attname) for f in Page._meta.concrete_fields}
    names = [
        f.attname
        for f in model._meta.concrete_fields
        if f.attname in _ROOT_ATTNAMES or f.attname == "page_ptr_id"
    ]
    values = [known.get(name, root.pk) for name in names]
    home = model.from_db(DEFAULT_DB_ALIAS, names, values)
    root.__dict__["specific"] = home


def loaded_host_map() -> HostMap | None:
    """This process's map if it holds one, without loading or checking it."""
    return _map if _map.version is not None else None


def home_page_model():
    return apps.get_model(settings.SITES_HOME_PAGE_MODEL)


def get_host_map() -> HostMap:
    """The current map; checks the shared version at most once per TTL."""
    global _map
    host_map = _map
    now = time.monotonic()
    if (
        host_map.version is not None
        and now - host_map.loaded_at < settings.SITES_HOST_MAP_TTL
    ):
        return host_map
    with _lock:
        try:
            version = _current_version()
            if _map.version == version:
                _map.loaded_at = now
                return _map
            _map = _load(version)
        except Exception:
            # The cache or the database is down: keep serving the copy this
            # process holds (checked again after the TTL); without one, the
            # caller fails (the request is answered 503).
            if _map.version is None:
                raise
            logger.warning("site registry unreadable; serving the last copy")
            _map.loaded_at = now
        return _map


def invalidate() -> None:
    """The registry changed: every process reloads its map (this one at once)."""
    global _map
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)
    with _lock:
        _map = HostMap(version=None)


def reset_local() -> None:
    """Forget this process's map; the next lookup reloads it."""
    global _map
    with _lock:
        _map = HostMap(version=None)


def resolve(hostname: str) -> Route | None:
    return get_host_map().routes.get(hostname.lower().rstrip("."))


def site_for(route: Route):
    """The route's ``GovSite`` (with its Wagtail site), new for each call, no query."""
    return _instance(get_host_map(), route.govsite_id)


def root_paths_for(url_path: str) -> tuple[SiteRootPath, ...]:
    """The root paths of every site whose tree holds ``url_path``, most specific
    first (as Wagtail orders them): one dict lookup per path segment."""
    root_paths = get_host_map().root_paths
    found = []
    end = url_path.find("/", 1)
    while end != -1:
        match = root_paths.get(url_path[: end + 1])
        if match is not None:
            found.append(match)
        end = url_path.find("/", end + 1)
    found.reverse()
    return tuple(found)


def govsite_id_for(*, url_path: str, page_id: int) -> int | None:
    """The id of the site the page at ``url_path`` belongs to, from the map (no
    query, no instance): what a batch of page rows asks (the search index)."""
    host_map = get_host_map()
    matches = root_paths_for(url_path or "")
    if matches:
        return host_map.by_wagtail_site.get(matches[0].site_id)
    # A site's folder page sits one level above its home page.
    return host_map.by_folder_page.get(page_id)


def govsite_by_id(govsite_id: int):
    """A new ``GovSite`` of that id built from the map (no query), or None."""
    return _instance(get_host_map(), govsite_id)


def govsite_for_page(page: Page):
    """The site a page belongs to, from the map (no query)."""
    govsite_id = govsite_id_for(url_path=page.url_path, page_id=page.pk)
    return govsite_by_id(govsite_id) if govsite_id is not None else None
