"""Version stamps in the shared cache, for values a process keeps between
requests (the working-day calendar, a site's reply rules): a stamp moves on
whenever what it covers is edited, and a process keeps a value under the stamp
it read, so an edit is seen from the next read on, in every process.

Several stamps are read in one round trip (``read``); None when the cache cannot
be read, and then nothing is kept (the caller reads the database)."""

from __future__ import annotations

import logging
import uuid

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger("core.versions")


def read(*keys: str) -> dict[str, str] | None:
    """The stamp of each key (made on first use), or None if the cache fails."""
    try:
        found = cache.get_many(keys)
        missing = [key for key in keys if found.get(key) is None]
        for key in missing:
            cache.add(key, uuid.uuid4().hex, None)
        if missing:
            found.update(cache.get_many(missing))
    except Exception:
        logger.warning("version stamps unreadable: %s", ", ".join(keys))
        return None
    if any(found.get(key) is None for key in keys):
        return None
    return found


def move(key: str) -> None:
    """What ``key`` covers was edited: its stamp moves on now and again when the
    caller's transaction commits (a read between the two could otherwise keep
    what it made from the rows before the commit)."""
    _move(key)
    transaction.on_commit(lambda: _move(key))


def _move(key: str) -> None:
    try:
        cache.set(key, uuid.uuid4().hex, None)
    except Exception:
        logger.exception("version stamp %s not moved", key)
