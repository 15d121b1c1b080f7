"""Reads of syndication: who may send where, columns by code, inboxes, status."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet
from wagtail.models import Page

from cms.models import ColumnPage, PolicyDocumentPage
from sites.models import GovSite, SiteGroup, SiteLevel, SiteRole, SiteStatus
from sites.routing import govsite_for_page, govsite_id_for
from sites.selectors import is_platform_admin, sites_administered_by, sites_for_user
from sites.tenancy import for_sites

from .models import (
    OPEN_STATES,
    ExchangeState,
    ReceivedItem,
    SyndicatedItem,
    SyndicationSettings,
    SyndicationTarget,
    TargetState,
)

# Sites that may receive items: online or being built, never closed, and not
# archived (read-only).
RECEIVING_STATUSES = (SiteStatus.ACTIVE, SiteStatus.PREPARATION)


def _ancestor_paths(tree_path: str) -> list[str]:
    return [tree_path[: i + 1] for i, ch in enumerate(tree_path) if ch == "/"]


def sites_below(*, site: GovSite) -> QuerySet[GovSite]:
    return GovSite.objects.filter(tree_path__startswith=site.tree_path).exclude(
        pk=site.pk
    )


def sites_above(*, site: GovSite) -> QuerySet[GovSite]:
    return GovSite.objects.filter(
        tree_path__in=_ancestor_paths(site.tree_path)
    ).exclude(pk=site.pk)


def push_target_candidates(*, user, source: GovSite) -> QuerySet[GovSite]:
    """The sites ``user`` may push an item of ``source`` to: the sites below it, and
    the sites the user administers, except ``source`` itself; open sites only."""
    allowed = Q(tree_path__startswith=source.tree_path)
    if not is_platform_admin(user):
        allowed |= Q(pk__in=sites_administered_by(user).values("pk"))
    else:
        allowed = Q(pk__in=GovSite.objects.values("pk"))
    return (
        GovSite.objects.filter(allowed, status__in=RECEIVING_STATUSES)
        .exclude(pk=source.pk)
        .order_by("tree_path")
    )


def report_target_candidates(*, source: GovSite) -> QuerySet[GovSite]:
    """The sites an item of ``source`` may be reported up to: the sites above it."""
    return sites_above(site=source).filter(status__in=RECEIVING_STATUSES)


def can_send_from(*, user, source: GovSite) -> bool:
    return sites_for_user(user).filter(pk=source.pk).exists()


def source_site_of(page: Page) -> GovSite | None:
    return govsite_for_page(page)


def site_roles(*, user, site: GovSite) -> set[str]:
    """The roles ``user`` holds on ``site`` itself ('admin' also for an admin of a
    site above, who manages it)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    if is_platform_admin(user):
        return {SiteRole.ADMIN, SiteRole.EDITOR, SiteRole.REVIEWER}
    roles = set(
        for_sites(SiteGroup, [site])
        .filter(group__user=user)
        .values_list("role", flat=True)
    )
    if sites_administered_by(user).filter(pk=site.pk).exists():
        roles.add(SiteRole.ADMIN)
    return roles


def shortcut_sites(*, source: GovSite, candidates: QuerySet[GovSite]) -> dict:
    """The target picker's shortcuts: every site below, every department site
    below, and the counties of each city below (site ids)."""
    rows = list(candidates.values("pk", "level", "parent_id", "tree_path"))
    below = [r for r in rows if r["tree_path"].startswith(source.tree_path)]
    shortcuts = {
        "all_below": [r["pk"] for r in below],
        "departments": [r["pk"] for r in below if r["level"] == SiteLevel.DEPARTMENT],
        "counties_of": {},
    }
    for row in below:
        if row["level"] == SiteLevel.COUNTY:
            shortcuts["counties_of"].setdefault(row["parent_id"], []).append(row["pk"])
    return shortcuts


