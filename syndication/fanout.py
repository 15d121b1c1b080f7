"""The work the queued tasks run (``syndication.tasks``) and the source's signals
trigger: writing reference rows, withdrawing them. Below ``services`` and
``tasks``, so that services queue tasks and tasks run this without importing
each other."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.models import Page

from search.documents import page_key
from search.services import item_request_update
from sites.models import GovSite
from sites.signals import public_pages_changed_send
from sites.tenancy import for_sites, use_site

from . import selectors
from .models import SyndicatedItem, SyndicationTarget, TargetState
from .signals import item_changed_on_sites

CHUNK = 500


def changed(*, page_id: int | None, site_ids: list[int]) -> None:
    """After the transaction commits: tell static publishing which sites' pages
    changed, and queue the item's search document (it lists the sites it is live
    on). Inside the transaction of the change, like search's own requests."""
    if page_id is not None:
        item_request_update(item_keys=[page_key(page_id)])
    if site_ids and page_id is not None:
        rows = for_sites(SyndicationTarget, site_ids).filter(
            item__source_page_id=page_id
        )
        _sites_changed(rows=rows, page_id=page_id, site_ids=site_ids)
    elif site_ids:
        _sites_changed(rows=None, page_id=page_id, site_ids=site_ids)


def _sites_changed(*, rows, page_id: int | None, site_ids: list[int]) -> None:
    """Static publishing re-writes each target's column that lists the item
    (``rows``: its reference rows there), one signal per site; then, after the
    commit, ``item_changed_on_sites``."""
    if rows is not None:
        columns: dict[int, set[int]] = {}
        for site_id, column_id in rows.values_list("site_id", "column_id"):
            if column_id is not None:
                columns.setdefault(site_id, set()).add(column_id)
        for site_id in site_ids:
            public_pages_changed_send(
                sender=SyndicationTarget,
                site_id=site_id,
                page_ids=sorted(columns.get(site_id, ())),
            )
    transaction.on_commit(
        lambda: item_changed_on_sites.send(
            sender=SyndicationTarget, page_id=page_id, site_ids=list(site_ids)
        )
    )


def withdrawn_publish(*, item_id: int, page_id: int | None, site_ids: list[int]):
    """The queued half of a withdrawal (``tasks.item_withdrawn_task``): the
    sites where the item was live write their columns that listed it again. Its
    reference rows are read by the item (the source page may be gone)."""
    if not site_ids:
        return
    rows = for_sites(SyndicationTarget, site_ids).filter(item_id=item_id)
    _sites_changed(rows=rows, page_id=page_id, site_ids=list(site_ids))


def has_items(*, page_id: int, source: GovSite) -> bool:
    return for_sites(SyndicatedItem, [source]).filter(source_page_id=page_id).exists()


def source_republished(*, page_id: int, source: GovSite | None) -> list[int]:
    """The source page was published again (an edit): the target columns that
    list it show its new title, so static publishing writes them again. The
    sites where it is live."""
    if source is None:
        return []
    site_ids = [
        site_id
        for ids in for_sites(SyndicatedItem, [source])
        .filter(source_page_id=page_id)
        .values_list("target_site_ids", flat=True)
        for site_id in ids
    ]
    if not site_ids:
        return []
    columns: dict[int, set[int]] = {}
    rows = for_sites(SyndicationTarget, site_ids).filter(
        item__source_page_id=page_id, state=TargetState.LIVE, column__isnull=False
    )
    for site_id, column_id in rows.values_list("site_id", "column_id"):
        columns.setdefault(site_id, set()).add(column_id)
    for site_id, column_ids in columns.items():
        public_pages_changed_send(
            sender=SyndicationTarget, site_id=site_id, page_ids=sorted(column_ids)
        )
    return sorted(columns)


def item_record(
    *,
    source: GovSite,
    page: Page,
    site_ids: list[int],
    user,
    missing: list[GovSite] | None = None,
    column_code: str = "",
) -> SyndicatedItem:
    """The source's record of the item (one per page), naming every site it was
    sent to, and (``missing``, when known) the sites that had no column for it."""
    with use_site(source):
        item, _created = SyndicatedItem.objects.select_for_update().get_or_create(
            site=source,
            source_page=page,
            defaults={"title": page.title[:255], "created_by": user},
        )
        item.title = page.title[:255]
        item.target_site_ids = sorted(set(item.target_site_ids) | set(site_ids))
        if missing is not None:
            _missing_note(
                item, site_ids=site_ids, missing=missing, column_code=column_code
            )
        item.save()
    return item


def _missing_note(item, *, site_ids, missing, column_code: str) -> None:
    """The sites that had no column for the item (when and which code), for the
    status page; sites sent to again are taken off until found missing again."""
    now = timezone.now().isoformat()
    item.missing_column_sites = [
        *[e for e in item.missing_column_sites if e.get("site") not in site_ids],
        *[
            {"site": site.pk, "name": site.name, "at": now, "code": column_code}
            for site in missing
        ],
    ]


