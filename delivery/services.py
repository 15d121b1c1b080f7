"""Recording what changed on a site, for the static tree and the page cache.

Static publishing (静态化) keeps each site's files equal to its pages. A change
(publish, unpublish, move, a syndicated item, a theme) is recorded here as
``PendingPublish`` rows in the transaction of the change, and one task per site
(``delivery.tasks.publish_changes_task``, through ``delivery.publishing``) works
them:

- a changed page's own file is written ``DELIVERY_PAGE_DELAY`` seconds after the
  change (or removed when the page no longer answers 200 to everyone);
- the lists that show it (its columns' first pages and feeds, the home page, the
  sitemap and the site map page) are written once for every change recorded
  within ``DELIVERY_LIST_DELAY`` seconds of the first: a hundred publishes in a
  burst render the home page once;
- a whole-site row renders every address and removes the files of addresses that
  no longer exist.

Each address is rendered through the real request path (``delivery.rendering``)
and written atomically; a file already holding the same bytes is left alone, so
running a task twice, or late, writes the same tree.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sites import generation

from . import pagecache
from .models import PendingKind, PendingPublish
from .tasks import queued_site_ids, task_ensure


def _seconds(value: float) -> datetime.timedelta:
    return datetime.timedelta(seconds=value)


def changes_record(
    *,
    site_id: int,
    page_ids: list[int] | tuple[int, ...] = (),
    paths: list[str] | tuple[str, ...] = (),
    list_page_ids: list[int] | tuple[int, ...] = (),
    kinds: tuple[str, ...] = (PendingKind.PAGE, PendingKind.LISTS),
    due_at: datetime.datetime | None = None,
) -> None:
    """Record that these pages (or addresses) of the site changed, in the caller's
    transaction, and make sure a task will write them. ``list_page_ids``: pages
    whose lists changed though they did not (the parent of a page taken down)."""
    now = timezone.now()
    rows = []
    if PendingKind.PAGE in kinds:
        page_due = due_at or now + _seconds(settings.DELIVERY_PAGE_DELAY)
        rows += [
            PendingPublish(
                site_id=site_id, kind=PendingKind.PAGE, page_id=pk, due_at=page_due
            )
            for pk in page_ids
        ]
        rows += [
            PendingPublish(
                site_id=site_id, kind=PendingKind.PAGE, path=path, due_at=page_due
            )
            for path in paths
        ]
    if PendingKind.LISTS in kinds:
        rows += [
            PendingPublish(
                site_id=site_id,
                kind=PendingKind.LISTS,
                page_id=pk,
                due_at=due_at or _lists_due(site_id=site_id, now=now),
            )
            for pk in ([*page_ids, *list_page_ids] or [None])
        ]
    if PendingKind.SITE in kinds:
        rows.append(
            PendingPublish(
                site_id=site_id,
                kind=PendingKind.SITE,
                due_at=due_at or now + _seconds(settings.DELIVERY_PAGE_DELAY),
            )
        )
    if not rows:
        return
    PendingPublish.objects.bulk_create(rows)
    task_ensure(site_id=site_id, run_after=min(row.due_at for row in rows))
    if due_at is None or due_at <= now:
        transaction.on_commit(lambda: pagecache.site_changed(site_id=site_id))
        # What is kept per site generation (the chrome every page repeats, the
        # restricted paths): at once and again on commit, so the next uncached
        # render of any process shows the change.
        generation.site_changed(site_id=site_id)


def _lists_due(*, site_id: int, now: datetime.datetime) -> datetime.datetime:
    """When the site's lists are written next: with the change recorded first
    within the list delay, or a list delay from now."""
    delay = _seconds(settings.DELIVERY_LIST_DELAY)
    pending = (
        PendingPublish.objects.filter(
            site_id=site_id, kind=PendingKind.LISTS, due_at__lte=now + delay
        )
        .order_by("due_at")
        .values_list("due_at", flat=True)
        .first()
    )
    return pending if pending is not None else now + delay


def pending_requeue(*, older_than: datetime.timedelta) -> int:
    """Queue the task again for every site whose rows are overdue by
    ``older_than`` and that no waiting task covers (a change committed while its
    site's task was finishing); the worker's sweep calls it. Returns the number
    of sites queued."""
    now = timezone.now()
    overdue = set(
        PendingPublish.objects.filter(due_at__lte=now - older_than).values_list(
            "site_id", flat=True
        )
    )
    covered = queued_site_ids()
    for site_id in sorted(overdue - covered):
        task_ensure(site_id=site_id, run_after=now)
    return len(overdue - covered)
