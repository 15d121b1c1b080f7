"""A cache backend with atomic increments on PostgreSQL, for django-ratelimit.

django-ratelimit needs ``add`` and ``incr`` to be atomic across processes; Django's
database cache is not (it reads, then writes). This backend keeps integer counters
in one table and does each operation in a single statement: ``INSERT … ON CONFLICT``
for ``add`` (which also replaces an expired counter) and ``UPDATE … RETURNING`` for
``incr``. It holds only integers. With ``REDIS_URL`` the settings use Redis instead.
"""

from __future__ import annotations

import datetime

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.db import connection
from django.utils import timezone

TABLE = "interaction_ratecounter"


class AtomicCounterCache(BaseCache):
    def __init__(self, location, params):
        super().__init__(params)

    def _expiry(self, timeout) -> datetime.datetime:
        """``timeout`` seconds from now (None: a year; counters are short-lived)."""
        if timeout is DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        if timeout is None:
            timeout = 365 * 24 * 3600
        return timezone.now() + datetime.timedelta(seconds=timeout)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {TABLE} (key, value, expires) VALUES (%s, %s, %s)
                ON CONFLICT (key) DO UPDATE
                SET value = EXCLUDED.value, expires = EXCLUDED.expires
                WHERE {TABLE}.expires < now()
                RETURNING 1
                """,  # noqa: S608 - constant table name
                [key, int(value), self._expiry(timeout)],
            )
            return cursor.fetchone() is not None

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {TABLE} SET value = value + %s "  # noqa: S608
                "WHERE key = %s AND expires >= now() RETURNING value",
                [int(delta), key],
            )
            row = cursor.fetchone()
        if row is None:
            raise ValueError(f"Key '{key}' not found")
        return row[0]

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT value FROM {TABLE} WHERE key = %s "  # noqa: S608
                "AND expires >= now()",
                [key],
            )
            row = cursor.fetchone()
        return default if row is None else row[0]

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {TABLE} (key, value, expires) VALUES (%s, %s, %s)
                ON CONFLICT (key) DO UPDATE
                SET value = EXCLUDED.value, expires = EXCLUDED.expires
                """,  # noqa: S608
                [key, int(value), self._expiry(timeout)],
            )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {TABLE} SET expires = %s WHERE key = %s",  # noqa: S608
                [self._expiry(timeout), key],
            )
            return cursor.rowcount > 0

    def delete(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE key = %s", [key])  # noqa: S608
            return cursor.rowcount > 0

    def has_key(self, key, version=None):
        return self.get(key, version=version) is not None

    def clear(self):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608


def delete_expired() -> int:
    """Drop counters past their expiry (the daily anonymise_cases run calls it)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE expires < now()")  # noqa: S608
        return cursor.rowcount