def columns_by_code(
    *, sites: Iterable[GovSite], codes: list[str]
) -> dict[int, ColumnPage]:
    """For each site, its live column with the first of ``codes`` it has (a column
    code, then the fallback): two queries whatever the number of sites."""
    sites = list(sites)
    codes = [code for code in codes if code]
    if not sites or not codes:
        return {}
    root_paths = dict(
        GovSite.objects.filter(pk__in=[s.pk for s in sites]).values_list(
            "wagtail_site__root_page__path", "pk"
        )
    )
    candidates = ColumnPage.objects.filter(code__in=codes, live=True).filter(
        _under_any(root_paths)
    )
    best: dict[int, tuple[int, int, ColumnPage]] = {}
    for column in candidates.only("pk", "path", "code", "url_path", "title", "depth"):
        site_id = None
        for end in range(Page.steplen, len(column.path), Page.steplen):
            site_id = root_paths.get(column.path[:end])
            if site_id is not None:
                break
        if site_id is None:
            continue
        rank = (codes.index(column.code), column.depth)
        if site_id not in best or rank < best[site_id][:2]:
            best[site_id] = (*rank, column)
    return {site_id: entry[2] for site_id, entry in best.items()}


def some_site_has_column(*, site_ids: list[int], codes: list[str]) -> bool:
    """Whether any of these sites has a live column with one of ``codes``: one
    query, stopping at the first such site."""
    codes = [code for code in codes if code]
    if not site_ids or not codes:
        return False
    column = ColumnPage.objects.filter(
        code__in=codes,
        live=True,
        path__startswith=OuterRef("wagtail_site__root_page__path"),
    )
    return GovSite.objects.filter(pk__in=site_ids).filter(Exists(column)).exists()


def _under_any(root_paths: dict[str, int]) -> Q:
    """Pages under any of these root paths, as one indexed prefix match: the
    longest whole-step prefix the paths share (for a push, the source's folder)
    narrows the rows; the exact site of each is matched in Python."""
    paths = list(root_paths)
    if not paths:
        return Q(pk__in=[])
    # Treebeard paths are strings of fixed-width steps, not file paths: the
    # shared characters, cut back to a whole step.
    first, last = min(paths), max(paths)
    size = 0
    while size < min(len(first), len(last)) and first[size] == last[size]:
        size += 1
    common = first[: size - size % Page.steplen]
    return Q(path__startswith=common)


def item_for_page(*, page_id: int, source: GovSite) -> SyndicatedItem | None:
    return for_sites(SyndicatedItem, [source]).filter(source_page_id=page_id).first()


def items_of_page(*, page_id: int) -> QuerySet[SyndicatedItem]:
    """Every syndication record of a page: a page belongs to one site, so this is
    that site's rows (the page's own site is looked up from the tree)."""
    page = Page.objects.filter(pk=page_id).first()
    source = govsite_for_page(page) if page is not None else None
    if source is None:
        return for_sites(SyndicatedItem, []).none()
    return for_sites(SyndicatedItem, [source]).filter(source_page_id=page_id)


def targets_of_item(*, item: SyndicatedItem) -> QuerySet[SyndicationTarget]:
    """The reference rows of an item on every site it was sent to (what its
    source sees on the status page): the sites the item names, explicitly."""
    return (
        for_sites(SyndicationTarget, item.target_site_ids)
        .filter(item=item)
        .select_related("site", "column", "decided_by")
        .order_by("site__tree_path")
    )


def target_on_site(*, site: GovSite, pk: int) -> SyndicationTarget | None:
    return (
        for_sites(SyndicationTarget, [site])
        .select_related("item", "item__site", "column")
        .filter(pk=pk)
        .first()
    )


def inbox(*, sites: Iterable[GovSite]) -> QuerySet[SyndicationTarget]:
    """Items offered to ``sites`` that they still have to take or decline."""
    return (
        for_sites(SyndicationTarget, sites)
        .filter(state__in=OPEN_STATES)
        .select_related("item", "item__site", "site", "column")
        .order_by("-requested_at")
    )


