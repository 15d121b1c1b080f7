"""Writes of the search package: keeping the index true, logging queries."""

from __future__ import annotations

import dataclasses
import datetime
import logging

from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core.privacy import mask_search_query
from sites.models import GovSite

from .backends import SearchBackend, get_backend
from .documents import content_page_ids, documents_in
from .indexing import items_update, pending_record
from .models import PendingIndexUpdate, SearchQueryLog
from .tasks import update_items_task, update_subtree_task

logger = logging.getLogger("search")


# -- keeping the index true ----------------------------------------------------


def item_request_update(*, item_keys: list[str]) -> None:
    """Record that these items changed and queue their update. Call it inside the
    transaction of the change: the pending rows and the queued task commit (or
    roll back) with it."""
    keys = pending_record(item_keys=item_keys)
    if keys:
        update_items_task.enqueue(keys)


def subtree_request_update(*, page_id: int) -> None:
    """A page whose descendants' addresses may have changed (a moved or renamed
    column): queue the update of every content page below it."""
    update_subtree_task.enqueue(page_id)


def index_sync(*, backend: SearchBackend | None = None, batch: int = 200) -> int:
    """Apply every pending update (after the search backend was down).
    Returns how many items were updated; raises BackendUnavailable."""
    done = 0
    keys = list(
        PendingIndexUpdate.objects.order_by("requested_at").values_list(
            "item_key", flat=True
        )
    )
    for start in range(0, len(keys), batch):
        chunk = keys[start : start + batch]
        items_update(item_keys=chunk, backend=backend)
        done += len(chunk)
    return done


def site_documents(*, site: GovSite | None = None):
    """The documents the index should hold (of one site's own items)."""
    root = site.root_page if site is not None else None
    return documents_in(
        content_page_ids(root=root), site_id=site.pk if site is not None else None
    )


def index_rebuild(
    *,
    site: GovSite | None = None,
    backend: SearchBackend | None = None,
    workers: int = 1,
) -> int:
    """Rebuild the documents of one site (or every site) from the database; the
    old documents answer searches until the new ones are in. ``workers``
    processes build the documents (the PostgreSQL backend; outside a
    transaction)."""
    backend = backend or get_backend()
    root = site.root_page if site is not None else None
    return backend.rebuild_pages(
        content_page_ids(root=root),
        site_id=site.pk if site is not None else None,
        workers=workers,
    )


@dataclasses.dataclass
class CheckReport:
    missing: list[str]
    stale: list[str]
    orphaned: list[str]
    pending: int

    @property
    def ok(self) -> bool:
        return not (self.missing or self.stale or self.orphaned)


def index_check(*, backend: SearchBackend | None = None) -> CheckReport:
    """Compare the index with the database: documents missing, stale (their item
    changed) or orphaned (their item is gone or no longer public)."""
    backend = backend or get_backend()
    expected = {d.item_key: d.version for d in site_documents()}
    stored = dict(backend.versions())
    missing = sorted(k for k in expected if k not in stored)
    stale = sorted(k for k, v in expected.items() if k in stored and stored[k] != v)
    orphaned = sorted(k for k in stored if k not in expected)
    return CheckReport(missing, stale, orphaned, PendingIndexUpdate.objects.count())


# -- query statistics --------------------------------------------------------------


def query_for_log(text: str) -> str:
    """The query as statistics keep it: e-mail addresses, phone, ID card and
    bank card numbers, and any other run of seven digits or more, masked."""
    return mask_search_query(text)[:100]


def query_record(*, site: GovSite, query: str, found: int) -> None:
    """Count one search of ``query`` on ``site`` today (no personal data)."""
    text = query_for_log(query)
    if not text:
        return
    table = SearchQueryLog._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (site_id, day, query, searches, zero_results)
            VALUES (%s, %s, %s, 1, %s)
            ON CONFLICT (site_id, day, query) DO UPDATE
               SET searches = {table}.searches + 1,
                   zero_results = {table}.zero_results + EXCLUDED.zero_results
            """,  # noqa: S608 - our table; values are parameters
            [site.pk, timezone.localdate(), text, 0 if found else 1],
        )


def pending_updates_requeue(*, older_than: datetime.timedelta, batch: int = 200) -> int:
    """Queue again the pending updates older than ``older_than`` that no queued or
    running task covers any more (their task was lost: a worker that died with the
    database, a task that failed on something other than the search backend), so
    they are applied without a manual ``search_index sync``. Returns how many
    items were queued."""
    cutoff = timezone.now() - older_than
    keys = list(
        PendingIndexUpdate.objects.filter(requested_at__lt=cutoff)
        .order_by("requested_at")
        .values_list("item_key", flat=True)
    )
    if not keys:
        return 0
    covered: set[str] = set()
    outstanding = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
        task_path=update_items_task.module_path,
    ).values_list("args_kwargs", flat=True)
    for args_kwargs in outstanding.iterator():
        for arg in args_kwargs.get("args", [])[:1]:
            covered.update(arg)
        covered.update(args_kwargs.get("kwargs", {}).get("item_keys", []))
    orphans = [key for key in keys if key not in covered]
    for start in range(0, len(orphans), batch):
        update_items_task.enqueue(orphans[start : start + batch])
    return len(orphans)
