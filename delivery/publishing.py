"""Writing the static tree: render addresses through the real request path and
write (or remove) their files. ``delivery.services`` records what changed;
``delivery.tasks`` works it through this module."""

from __future__ import annotations

import datetime
import logging
import re
import time
from dataclasses import dataclass, field

from django.db import DatabaseError, OperationalError, connection
from django.utils import timezone

from sites.models import GovSite, SiteStatus

from . import pagecache, purge, rendering, selectors, tree
from .models import PendingKind, PendingPublish

logger = logging.getLogger("delivery")

# Seconds between the attempts at an address that answered 5xx.
RETRY_PAUSES = (0.5, 2.0)

# A feed without items is dated when it is built (Django's feed framework): two
# renders of the same feed differ only there.
_BUILD_DATE = re.compile(
    rb"<lastBuildDate>[^<]*</lastBuildDate>|<updated>[^<]*</updated>"
)


def same_content(path: str, current: bytes | None, new: bytes) -> bool:
    if current is None:
        return False
    if current == new:
        return True
    return path.endswith(".xml") and _BUILD_DATE.sub(b"", current) == _BUILD_DATE.sub(
        b"", new
    )


class DatabaseUnreachable(OperationalError):
    """An address answered 5xx and the database cannot be reached: the task
    ends at once instead of rendering every other address through the outage.
    The worker waits for the database, with back-off, and runs it again
    (ops.worker); its rows stay until then."""


def _database_reachable() -> bool:
    """Whether this thread's database connection answers. A broken one (the
    server restarted under it) is dropped and opened again, outside a
    transaction: nothing else resets it between the renders of one task."""
    if connection.is_usable():
        return True
    if connection.in_atomic_block:
        return False
    try:
        connection.close()
        connection.ensure_connection()
    except DatabaseError:
        return False
    return True


@dataclass
class PublishResult:
    rendered: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    # Answered 5xx (the database or the cache down, a bug): the file is left as
    # it was and the work is done again later.
    failed: list[str] = field(default_factory=list)

    def merge(self, other: PublishResult) -> None:
        self.rendered += other.rendered
        self.written += other.written
        self.removed += other.removed
        self.failed += other.failed


@dataclass
class CheckReport:
    host: str
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    orphaned: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.stale or self.orphaned or self.failed)


# -- writing the tree -----------------------------------------------------------


def address_publish(*, host: str, path: str) -> PublishResult:
    """Render one address and write its file, or remove it when the answer is not
    one for everyone (404, a redirect, a private page)."""
    result = PublishResult(rendered=[path])
    if tree.relative_file(path) is None:
        return result
    rendered = rendering.render(host, path)
    for pause in RETRY_PAUSES:
        if rendered.status < 500:
            break
        if not _database_reachable():
            raise DatabaseUnreachable(f"{host}{path} answered {rendered.status}")
        time.sleep(pause)  # a database or cache that blinked
        rendered = rendering.render(host, path)
    if rendered.status >= 500:
        if not _database_reachable():
            raise DatabaseUnreachable(f"{host}{path} answered {rendered.status}")
        logger.warning(
            "static page not written: %s%s answered %s", host, path, rendered.status
        )
        result.failed.append(path)
        return result
    if rendered.publishable:
        if same_content(path, tree.read(host, path), rendered.body):
            return result
        if tree.write(host, path, rendered.body):
            result.written.append(path)
    elif tree.remove(host, path):
        result.removed.append(path)
    return result


def addresses_publish(*, site: GovSite, addresses) -> PublishResult:
    result = PublishResult()
    try:
        for path in sorted(set(addresses)):
            result.merge(address_publish(host=site.host, path=path))
    except DatabaseUnreachable:
        # Files written before the outage are unchanged when the task runs
        # again (not written, so not purged then): purge them now.
        _purge(site=site, result=result)
        raise
    return result


def _orphans_remove(*, site: GovSite, expected) -> list[str]:
    removed = []
    for path in sorted(tree.addresses(site.host) - set(expected)):
        if tree.remove(site.host, path):
            removed.append(path)
    return removed


