"""统计分析 in the admin: page views per day (a chart drawn by chart.js, served
from our own static files), per site, column and page, publishing and interaction
figures, for the sites the user may see; exportable to Excel."""

from __future__ import annotations

import datetime
import io

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from sites.params import id_param
from sites.selectors import sites_for_user

from . import statistics

RANGES = (7, 30, 90, 365)


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
    if request.GET.get("export") == "xlsx":
        return _export(by_day, tables)
    chart = {
        "labels": [day.isoformat() for day, _count in by_day],
        "views": [count for _day, count in by_day],
        "label": _("Page views"),
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
        },
    )


def _export(by_day, tables) -> HttpResponse:
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
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="statistics.xlsx"'
    return response
