"""Reads of supervision for the sites a user may see (``sites.selectors``)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from sites.tenancy import all_sites, for_sites

from .models import AvailabilityProbe, BrokenLink, SiteWarning, WarningLevel


def warning_list(*, sites) -> QuerySet[SiteWarning]:
    """The stored warnings of ``sites`` (sites or ids), most urgent first."""
    return (
        for_sites(SiteWarning, sites)
        .select_related("site")
        .order_by("-level", "days_left", "site__tree_path", "pk")
    )


def warning_counts(*, sites) -> dict[str, int]:
    """How many warnings ``sites`` have, by level, and how many sites have a veto."""
    return for_sites(SiteWarning, sites).aggregate(
        veto=Count("pk", filter=Q(level=WarningLevel.VETO)),
        overdue=Count("pk", filter=Q(level=WarningLevel.OVERDUE)),
        notice=Count("pk", filter=Q(level=WarningLevel.NOTICE)),
        vetoed_sites=Count("site_id", filter=Q(level=WarningLevel.VETO), distinct=True),
    )


def broken_link_list(*, sites) -> QuerySet[BrokenLink]:
    """The broken links the last check of each of ``sites`` found."""
    return (
        for_sites(BrokenLink, sites)
        .select_related("site", "page")
        .order_by("site__tree_path", "page_id", "url")
    )


def availability_list(*, sites, limit: int = 200) -> list[AvailabilityProbe]:
    """The latest probes of ``sites``' home pages, newest first."""
    return list(
        for_sites(AvailabilityProbe, sites)
        .select_related("site")
        .order_by("-checked_at", "-pk")[:limit]
    )


def warning_counts_by_level() -> dict[str, int]:
    """Stored warnings of every site by level name (for the metrics endpoint)."""
    with all_sites():
        rows = SiteWarning.objects.values("level").annotate(n=Count("pk")).order_by()
        counts = {level.name.lower(): 0 for level in WarningLevel}
        for row in rows:
            counts[WarningLevel(row["level"]).name.lower()] = row["n"]
        return counts
