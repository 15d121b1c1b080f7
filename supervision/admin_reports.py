"""年度报表 in the admin: the reports of the user's sites for a year, one site's
report with the fields the platform cannot know (its admins fill them in, which
regenerates and publishes the page) and the 政府信息公开工作年度报告's tables, the
roll-up of a level (a city sees its counties, platform admins every site), each
exported to Excel. Scoped by ``sites_for_user``; writes by
``sites_administered_by``."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sites.params import id_param
from sites.selectors import sites_administered_by, sites_for_user
from sites.tenancy import for_sites

from .annual_report import (
    MANUAL_FIELDS,
    NUMBERS,
    annual_figures,
    annual_report_fill,
    annual_report_generate,
    annual_report_get,
    disclosure_tables,
    manual_display,
    rollup_rows,
)
from .exports import annual_report_workbook, rollup_workbook, workbook_response
from .forms import AnnualReportForm
from .models import AnnualReport

FIRST_YEAR = 2000
PER_PAGE = 50
SHOWN_ROWS = 300  # of a roll-up on the page; the export has every site


def _years() -> list[int]:
    this_year = timezone.localdate().year
    return list(range(this_year, this_year - 6, -1))


def _year(value) -> int:
    """The year asked for (the query's or the URL's); last year by default, as
    the report is made in January for the year before."""
    this_year = timezone.localdate().year
    if value in (None, ""):
        return this_year - 1
    year = id_param(str(value))
    if year is None or not FIRST_YEAR <= year <= this_year:
        raise Http404
    return year


def _visible_site(request, site_id: int):
    sites = sites_for_user(request.user)
    site = sites.filter(pk=site_id).first()
    if site is None:
        raise Http404
    return site


def annual_report_index(request):
    """The user's sites and their report for the chosen year."""
    sites = sites_for_user(request.user)
    if not sites.exists():
        raise Http404
    year = _year(request.GET.get("year"))
    page = Paginator(sites, PER_PAGE).get_page(request.GET.get("p"))
    reports = {
        report.site_id: report
        for report in for_sites(AnnualReport, list(page.object_list)).filter(year=year)
    }
    administered = set(
        sites_administered_by(request.user)
        .filter(pk__in=[site.pk for site in page.object_list])
        .values_list("pk", flat=True)
    )
    rows = [
        {
            "site": site,
            "report": reports.get(site.pk),
            "can_fill": site.pk in administered,
            "has_below": site.level in ("province", "city"),
        }
        for site in page.object_list
    ]
    return TemplateResponse(
        request,
        "supervision/admin/annual_report_index.html",
        {"rows": rows, "page": page, "year": year, "years": _years()},
    )


def annual_report_detail(request, site_id: int, year: int):
    """One site's report: the figures, the form of what the site fills in (its
    admins), the 政府信息公开 tables. Saving regenerates and publishes the page."""
    site = _visible_site(request, site_id)
    year = _year(year)
    can_fill = sites_administered_by(request.user).filter(pk=site.pk).exists()
    report = annual_report_get(site=site, year=year)
    manual = report.manual if report else {}
    if request.method == "POST":
        if not can_fill:
            raise Http404
        form = AnnualReportForm(request.POST, initial_manual=manual)
        if form.is_valid():
            report = annual_report_fill(site=site, year=year, manual=form.manual())
            messages.success(
                request,
                _("The annual report of %(site)s for %(year)s is saved and published.")
                % {"site": site.name, "year": year},
            )
            return redirect(reverse("supervision_annual_report", args=[site.pk, year]))
        messages.error(request, _("The report was not saved: correct the fields."))
    else:
        form = AnnualReportForm(initial_manual=manual)
    figures = report.figures if report and report.figures else None
    live = figures or annual_figures(site=site, year=year)
    return TemplateResponse(
        request,
        "supervision/admin/annual_report_detail.html",
        {
            "site": site,
            "year": year,
            "report": report,
            "generated": figures is not None,
            "basics": _basics(live),
            "numbers": [(label, live["numbers"].get(key, 0)) for key, label in NUMBERS],
            "manual": [
                (label, manual_display(manual, key, kind))
                for key, label, kind in MANUAL_FIELDS
            ],
            "tables": disclosure_tables(live.get("disclosure", {})),
            "form": form if can_fill else None,
            "years": _years(),
        },
    )


def _basics(figures: dict) -> list[tuple[str, str]]:
    return [
        ("网站名称", figures.get("site_name", "")),
        ("首页网址", figures.get("home_url", "")),
        ("主办单位", figures.get("organiser", "")),
        ("政府网站标识码", figures.get("site_code", "")),
        ("ICP备案号", figures.get("icp_number", "")),
        ("公安机关备案号", figures.get("public_security_number", "")),
    ]


def annual_report_generate_view(request, site_id: int, year: int):
    """Generate (or regenerate) and publish the site's report now (POST, the
    site's admins)."""
    if request.method != "POST":
        raise Http404
    site = sites_administered_by(request.user).filter(pk=site_id).first()
    if site is None:
        raise Http404
    year = _year(year)
    annual_report_generate(site=site, year=year)
    messages.success(
        request,
        _("The annual report of %(site)s for %(year)s is generated and published.")
        % {"site": site.name, "year": year},
    )
    return redirect(reverse("supervision_annual_report", args=[site.pk, year]))


def annual_report_export(request, site_id: int, year: int):
    """The site's report as an Excel workbook (the stored one, or computed now
    when it was never generated)."""
    site = _visible_site(request, site_id)
    year = _year(year)
    report = annual_report_get(site=site, year=year)
    if report is not None and report.figures:
        figures, manual = report.figures, report.manual
    else:
        figures, manual = annual_figures(site=site, year=year), {}
    book = annual_report_workbook(figures=figures, manual=manual)
    return workbook_response(book, f"annual-report-{site.code}-{year}.xlsx")


def annual_report_rollup(request):
    """The roll-up of a level: the chosen site (one of the user's) and every site
    of the user's below it, subtotals per level and the total."""
    sites = sites_for_user(request.user)
    if not sites.exists():
        raise Http404
    year = _year(request.GET.get("year"))
    chosen = id_param(request.GET.get("site"))
    if chosen is None:
        # The user's topmost site: the province for platform admins, a city for
        # a city's admins.
        site = sites.order_by("tree_path").first()
    else:
        site = sites.filter(pk=chosen).first()
        if site is None:
            raise Http404
    rollup = rollup_rows(site=site, year=year, visible=sites)
    if request.GET.get("export") == "xlsx":
        book = rollup_workbook(site=site, year=year, rollup=rollup)
        return workbook_response(book, f"annual-report-rollup-{site.code}-{year}.xlsx")
    keys = [key for key, _label in NUMBERS]
    return TemplateResponse(
        request,
        "supervision/admin/annual_report_rollup.html",
        {
            "site": site,
            "year": year,
            "years": _years(),
            "labels": [label for _key, label in NUMBERS],
            "shown": SHOWN_ROWS,
            "more": max(0, len(rollup["rows"]) - SHOWN_ROWS),
            "rows": [
                {
                    **row,
                    "values": [row["numbers"].get(key, 0) for key in keys]
                    if row["numbers"] is not None
                    else None,
                }
                for row in rollup["rows"][:SHOWN_ROWS]
            ],
            "levels": [
                {**level, "values": [level[key] for key in keys]}
                for level in rollup["levels"]
            ],
            "total": [rollup["total"][key] for key in keys],
            "generated": rollup["generated"],
            "choices": list(
                sites.filter(Q(level__in=("province", "city")) | Q(pk=site.pk))[:500]
            ),
        },
    )
