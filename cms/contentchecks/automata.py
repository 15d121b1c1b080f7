"""Built automata, kept in each process and rebuilt when a list changes anywhere.

The same pattern as the host map (``sites.routing``): each list has a version in
the shared cache, replaced on every save or delete of one of its terms; a process
keeps what it built with the version it was built for and rebuilds when the shared
version differs. The platform list has one automaton shared by every site; each
site's own list has a small one of its own (a combined automaton per site would
hold the platform's thousands of terms once per site, in every process).
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction

from sites.tenancy import for_sites

from .matcher import Entry, Matcher
from .models import PlatformTerm, SiteTerm

PLATFORM_VERSION_KEY = "contentchecks:version:platform"
SITE_VERSION_KEY = "contentchecks:version:site:{}"
# Site automata kept per process (least recently used dropped first).
MAX_SITE_AUTOMATA = 512

SOURCE_PLATFORM = "platform"
SOURCE_SITE = "site"


@dataclass(frozen=True)
class TermInfo:
    """What a match means: the payload of each automaton entry."""

    term: str
    category: str
    action: str
    suggestion: str
    source: str


_lock = threading.Lock()
_platform: tuple[str, Matcher] | None = None
_sites: OrderedDict[int, tuple[str, Matcher]] = OrderedDict()

_FIELDS = ("term", "category", "action", "suggestion")


def _site_key(site_id: int) -> str:
    return SITE_VERSION_KEY.format(site_id)


def _versions(site_id: int) -> tuple[str, str]:
    """The shared versions of the platform list and of the site's list."""
    keys = [PLATFORM_VERSION_KEY, _site_key(site_id)]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            version = uuid.uuid4().hex
            cache.add(key, version, None)
            found[key] = cache.get(key, version)
    return found[keys[0]], found[keys[1]]


def _matcher(rows, source: str) -> Matcher:
    return Matcher(
        Entry(term, TermInfo(term, category, action, suggestion, source))
        for term, category, action, suggestion in rows
    )


def _build_platform() -> Matcher:
    rows = PlatformTerm.objects.filter(is_active=True).values_list(*_FIELDS)
    return _matcher(rows, SOURCE_PLATFORM)


def _build_site(site_id: int) -> Matcher:
    rows = for_sites(SiteTerm, [site_id]).filter(is_active=True).values_list(*_FIELDS)
    return _matcher(rows, SOURCE_SITE)


def matchers_for(site_id: int) -> tuple[Matcher, Matcher]:
    """The platform's and the site's automata, current with the shared versions."""
    global _platform
    platform_version, site_version = _versions(site_id)
    with _lock:
        platform = _platform
        site = _sites.get(site_id)
        if site is not None:
            _sites.move_to_end(site_id)
    # Built outside the lock: a slow build does not hold up other sites' checks.
    # Rows read after the version may be newer than it, never older, so a matcher
    # stored under a version is at least as new as that version.
    if platform is None or platform[0] != platform_version:
        platform = (platform_version, _build_platform())
        with _lock:
            _platform = platform
    if site is None or site[0] != site_version:
        site = (site_version, _build_site(site_id))
        with _lock:
            _sites[site_id] = site
            _sites.move_to_end(site_id)
            while len(_sites) > MAX_SITE_AUTOMATA:
                _sites.popitem(last=False)
    return platform[1], site[1]


def _bump_platform() -> None:
    global _platform
    cache.set(PLATFORM_VERSION_KEY, uuid.uuid4().hex, None)
    with _lock:
        _platform = None


def _bump_site(site_id: int) -> None:
    cache.set(_site_key(site_id), uuid.uuid4().hex, None)
    with _lock:
        _sites.pop(site_id, None)


def _changed(bump: Callable[[], None]) -> None:
    # At once, so this transaction's own checks see the change; and again after
    # the commit, so a process that rebuilt from the old rows meanwhile rebuilds.
    bump()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(bump)


def platform_terms_changed() -> None:
    """The platform list changed: every process rebuilds its platform automaton."""
    _changed(_bump_platform)


def site_terms_changed(site_id: int) -> None:
    """A site's list changed: every process rebuilds that site's automaton."""
    _changed(lambda: _bump_site(site_id))


def reset_local() -> None:
    """Forget this process's automata; the next check rebuilds them."""
    global _platform
    with _lock:
        _platform = None
        _sites.clear()
