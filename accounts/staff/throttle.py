"""Sign-in throttling: failures counted per account name and per client address
on the atomic counter cache (``caches["ratelimit"]``: Redis, or one PostgreSQL
table). An account name that does not exist is counted and locked exactly like
one that does, so the answers never tell them apart."""

import hashlib

from django.conf import settings
from django.core.cache import caches


def _cache():
    return caches[settings.RATELIMIT_USE_CACHE]


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"staff-signin:{kind}:{digest}"


def _keys(username: str, address: str | None) -> list[tuple[str, int]]:
    keys = [(_key("account", username or ""), settings.STAFF_LOCKOUT_ACCOUNT_FAILURES)]
    if address:
        keys.append((_key("address", address), settings.STAFF_LOCKOUT_ADDRESS_FAILURES))
    return keys


def is_locked(username: str, address: str | None) -> bool:
    cache = _cache()
    return any(
        (cache.get(key) or 0) >= limit for key, limit in _keys(username, address)
    )


def count_failure(username: str, address: str | None) -> bool:
    """Count one failure; True when this one locked the account or address."""
    cache = _cache()
    locked_now = False
    for key, limit in _keys(username, address):
        cache.add(key, 0, timeout=settings.STAFF_LOCKOUT_SECONDS)
        if cache.incr(key) == limit:
            locked_now = True
    return locked_now


def clear_account(username: str) -> None:
    _cache().delete(_key("account", username or ""))


def clear_address(address: str) -> None:
    _cache().delete(_key("address", address))