def columns_plan(
    *, site_ids: list[int], codes: list[str]
) -> tuple[list[list[int]], list[GovSite]]:
    """For each target still open to receiving, its column by code (then the
    fallback): ``[[site id, column id], ...]``, and the sites with neither. Two
    queries for the columns whatever the number of sites."""
    sites = list(
        GovSite.objects.filter(
            pk__in=site_ids, status__in=selectors.RECEIVING_STATUSES
        ).only("pk", "name")
    )
    columns = selectors.columns_by_code(sites=sites, codes=codes)
    planned = [[site.pk, columns[site.pk].pk] for site in sites if site.pk in columns]
    missing = [site for site in sites if site.pk not in columns]
    return planned, missing


@transaction.atomic
def push(
    *,
    item_id: int,
    source_site_id: int,
    site_ids: list[int],
    codes: list[str],
    direction: str,
    mandatory: bool,
    user_id: int | None,
) -> int:
    """The queued half of a push (the editor's request only recorded the item):
    plan each target's column by code, note the sites without one on the item,
    and write the reference rows (``fan_out``)."""
    source = GovSite.objects.filter(pk=source_site_id).first()
    if source is None:
        return 0
    planned, missing = columns_plan(site_ids=site_ids, codes=codes)
    with use_site(source):
        item = SyndicatedItem.objects.select_for_update().filter(pk=item_id).first()
        if item is None:
            return 0
        _missing_note(
            item,
            site_ids=site_ids,
            missing=missing,
            column_code=codes[0] if codes else "",
        )
        item.save(update_fields=["missing_column_sites"])
    if not planned:
        return 0
    return fan_out(
        item_id=item_id,
        source_site_id=source_site_id,
        plan=planned,
        direction=direction,
        mandatory=mandatory,
        user_id=user_id,
    )


@transaction.atomic
def fan_out(
    *,
    item_id: int,
    source_site_id: int,
    plan: list[list[int]],
    direction: str,
    mandatory: bool,
    user_id: int | None,
) -> int:
    """Write one reference row per (site, column) of ``plan``: pending in the
    targets' inboxes, or live at once when ``mandatory``. A site that already
    holds the item keeps its row (a push repeated never doubles it), unless the
    item had been withdrawn there. Returns how many sites got it now."""
    source = GovSite.objects.filter(pk=source_site_id).first()
    item = (
        for_sites(SyndicatedItem, [source]).filter(pk=item_id).first()
        if source
        else None
    )
    if item is None:
        return 0
    # The source page's row locked: an unpublish or delete waits for this
    # transaction, then withdraws what it wrote (never a row left behind).
    page = (
        Page.objects.select_for_update().filter(pk=item.source_page_id).first()
        if item.source_page_id
        else None
    )
    if page is None or not page.live:
        # Already in a task: the sites it left are written from here.
        was_live = withdraw_item(item=item)
        withdrawn_publish(
            item_id=item.pk, page_id=item.source_page_id, site_ids=was_live
        )
        return 0
    now = timezone.now()
    state = TargetState.LIVE if mandatory else TargetState.PENDING
    site_ids = [site_id for site_id, _column_id in plan]
    rows = [
        SyndicationTarget(
            site_id=site_id,
            item=item,
            column_id=column_id,
            direction=direction,
            mandatory=mandatory,
            state=state,
            requested_by_id=user_id,
            requested_at=now,
            live_at=now if mandatory else None,
        )
        for site_id, column_id in plan
    ]
    targets = for_sites(SyndicationTarget, site_ids)
    for start in range(0, len(rows), CHUNK):
        targets.bulk_create(rows[start : start + CHUNK], ignore_conflicts=True)
    # Sent again: a withdrawn row opens again; a mandatory push makes an open one
    # live. Declined and hidden rows keep the target's decision.
    reopen = Q(state=TargetState.WITHDRAWN)
    if mandatory:
        reopen |= Q(state__in=(TargetState.PENDING, TargetState.REVIEWING))
    targets.filter(item=item).filter(reopen).update(
        state=state,
        mandatory=mandatory,
        live_at=now if mandatory else None,
        reason="",
        updated_at=now,
    )
    if item.withdrawn_at is not None:
        item.withdrawn_at = None
        item.save(update_fields=["withdrawn_at"])
    if mandatory:
        changed(page_id=page.pk, site_ids=site_ids)
    return len(site_ids)


def withdraw_item(*, item: SyndicatedItem) -> list[int]:
    """Withdraw the item from every site it was sent to (one update) and queue
    its search document; the sites where it was live, whose pages changed:
    the caller has them written again (``withdrawn_publish``, queued from a
    request: they may be hundreds)."""
    now = timezone.now()
    targets = for_sites(SyndicationTarget, item.target_site_ids).filter(item=item)
    was_live = list(
        targets.filter(state=TargetState.LIVE).values_list("site_id", flat=True)
    )
    targets.exclude(state__in=(TargetState.DECLINED, TargetState.WITHDRAWN)).update(
        state=TargetState.WITHDRAWN, updated_at=now
    )
    if item.withdrawn_at is None:
        item.withdrawn_at = now
        item.save(update_fields=["withdrawn_at"])
    if item.source_page_id is not None:
        item_request_update(item_keys=[page_key(item.source_page_id)])
    return was_live


def withdraw_page(*, page_id: int, source: GovSite | None) -> dict[int, list[int]]:
    """The page was unpublished or is being deleted: withdraw it everywhere.
    For each of its items, the sites where it was live."""
    if source is None:
        return {}
    return {
        item.pk: withdraw_item(item=item)
        for item in for_sites(SyndicatedItem, [source]).filter(source_page_id=page_id)
    }
