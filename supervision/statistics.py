"""Statistics (统计分析) without trackers or personal data.

Page views come from a first-party beacon: every public page carries a 1x1 image
``/stats/hit?p=<page id>`` (themes' base template), which the browser asks for
whether the page came from Django, a static file or a CDN. Each hit is one
``INSERT ... ON CONFLICT DO UPDATE SET views = views + 1`` on the day's counter of
that page; the statement itself checks that the page is live and on the site of
the request's host, so a forged id counts nothing. The figures are read
set-based for any number of sites (one query per figure)."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Length, Substr, TruncMonth
from django.utils import timezone
from wagtail.models import Page

from cms.models import (
    ArticlePage,
    ConsultationPage,
    InterpretationPage,
    PolicyDocumentPage,
)
from interaction.models import Case, CaseStatus, Comment, Rating
from sites.models import GovSite
from sites.tenancy import for_sites

from .models import PageViewDay

CONTENT_MODELS = (ArticlePage, PolicyDocumentPage, InterpretationPage, ConsultationPage)

_HIT = """
INSERT INTO supervision_pageviewday (site_id, day, page_id, views)
SELECT %(site)s, %(day)s, page.id, 1
  FROM wagtailcore_page page
 WHERE page.id = %(page)s AND page.live AND page.path LIKE %(under)s
