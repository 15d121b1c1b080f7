"""The full-page cache of anonymous public pages that have no file in the static
tree: a column's later pages, filtered lists.

Kept whole (status, headers, body) in the cache, keyed by host, path and the
allowed query parameters (``DELIVERY_PAGE_CACHE_PARAMS``; an address with any
other parameter is not cached). Each entry carries its host's generation; a
change on the site (``site_changed``) moves the generation on, so every page of
the site is dropped at once without listing them. One cache read per hit (the
generation and the page together), and mostly none: each process keeps its most
used entries and checks a host's generation at most once a second
(``DELIVERY_PAGE_CACHE_LOCAL_TTL``).

Public answers (to anonymous visitors, whether cached or not) say so with
``Cache-Control: public, max-age=0, s-maxage=DELIVERY_SHARED_MAX_AGE``: a CDN or
proxy may keep them that long, and is purged on change (``delivery.purge``).
Nothing here runs for a request carrying a signed-in person's session cookie, for
anything but GET and HEAD, or on the admin, API, search and interaction paths.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.http.request import split_domain_port

from sites import routing
from sites.generation import Kept

from .rendering import RENDER_MARK

logger = logging.getLogger("delivery.pagecache")

# Never cached nor marked public: per person, per submission or per query.
DYNAMIC_PATHS = (
    "/admin/",
    "/api/",
    "/search/",
    "/interaction/",
    "/accounts/",
    "/static/",
    "/media/",
    "/documents/",
    "/themes/",
    "/healthz",
    "/readyz",
)
GENERATION_KEY = "delivery:gen:{}"
PAGE_KEY = "delivery:page:{}"
_SKIP_HEADERS = {"set-cookie", "content-length"}


def _cache():
    return caches["default"]


def bypasses(request) -> bool:
    """Whether this request must reach the application itself."""
    return any(name in request.COOKIES for name in settings.DELIVERY_BYPASS_COOKIES)


def site_changed(*, site_id: int) -> None:
    """Drop every cached page of the site (its generation moves on)."""
    host_map = routing.get_host_map()
    row = host_map.rows.get(site_id)
    if row is None:
        return
    generation = uuid.uuid4().hex
    _local.generation_set(row["host"], generation)
    try:
        _cache().set(GENERATION_KEY.format(row["host"]), generation, None)
    except Exception:
        logger.exception("page cache generation not moved for site %s", site_id)


def _eligible(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.META.get(RENDER_MARK)
        and not request.path.startswith(DYNAMIC_PATHS)
        and not bypasses(request)
    )


def page_key(host: str, path: str, params) -> str | None:
    """The cache key of a page: host, path and the allowed query parameters
    (``params``: name and value pairs, the last value of a name counts); None when
    another parameter is present (not cached)."""
    allowed = settings.DELIVERY_PAGE_CACHE_PARAMS
    values = {}
    for name, value in params:
        if name not in allowed:
            return None
        values[name] = value
    raw = f"{host}{path}?{urlencode(sorted(values.items()))}"
    return PAGE_KEY.format(hashlib.sha256(raw.encode()).hexdigest())


def _key(request, host: str) -> str | None:
    return page_key(host, request.path, request.GET.items())


def local_hit(host: str, key: str) -> dict | None:
    """The entry this process holds for ``key`` if it is of the host's current
    generation (as this process last read it, at most a second ago)."""
    generation = _local.generation(host)
    if generation is None:
        return None
    entry = _local.get(key)
    if entry is None or entry["generation"] != generation:
        return None
    return entry


def _public(response) -> bool:
    cache_control = response.get("Cache-Control", "").lower()
    return (
        response.status_code == 200
        and not response.cookies
        and not getattr(response, "streaming", False)
        and not any(w in cache_control for w in ("private", "no-store", "no-cache"))
        and "cookie" not in response.get("Vary", "").lower()
    )


def _mark_public(response) -> None:
    if "Cache-Control" not in response:
        response["Cache-Control"] = (
            f"public, max-age=0, s-maxage={settings.DELIVERY_SHARED_MAX_AGE}"
        )


class FullPageCacheMiddleware:
    """Put it near the top (below the request log), above everything that reads
    the database: a hit costs one cache read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _eligible(request):
            return self.get_response(request)
        # The raw Host: the registry checks it below (an unknown host is a 404
        # there, never cached: only 200 answers are kept).
        host = split_domain_port(request._get_raw_host())[0].lower().rstrip(".")
        ttl = settings.DELIVERY_PAGE_CACHE_SECONDS
        key = None
        if ttl and host not in settings.PLATFORM_HOSTS:
            key = _key(request, host)
        generation = None
        if key is not None:
            hit, generation = self._lookup(host, key)
            if hit is not None:
                return hit
        response = self.get_response(request)
        if not _public(response):
            return response
        _mark_public(response)
        if key is not None and generation is not None:
            self._store(key, response, ttl, generation)
        return response

    def _lookup(self, host: str, key: str) -> tuple[HttpResponse | None, str | None]:
        entry = local_hit(host, key)
        if entry is not None:
            return _response(entry), entry["generation"]
        gen_key = GENERATION_KEY.format(host)
        try:
            found = _cache().get_many([gen_key, key])
        except Exception:  # the cache is down: render
            logger.warning("page cache unavailable")
            return None, None
        generation = found.get(gen_key)
        if generation is None:
            generation = uuid.uuid4().hex
            try:
                _cache().add(gen_key, generation, None)
                generation = _cache().get(gen_key, generation)
            except Exception:
                return None, None
        _local.generation_set(host, generation)
        entry = found.get(key)
        if entry is None or entry["generation"] != generation:
            return None, generation
        _local.put(key, entry)
        return _response(entry), generation

    def _store(self, key: str, response, ttl: int, generation: str) -> None:
        entry = {
            "generation": generation,
            "status": response.status_code,
            "headers": [
                (name, value)
                for name, value in response.items()
                if name.lower() not in _SKIP_HEADERS
            ],
            "body": response.content,
        }
        _local.put(key, entry)
        try:
            _cache().set(key, entry, ttl)
        except Exception:
            logger.warning("page cache unavailable; page not kept")


def _response(entry: dict) -> HttpResponse:
    response = HttpResponse(entry["body"], status=entry["status"])
    for name, value in entry["headers"]:
        response[name] = value
    response["X-Page-Cache"] = "hit"
    return response


class _LocalPages(Kept):
    """This process's copy of the most used entries (bytes and headers, never a
    model instance), and of each host's generation, read again from the shared
    cache at most every ``DELIVERY_PAGE_CACHE_LOCAL_TTL`` seconds: a hit mostly
    costs no cache round trip; another process's change shows within that time
    (this process's own at once)."""

    def __init__(self, size: int = 512) -> None:
        super().__init__(size)
        self.generations: dict[str, tuple[str, float]] = {}

    def generation(self, host: str) -> str | None:
        found = self.generations.get(host)
        ttl = settings.DELIVERY_PAGE_CACHE_LOCAL_TTL
        if found is None or time.monotonic() - found[1] > ttl:
            return None
        return found[0]

    def generation_set(self, host: str, generation: str) -> None:
        self.generations[host] = (generation, time.monotonic())

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.generations.clear()


_local = _LocalPages()