def live_received(*, sites: Iterable[GovSite]) -> QuerySet[SyndicationTarget]:
    """Items from other sites live on ``sites`` (which their staff may hide)."""
    return (
        for_sites(SyndicationTarget, sites)
        .filter(state=TargetState.LIVE)
        .select_related("item", "item__site", "site", "column")
        .order_by("-live_at")
    )


def inbox_count(*, user) -> int:
    sites = sites_for_user(user)
    return inbox(sites=sites).count() + peer_inbox(sites=sites).count()


def live_targets_for_page(*, page_id: int) -> list[dict]:
    """Where the page is live as a syndicated item: site id, and what its address
    needs (the target's host, port, root page path, column path)."""
    return live_targets_for_pages(page_ids=[page_id]).get(page_id, [])


def live_targets_for_pages(*, page_ids: Iterable[int]) -> dict[int, list[dict]]:
    """``live_targets_for_page`` for a batch of pages, in three queries whatever
    its size (the search index asks it a thousand pages at a time): the pages'
    own sites (from the tree), their syndication records there, and the live
    reference rows on the sites those records name."""
    ids = list(dict.fromkeys(page_ids))
    if not ids:
        return {}
    sources = set()
    for page_id, url_path in Page.objects.filter(pk__in=ids).values_list(
        "pk", "url_path"
    ):
        source = govsite_id_for(url_path=url_path, page_id=page_id)
        if source is not None:
            sources.add(source)
    site_ids = {
        site_id
        for ids_sent in for_sites(SyndicatedItem, sources)
        .filter(source_page_id__in=ids)
        .values_list("target_site_ids", flat=True)
        for site_id in ids_sent
    }
    if not site_ids:
        return {}
    found: dict[int, list[dict]] = {}
    for row in (
        for_sites(SyndicationTarget, site_ids)
        .filter(
            item__source_page_id__in=ids,
            state=TargetState.LIVE,
            column__isnull=False,
            site__status__in=(SiteStatus.ACTIVE, SiteStatus.ARCHIVED),
        )
        .values(
            "pk",
            "site_id",
            "requested_at",
            "item__source_page_id",
            "column__url_path",
            "site__wagtail_site__hostname",
            "site__wagtail_site__port",
            "site__wagtail_site__root_page__url_path",
        )
    ):
        found.setdefault(row["item__source_page_id"], []).append(row)
    return found


def _root_url(hostname: str, port: int) -> str:
    # As wagtail.models.Site.root_url.
    if port == 80:
        return f"http://{hostname}"
    if port == 443:
        return f"https://{hostname}"
    return f"http://{hostname}:{port}"


def target_address(row: dict) -> str:
    """The full address of a reference row from ``live_targets_for_page``."""
    root_path = row["site__wagtail_site__root_page__url_path"]
    column_path = "/" + row["column__url_path"][len(root_path) :]
    target = SyndicationTarget(pk=row["pk"], requested_at=row["requested_at"])
    root_url = _root_url(
        row["site__wagtail_site__hostname"], row["site__wagtail_site__port"]
    )
    return root_url + target.address_path(column_path)


def live_addresses_for_page(*, page_id: int) -> dict[str, str]:
    """{site id: address} of every site the page is live on as a syndicated item."""
    return live_addresses_for_pages(page_ids=[page_id]).get(page_id, {})