ON CONFLICT (site_id, day, page_id)
DO UPDATE SET views = supervision_pageviewday.views + 1
"""


def page_view_count(
    *, site: GovSite, page_id: int, day: datetime.date | None = None
) -> bool:
    """Count one view of ``page_id`` on ``site`` (today); False if the page is not
    a live page of the site (nothing counted)."""
    day = day or timezone.localdate()
    home_path = site.root_page.path
    with connection.cursor() as cursor:
        cursor.execute(
            _HIT,
            {"site": site.pk, "day": day, "page": page_id, "under": f"{home_path}%"},
        )
        return cursor.rowcount == 1


def _views(sites, start: datetime.date, end: datetime.date):
    return for_sites(PageViewDay, sites).filter(day__gte=start, day__lte=end)


def views_by_day(*, sites, start, end) -> list[tuple[datetime.date, int]]:
    """Page views of ``sites`` per day from ``start`` to ``end``, days without
    views included (as 0)."""
    counted = dict(
        _views(sites, start, end)
        .values("day")
        .annotate(total=Sum("views"))
        .order_by()
        .values_list("day", "total")
    )
    days = (end - start).days + 1
    return [
        (day, counted.get(day, 0))
        for day in (start + datetime.timedelta(days=n) for n in range(days))
    ]


def views_by_site(*, sites, start, end) -> dict[int, int]:
    return dict(
        _views(sites, start, end)
        .values("site_id")
        .annotate(total=Sum("views"))
        .order_by()
        .values_list("site_id", "total")
    )


def top_pages(*, sites, start, end, limit: int = 20) -> list[dict]:
    return list(
        _views(sites, start, end)
        .values("page_id", "site_id", title=F("page__title"), site_name=F("site__name"))
        .annotate(total=Sum("views"))
        .order_by("-total", "page_id")[:limit]
    )


def views_by_column(*, sites, start, end) -> list[dict]:
    """Views of each column's pages (the column's own page and its items)."""
    steplen = Page.steplen
    rows = (
        _views(sites, start, end)
        .annotate(
            parent_path=Substr("page__path", 1, Length("page__path") - steplen),
        )
        .values("parent_path", "page__path", "page__content_type")
        .annotate(total=Sum("views"))
        .order_by()
    )
    content_types = {
        ct.pk for ct in ContentType.objects.get_for_models(*CONTENT_MODELS).values()
    }
    totals: dict[str, int] = defaultdict(int)
    for row in rows:
        # A content page counts for its column; a column's own page for itself.
        if row["page__content_type"] in content_types:
            totals[row["parent_path"]] += row["total"]
        else:
            totals[row["page__path"]] += row["total"]
    titles = dict(
        Page.objects.filter(path__in=list(totals)).values_list("path", "title")
    )
    return sorted(
        (
            {"column": titles.get(path, path), "path": path, "views": views}
            for path, views in totals.items()
        ),
        key=lambda row: (-row["views"], row["path"]),
    )


def items_by_column_month(*, homes: list[Page], year: int) -> list[dict]:
    """Items first published in ``year`` per column and month, under ``homes``."""
    if not homes:
        return []
    under = Q()
    for home in homes:
        under |= Q(path__startswith=home.path)
    steplen = Page.steplen
    rows = (
        Page.objects.filter(
            under,
            live=True,
            content_type__in=ContentType.objects.get_for_models(
                *CONTENT_MODELS
            ).values(),
            first_published_at__year=year,
        )
        .annotate(
            parent_path=Substr("path", 1, Length("path") - steplen),
            month=TruncMonth("first_published_at"),
        )
        .values("parent_path", "month")
        .annotate(items=Count("pk"))
        .order_by("parent_path", "month")
    )
    rows = list(rows)
    titles = dict(
        Page.objects.filter(path__in={row["parent_path"] for row in rows}).values_list(
            "path", "title"
        )
    )
    return [
        {
            "column": titles.get(row["parent_path"], ""),
            "path": row["parent_path"],
            "month": row["month"].date()
            if hasattr(row["month"], "date")
            else row["month"],
            "items": row["items"],
        }
        for row in rows
    ]


def publishing_by_column(*, sites, year: int) -> dict:
    """Items first published in ``year`` per column and month under ``sites``'
    home pages, pivoted for a table (a row per column: its site, title, twelve
    months, total; busiest first) and a chart (the total per month)."""
    sites = list(sites)
    homes = list(
        Page.objects.filter(
            pk__in=[site.wagtail_site.root_page_id for site in sites]
        ).only("path")
    )
    by_root = {site.wagtail_site.root_page_id: site for site in sites}
    site_of_home = {home.path: by_root[home.pk] for home in homes}
    steplen = Page.steplen
    columns: dict[str, dict] = {}
    months = [0] * 12
    for row in items_by_column_month(homes=homes, year=year):
        path = row["path"]
        column = columns.get(path)
        if column is None:
            site = next(
                (
                    site_of_home[path[:end]]
                    for end in range(len(path), 0, -steplen)
                    if path[:end] in site_of_home
                ),
                None,
            )
            column = columns[path] = {
                "site": site.name if site else "",
                "column": row["column"],
                "months": [0] * 12,
                "total": 0,
            }
        index = row["month"].month - 1
        column["months"][index] += row["items"]
        column["total"] += row["items"]
        months[index] += row["items"]
    return {
        "rows": sorted(
            columns.values(), key=lambda c: (-c["total"], c["site"], c["column"])
        ),
        "months": months,
    }


def interaction_figures(*, sites, start, end) -> dict[int, dict]:
    """Per site: cases received, replied, replied on time, ratings; comments."""
    start_at = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    end_at = timezone.make_aware(
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min)
    )
    cases = (
        for_sites(Case, sites)
        .filter(submitted_at__gte=start_at, submitted_at__lt=end_at)
        .values("site_id")
        .annotate(
            received=Count("pk"),
            replied=Count("pk", filter=Q(replied_at__isnull=False)),
            on_time=Count(
                "pk",
                filter=Q(replied_at__isnull=False, due_on__isnull=False)
                & Q(replied_at__date__lte=F("due_on")),
            ),
            declined=Count("pk", filter=Q(status=CaseStatus.DECLINED)),
            satisfied=Count("pk", filter=Q(rating=Rating.SATISFIED)),
            basically=Count("pk", filter=Q(rating=Rating.BASICALLY_SATISFIED)),
            dissatisfied=Count("pk", filter=Q(rating=Rating.DISSATISFIED)),
        )
        .order_by()
    )
    figures: dict[int, dict] = {}
    for row in cases:
        rated = row["satisfied"] + row["basically"] + row["dissatisfied"]
        row["satisfaction"] = (
            round(100 * (row["satisfied"] + row["basically"]) / rated, 1)
            if rated
            else None
        )
        figures[row.pop("site_id")] = row
    comments = (
        for_sites(Comment, sites)
        .filter(submitted_at__gte=start_at, submitted_at__lt=end_at, hidden=False)
        .values("site_id")
        .annotate(
            comments=Count("pk"), consultations=Count("consultation", distinct=True)
        )
        .order_by()
    )
    for row in comments:
        figures.setdefault(row.pop("site_id"), {}).update(row)
    return figures
