"""Reads of supervision for the sites a user may see (``sites.selectors``)."""

from __future__ import annotations

import datetime

from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.utils import timezone

from sites.tenancy import all_sites, for_sites

from .models import (
    AvailabilityProbe,
    BrokenLink,
    RequestIssueDay,
    SiteWarning,
    WarningLevel,
)


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


def _issues_by_path(*, sites, days: int):
    since = timezone.localdate() - datetime.timedelta(days=days - 1)
    return (
        for_sites(RequestIssueDay, sites)
        .filter(day__gte=since)
        .values("site_id", "path", site_name=F("site__name"))
        .annotate(
            answers_sum=Sum("answers"),
            slow_sum=Sum("slow"),
            over_limit_sum=Sum("over_limit"),
            failed_sum=Sum("failed"),
            slowest_ms=Max("max_ms"),
            time_ms=Sum("total_ms"),
            status=Max("last_status"),
            last_day=Max("day"),
        )
    )


def _with_average(rows) -> list[dict]:
    rows = list(rows)
    for row in rows:
        row["average_ms"] = round(row["time_ms"] / row["answers_sum"])
    return rows


def slowest_pages(*, sites, days: int = 30, limit: int = 50) -> list[dict]:
    """The addresses of ``sites`` whose answers were slowest in the last ``days``
    days (from the request log): the slowest answer, the average of the slow ones,
    how many took longer than 15 seconds."""
    rows = (
        _issues_by_path(sites=sites, days=days)
        .filter(slow_sum__gt=0)
        .order_by("-slowest_ms", "site_id", "path")[:limit]
    )
    return _with_average(rows)


def failing_pages(*, sites, days: int = 30, limit: int = 50) -> list[dict]:
    """The addresses of ``sites`` answered with a server error (5xx) in the last
    ``days`` days, most failures first."""
    rows = (
        _issues_by_path(sites=sites, days=days)
        .filter(failed_sum__gt=0)
        .order_by("-failed_sum", "site_id", "path")[:limit]
    )
    return _with_average(rows)


def request_issue_totals(*, sites, days: int = 30) -> dict[str, int]:
    """Slow answers, answers past 15 seconds and failed answers of ``sites``."""
    since = timezone.localdate() - datetime.timedelta(days=days - 1)
    totals = (
        for_sites(RequestIssueDay, sites)
        .filter(day__gte=since)
        .aggregate(slow=Sum("slow"), over_limit=Sum("over_limit"), failed=Sum("failed"))
    )
    return {key: value or 0 for key, value in totals.items()}


def warning_counts_by_level() -> dict[str, int]:
    """Stored warnings of every site by level name (for the metrics endpoint)."""
    with all_sites():
        rows = SiteWarning.objects.values("level").annotate(n=Count("pk")).order_by()
        counts = {level.name.lower(): 0 for level in WarningLevel}
        for row in rows:
            counts[WarningLevel(row["level"]).name.lower()] = row["n"]
        return counts