def live_addresses_for_pages(*, page_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """``live_addresses_for_page`` for a batch of pages, in three queries."""
    return {
        page_id: {str(row["site_id"]): target_address(row) for row in rows}
        for page_id, rows in live_targets_for_pages(page_ids=page_ids).items()
    }


def column_live_targets(*, column: ColumnPage) -> QuerySet[SyndicationTarget]:
    """The items live in a target's column, newest first (their place there)."""
    site = govsite_for_page(column)
    if site is None:
        return for_sites(SyndicationTarget, []).none()
    return (
        for_sites(SyndicationTarget, [site])
        .filter(column=column, state=TargetState.LIVE)
        .select_related("item", "item__site")
        .order_by("-live_at")
    )


def columns_live_targets(*, columns: list[ColumnPage]) -> QuerySet[SyndicationTarget]:
    """The items live in some columns of one site (their source still live),
    newest first: the order of the columns' lists."""
    site = govsite_for_page(columns[0]) if columns else None
    if site is None:
        return for_sites(SyndicationTarget, []).none()
    return (
        for_sites(SyndicationTarget, [site])
        .filter(
            column__in=[column.pk for column in columns],
            state=TargetState.LIVE,
            item__source_page__live=True,
        )
        .order_by("-live_at", "-pk")
    )


def settings_for(*, site: GovSite) -> SyndicationSettings:
    found = for_sites(SyndicationSettings, [site]).first()
    return found or SyndicationSettings(site=site)


def publish_in_step(*, site: GovSite) -> bool:
    value = settings_for(site=site).publish_in_step
    return site.level == SiteLevel.DEPARTMENT if value is None else value


def status_rows(*, page_id: int) -> list[dict]:
    """Each target's state of the page's item and its address there (commands,
    the status page's JSON)."""
    rows = []
    for item in items_of_page(page_id=page_id):
        for target in targets_of_item(item=item):
            address = None
            if target.column is not None:
                root = target.site.root_page
                column_path = "/" + target.column.url_path[len(root.url_path) :]
                address = target.site.wagtail_site.root_url + target.address_path(
                    column_path
                )
            rows.append(
                {
                    "site": target.site.code,
                    "name": target.site.name,
                    "state": target.state,
                    "mandatory": target.mandatory,
                    "direction": target.direction,
                    "column": target.column.code if target.column else None,
                    "reason": target.reason,
                    "requested_at": target.requested_at.isoformat(),
                    "decided_at": target.decided_at.isoformat()
                    if target.decided_at
                    else None,
                    "address": address,
                }
            )
    return rows


def normative_documents(
    *,
    portal: GovSite,
    issuing_organ: str = "",
    year: int | None = None,
    subject: str = "",
    validity: str = "",
) -> QuerySet[PolicyDocumentPage]:
    """规范性文件库: every live normative document of ``portal`` and the sites
    below it (one subtree: each site's folder page holds the sites below it),
    read from the documents themselves and their registrations, newest first."""
    documents = (
        PolicyDocumentPage.objects.live()
        .public()
        .descendant_of(portal.folder_page)
        .filter(is_normative=True)
        .select_related("registration")
        .defer_streamfields()
    )
    if issuing_organ:
        documents = documents.filter(issuing_organ__icontains=issuing_organ)
    if year:
        documents = documents.filter(written_on__year=year)
    if subject:
        documents = documents.filter(subject_category=subject)
    if validity:
        documents = documents.filter(validity=validity)
    return documents.order_by("-written_on", "-pk")


def normative_organs(*, portal: GovSite) -> list[str]:
    return list(
        PolicyDocumentPage.objects.live()
        .descendant_of(portal.folder_page)
        .filter(is_normative=True)
        .order_by("issuing_organ")
        .values_list("issuing_organ", flat=True)
        .distinct()[:200]
    )


def peer_inbox(*, sites: Iterable[GovSite]) -> QuerySet[ReceivedItem]:
    """Items peer platforms sent to ``sites``, still to take or decline."""
    return (
        for_sites(ReceivedItem, sites)
        .filter(state=ExchangeState.PENDING)
        .select_related("peer", "site", "column")
        .order_by("-received_at")
    )


def received_get(*, sites: Iterable[GovSite], pk: int) -> ReceivedItem | None:
    return (
        for_sites(ReceivedItem, sites)
        .select_related("peer", "site", "column")
        .filter(pk=pk)
        .first()
    )