def site_publish(*, site: GovSite) -> PublishResult:
    """Write every public address of the site and remove every other file of its
    host (a closed site keeps none)."""
    if site.status == SiteStatus.CLOSED:
        removed = sorted(tree.addresses(site.host))
        tree.remove_host(site.host)
        return PublishResult(removed=removed)
    expected = selectors.site_addresses(site=site)
    result = addresses_publish(site=site, addresses=expected)
    if not result.failed:
        result.removed += _orphans_remove(site=site, expected=expected)
    return result


def changes_publish(*, site_id: int) -> tuple[PublishResult, datetime.datetime | None]:
    """Work the site's rows that are due (the task's body); returns what was done
    and when the next row of the site is due (None: none left)."""
    now = timezone.now()
    rows = list(
        PendingPublish.objects.filter(site_id=site_id, due_at__lte=now).values(
            "id", "kind", "page_id", "path"
        )
    )
    site = selectors.site_by_id(site_id)
    result = PublishResult()
    if rows and site is not None:
        kinds = {row["kind"] for row in rows}
        if PendingKind.SITE in kinds:
            result = site_publish(site=site)
        else:
            pages = [r for r in rows if r["kind"] == PendingKind.PAGE]
            page_ids = [r["page_id"] for r in pages if r["page_id"] is not None]
            list_ids = [r["page_id"] for r in rows if r["kind"] == PendingKind.LISTS]
            addresses = {r["path"] for r in pages if r["path"]}
            addresses |= set(selectors.page_addresses(page_ids=page_ids).values())
            if list_ids:
                addresses |= selectors.list_addresses(
                    page_ids=[pk for pk in list_ids if pk is not None]
                )
            result = addresses_publish(site=site, addresses=addresses)
        _purge(site=site, result=result)
    # Rows whose pages failed to render stay, and are worked again once the
    # worker's sweep queues the site again (they are overdue by then), not at
    # once: a page that answers 5xx must not keep the worker in a loop.
    worked = [row["id"] for row in rows]
    if not result.failed:
        PendingPublish.objects.filter(pk__in=worked).delete()
    # Rows due later, or committed while this ran: the next run's.
    later = (
        PendingPublish.objects.filter(site_id=site_id)
        .exclude(pk__in=worked)
        .order_by("due_at")
        .values_list("due_at", flat=True)
        .first()
    )
    return result, (max(later, now) if later is not None else None)


def _purge(*, site: GovSite, result: PublishResult) -> None:
    changed = [*result.written, *result.removed]
    if not changed:
        return
    pagecache.site_changed(site_id=site.pk)
    base = f"{rendering.scheme()}://{rendering.host_header(site.host)}"
    purge.purge([base + path for path in changed])


def platform_publish(*, sites=None) -> dict[str, PublishResult]:
    """Write every site's tree (``publish_static``), and remove the folders of
    hosts that are no site's primary host any more."""
    started = timezone.now()
    sites = list(sites if sites is not None else selectors.publishing_sites())
    results = {site.host: site_publish(site=site) for site in sites}
    if sites:
        stray_hosts_remove()
    # What was recorded before is written now: the queued tasks find nothing.
    PendingPublish.objects.filter(site__in=sites, created_at__lte=started).delete()
    return results


def stray_hosts() -> list[str]:
    """Folders of the tree that belong to no site's primary host."""
    known = set(selectors.publishing_sites().values_list("host", flat=True))
    return [host for host in tree.hosts() if host not in known]


def stray_hosts_remove() -> list[str]:
    stray = stray_hosts()
    for host in stray:
        tree.remove_host(host)
    return stray


def tree_check(*, site: GovSite) -> CheckReport:
    """Compare the host's files with what the site answers now: addresses that
    answer a page but have no file (missing), files whose bytes differ (stale),
    files of addresses that answer no page for everyone (orphaned)."""
    report = CheckReport(host=site.host)
    on_disk = tree.addresses(site.host)
    expected = (
        {} if site.status == SiteStatus.CLOSED else selectors.site_addresses(site=site)
    )
    for path in sorted(set(expected) | on_disk):
        rendered = rendering.render(site.host, path) if path in expected else None
        current = tree.read(site.host, path) if path in on_disk else None
        if rendered is not None and rendered.status >= 500:
            report.failed.append(path)
        elif rendered is None or not rendered.publishable:
            if current is not None:
                report.orphaned.append(path)
        elif current is None:
            report.missing.append(path)
        elif not same_content(path, current, rendered.body):
            report.stale.append(path)
    return report
