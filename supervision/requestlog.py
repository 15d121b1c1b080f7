"""Slow and failing pages from the request log (可用性监测).

The request log's middleware (``ops/middleware.py``) hands every answer it logs to
``note``: its site, path, status and time. Nearly all are fast and fine and cost a
comparison. An answer slower than ``REQUESTLOG_SLOW_MS`` (3 s) or with a 5xx status
is added to this process's buffer (one counter per site, day and path); the buffer
is written at most every ``REQUESTLOG_FLUSH_SECONDS`` (30 s), by the request that
finds it due, in one ``INSERT … ON CONFLICT DO UPDATE`` of ``RequestIssueDay`` rows,
and when the process exits. No per-request write, no query string (paths only,
personal data masked), nothing about the visitor.

Loaded while logging is configured (``ops.middleware`` is), before the apps are
ready: nothing of Django's models at import time."""

from __future__ import annotations

import atexit
import datetime
import logging
import threading
import time
from dataclasses import dataclass

from django.conf import settings

from core.privacy import mask_personal_data

logger = logging.getLogger(__name__)

# The national inspection counts a page slower than this as not available.
LIMIT_MS = 15_000
MAX_PATH = 500
# Distinct (site, day, path) counters one process holds between writes; more are
# dropped (and the drop logged) rather than let a storm of errors grow memory.
MAX_PENDING = 2000


@dataclass
class _Counter:
    answers: int = 0
    slow: int = 0
    over_limit: int = 0
    failed: int = 0
    max_ms: int = 0
    total_ms: int = 0
    last_status: int = 0


class _Buffer:
    def __init__(self):
        self.lock = threading.Lock()
        self.pending: dict[tuple[int, datetime.date, str], _Counter] = {}
        self.since: float | None = None
        self.dropped = 0


_buffer = _Buffer()


def _slow_ms() -> int:
    return getattr(settings, "REQUESTLOG_SLOW_MS", 3000)


def _flush_seconds() -> float:
    return getattr(settings, "REQUESTLOG_FLUSH_SECONDS", 30.0)


def note(*, site_id: int | None, path: str, status: int, duration_ms: float) -> None:
    """One answer of the request log. Counted only when slow or failed; writes
    the buffer when it is due."""
    failed = status >= 500
    if site_id is not None and (failed or duration_ms >= _slow_ms()):
        _add(site_id, path, status, int(duration_ms), failed)
    since = _buffer.since
    if since is not None and time.monotonic() - since >= _flush_seconds():
        flush()


def _add(site_id: int, path: str, status: int, ms: int, failed: bool) -> None:
    from django.utils import timezone

    key = (site_id, timezone.localdate(), mask_personal_data(path)[:MAX_PATH])
    with _buffer.lock:
        counter = _buffer.pending.get(key)
        if counter is None:
            if len(_buffer.pending) >= MAX_PENDING:
                _buffer.dropped += 1
                return
            counter = _buffer.pending[key] = _Counter()
        counter.answers += 1
        counter.slow += ms >= _slow_ms()
        counter.over_limit += ms >= LIMIT_MS
        counter.failed += failed
        counter.max_ms = max(counter.max_ms, ms)
        counter.total_ms += ms
        counter.last_status = status
        if _buffer.since is None:
            _buffer.since = time.monotonic()


_UPSERT = """
INSERT INTO supervision_requestissueday
    (site_id, day, path, answers, slow, over_limit, failed, max_ms, total_ms,
     last_status)
SELECT v.site_id, v.day, v.path, v.answers, v.slow, v.over_limit, v.failed,
       v.max_ms, v.total_ms, v.last_status
  FROM (VALUES {rows}) AS v (site_id, day, path, answers, slow, over_limit, failed,
                             max_ms, total_ms, last_status)
  JOIN govsites_govsite site ON site.id = v.site_id
ON CONFLICT (site_id, day, path) DO UPDATE SET
    answers = supervision_requestissueday.answers + EXCLUDED.answers,
    slow = supervision_requestissueday.slow + EXCLUDED.slow,
    over_limit = supervision_requestissueday.over_limit + EXCLUDED.over_limit,
    failed = supervision_requestissueday.failed + EXCLUDED.failed,
    max_ms = GREATEST(supervision_requestissueday.max_ms, EXCLUDED.max_ms),
    total_ms = supervision_requestissueday.total_ms + EXCLUDED.total_ms,
    last_status = EXCLUDED.last_status
"""
_ROW = (
    "(%s::bigint, %s::date, %s::varchar, %s::integer, %s::integer, %s::integer,"
    " %s::integer, %s::integer, %s::bigint, %s::smallint)"
)


def request_issues_store(
    counters: dict[tuple[int, datetime.date, str], _Counter],
) -> int:
    """Add ``counters`` to the stored ones in one statement (rows of sites that no
    longer exist are skipped). Returns the rows written."""
    from django.db import connection, transaction

    if not counters:
        return 0
    params: list = []
    for (site_id, day, path), c in sorted(counters.items()):
        params += [site_id, day, path, c.answers, c.slow, c.over_limit, c.failed]
        params += [c.max_ms, c.total_ms, c.last_status]
    sql = _UPSERT.format(rows=", ".join([_ROW] * len(counters)))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def flush() -> int:
    """Write this process's buffer now (the due request, process exit, tests).
    A database that does not answer loses the buffer, never the request."""
    with _buffer.lock:
        pending, _buffer.pending = _buffer.pending, {}
        dropped, _buffer.dropped = _buffer.dropped, 0
        _buffer.since = None
    if dropped:
        logger.warning("request log: %d slow or failed answers not counted", dropped)
    if not pending:
        return 0
    try:
        return request_issues_store(pending)
    except Exception:  # the database is down or refuses: the answer still goes
        logger.warning("request log: slow and failed answers not stored", exc_info=True)
        return 0


def discard() -> None:
    """Forget what this process holds (tests)."""
    with _buffer.lock:
        _buffer.pending = {}
        _buffer.dropped = 0
        _buffer.since = None


atexit.register(flush)
