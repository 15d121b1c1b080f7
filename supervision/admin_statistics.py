"""统计分析 in the admin: page views per day (a chart drawn by chart.js, served
from our own static files), per site, column and page, publishing and interaction
figures, for the sites the user may see; exportable to Excel."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from search.selectors import query_stats, query_totals
from sites.params import id_param
from sites.selectors import sites_for_user

from . import statistics
from .exports import workbook_response

RANGES = (7, 30, 90, 365)
PUBLISHING_ROWS = 50  # columns on the page; the export has every one


def _scope(request):
    sites = list(sites_for_user(request.user))
    if not sites:
        raise PermissionDenied
    chosen = id_param(request.GET.get("site"))
    if chosen is not None:
        sites = [site for site in sites if site.pk == chosen]
    days = id_param(request.GET.get("days")) or 30
    if days not in RANGES:
        days = 30
    end = timezone.localdate()
    start = end - datetime.timedelta(days=days - 1)
    return sites, start, end, days


def _year(request) -> int:
    """The year of the publishing figures: this year unless another of the
    last few is asked for."""
    this_year = timezone.localdate().year
    year = id_param(request.GET.get("year"))
    return year if year in _years(this_year) else this_year


def _years(this_year: int) -> list[int]:
    return list(range(this_year, this_year - 6, -1))


def statistics_index(request):
    sites, start, end, days = _scope(request)
    by_day = statistics.views_by_day(sites=sites, start=start, end=end)
    by_site = statistics.views_by_site(sites=sites, start=start, end=end)
    interaction = statistics.interaction_figures(sites=sites, start=start, end=end)
    site_rows = [
        {
            "site": site,
            "views": by_site.get(site.pk, 0),
            **interaction.get(site.pk, {}),
        }
        for site in sites
    ]
    tables = {
        "sites": site_rows,
        "pages": statistics.top_pages(sites=sites, start=start, end=end),
        "columns": statistics.views_by_column(sites=sites, start=start, end=end)[:30],
    }
    year = _year(request)
    publishing = statistics.publishing_by_column(sites=sites, year=year)
    search = {
        **query_stats(sites=sites, days=days),
        **query_totals(sites=sites, days=days),
    }
    if request.GET.get("export") == "xlsx":
        return _export(by_day, tables, publishing, year, search)
    chart = {
        "labels": [day.isoformat() for day, _count in by_day],
        "views": [count for _day, count in by_day],
        "label": _("Page views"),
        "publishing": {
            "labels": [_("Month %(month)d") % {"month": n} for n in range(1, 13)],
            "items": publishing["months"],
            "label": _("Items published"),
        },
    }
    return TemplateResponse(
        request,
        "supervision/admin/statistics.html",
        {
            "chart": chart,
            "total": sum(chart["views"]),
            "tables": tables,
            "user_sites": list(sites_for_user(request.user)[:500]),
            "chosen": id_param(request.GET.get("site")),
            "days": days,
            "ranges": RANGES,
            "start": start,
            "end": end,
            "year": year,
            "years": _years(timezone.localdate().year),
            "publishing": {
                "rows": publishing["rows"][:PUBLISHING_ROWS],
                "more": max(0, len(publishing["rows"]) - PUBLISHING_ROWS),
                "months": publishing["months"],
                "total": sum(publishing["months"]),
            },
            "search": search,
        },
    )


def _export(by_day, tables, publishing, year, search) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Page views per day")
    sheet.append([_("Day"), _("Page views")])
    for day, count in by_day:
        sheet.append([day, count])
    sheet = book.create_sheet(_("Sites"))
    sheet.append(
        [
            _("Site"),
            _("Site code"),
            _("Page views"),
            _("Cases received"),
            _("Replied"),
            _("Replied on time"),
            _("Satisfaction (%)"),
            _("Comments"),
        ]
    )
    for row in tables["sites"]:
        sheet.append(
            [
                row["site"].name,
                row["site"].code,
                row["views"],
                row.get("received", 0),
                row.get("replied", 0),
                row.get("on_time", 0),
                row.get("satisfaction"),
                row.get("comments", 0),
            ]
        )
    sheet = book.create_sheet(_("Pages"))
    sheet.append([_("Site"), _("Page"), _("Page views")])
    for row in tables["pages"]:
        sheet.append([row["site_name"], row["title"], row["total"]])
    sheet = book.create_sheet(_("Columns"))
    sheet.append([_("Column"), _("Page views")])
    for row in tables["columns"]:
        sheet.append([row["column"], row["views"]])
    sheet = book.create_sheet(_("Publishing %(year)d") % {"year": year})
    months = [_("Month %(month)d") % {"month": n} for n in range(1, 13)]
    sheet.append([_("Site"), _("Column"), *months, _("Total")])
    for row in publishing["rows"]:
        sheet.append([row["site"], row["column"], *row["months"], row["total"]])
    sheet.append([_("Total"), "", *publishing["months"], sum(publishing["months"])])
    sheet = book.create_sheet(_("Search"))
    sheet.append([_("Searches"), search["searches"]])
    sheet.append([_("Searches that found nothing"), search["zero_results"]])
    sheet.append([])
    sheet.append([_("Site"), _("Top searches"), _("Searches")])
    for row in search["top"]:
        sheet.append([row["site__name"], row["query"], row["total"]])
    sheet.append([])
    sheet.append([_("Site"), _("Searches that found nothing"), _("Searches")])
    for row in search["zero"]:
        sheet.append([row["site__name"], row["query"], row["empty"]])
    return workbook_response(book, "statistics.xlsx")
