"""A site's generation: a token in the shared cache that moves on whenever
something every page of the site may show changes (publish, unpublish, move,
rename, site and theme settings, view restrictions: the changes
``delivery.services.changes_record`` records). What is kept per generation (the
themes' page chrome, the site's restricted paths) is then never read again, in
any process, from the next request on.

Read at most once per request: memoised on the request's ``GovSite`` instance,
which the routing middleware makes new for each request. Kept values are
strings, ids, paths and tuples of them, never model instances.
"""

from __future__ import annotations

import logging
import threading
import uuid
import weakref
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger("sites.generation")

GENERATION_KEY = "sites:gen:{}"
_UNREAD = object()


def site_changed(*, site_id: int) -> None:
    """Everything kept for the site is made again from the next request on (any
    process): its generation moves on now, and again when the caller's
    transaction commits (a request between the two could otherwise keep what it
    made from the rows before the commit)."""
    _move(site_id)
    transaction.on_commit(lambda: _move(site_id))


def _move(site_id: int) -> None:
    try:
        cache.set(GENERATION_KEY.format(site_id), uuid.uuid4().hex, None)
    except Exception:
        logger.exception("generation not moved for site %s", site_id)


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
        logger.warning("generation unreadable for site %s", site_id)
        return None
    return generation


def generation_of(site) -> str | None:
    """The generation of this request's site instance, read once; None (nothing
    kept) when ``SITES_KEEP_PER_GENERATION`` is off or the cache is unreadable."""
    if not settings.SITES_KEEP_PER_GENERATION:
        return None
    found = getattr(site, "_generation", _UNREAD)
    if found is _UNREAD:
        found = site_generation(site_id=site.pk)
        site._generation = found
    return found


class Kept:
    """A bounded map of this process: key → value, least recently used out
    (the values kept per site generation here, the page cache's local copies;
    strings, bytes, ids and paths, never model instances)."""

    # Every map made in this process, for ``clear_all``.
    instances: weakref.WeakSet[Kept] = weakref.WeakSet()

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[str, Any] = OrderedDict()
        self.lock = threading.Lock()
        Kept.instances.add(self)

    @classmethod
    def clear_all(cls) -> None:
        """Empty every map of this process (tests: a stamp a value was kept
        under comes back when a test's transaction rolls back, see
        tests/conftest.py)."""
        for instance in list(cls.instances):
            instance.clear()

    def get(self, key: str) -> Any:
        with self.lock:
            value = self.entries.get(key)
            if value is not None:
                self.entries.move_to_end(key)
            return value

    def put(self, key: str, value: Any) -> None:
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


kept = Kept(size=4096)


def kept_for(site, name: str, compute: Callable[[], Any]) -> Any:
    """``compute()`` once per generation of ``site`` in this process (a string,
    or a tuple of strings and ids); computed every time when the generation
    cannot be read."""
    generation = generation_of(site)
    if generation is None:
        return compute()
    key = f"{site.pk}|{generation}|{name}"
    value = kept.get(key)
    if value is None:
        value = compute()
        kept.put(key, value)
    return value
