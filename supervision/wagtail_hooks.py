from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from sites.selectors import manages_any_site, sites_for_user

from . import admin_reports, admin_statistics, admin_views
from .admin_panels import WarningsPanel
from .selectors import warning_counts, warning_list

PANEL_ROWS = 10


@hooks.register("register_admin_urls")
def register_supervision_urls():
    return [
        path(
            "supervision/warnings/",
            admin_views.WarningIndexView.as_view(),
            name=admin_views.INDEX_URL,
        ),
        path(
            "supervision/warnings/results/",
            admin_views.WarningIndexView.as_view(results_only=True),
            name=f"{admin_views.INDEX_URL}_results",
        ),
        path(
            "supervision/warnings/refresh/",
            admin_views.warnings_refresh,
            name="supervision_warnings_refresh",
        ),
        path(
            "supervision/links/",
            admin_views.BrokenLinkIndexView.as_view(),
            name=admin_views.LINKS_URL,
        ),
        path(
            "supervision/links/results/",
            admin_views.BrokenLinkIndexView.as_view(results_only=True),
            name=f"{admin_views.LINKS_URL}_results",
        ),
        path(
            "supervision/links/check/",
            admin_views.links_check,
            name="supervision_links_check",
        ),
        path(
            "supervision/selfcheck/",
            admin_views.selfcheck_index,
            name="supervision_selfcheck",
        ),
        path(
            "supervision/availability/",
            admin_views.availability_index,
            name="supervision_availability",
        ),
        path(
            "supervision/annual-reports/",
            admin_reports.annual_report_index,
            name="supervision_annual_reports",
        ),
        path(
            "supervision/annual-reports/rollup/",
            admin_reports.annual_report_rollup,
            name="supervision_annual_report_rollup",
        ),
        path(
            "supervision/annual-reports/<int:site_id>/<int:year>/",
            admin_reports.annual_report_detail,
            name="supervision_annual_report",
        ),
        path(
            "supervision/annual-reports/<int:site_id>/<int:year>/generate/",
            admin_reports.annual_report_generate_view,
            name="supervision_annual_report_generate",
        ),
        path(
            "supervision/annual-reports/<int:site_id>/<int:year>/export/",
            admin_reports.annual_report_export,
            name="supervision_annual_report_export",
        ),
        path(
            "supervision/statistics/",
            admin_statistics.statistics_index,
            name="supervision_statistics",
        ),
    ]


class SiteStaffMenuItem(MenuItem):
    def is_shown(self, request):
        return manages_any_site(request.user)


@hooks.register("register_admin_menu_item")
def register_supervision_menu():
    items = [
        SiteStaffMenuItem(
            _("Early warnings"),
            reverse(admin_views.INDEX_URL),
            icon_name="warning",
            order=1,
        ),
        SiteStaffMenuItem(
            _("Broken links"),
            reverse(admin_views.LINKS_URL),
            icon_name="link",
            order=2,
        ),
        SiteStaffMenuItem(
            _("Statistics"),
            reverse("supervision_statistics"),
            icon_name="view",
            order=3,
        ),
        SiteStaffMenuItem(
            _("Availability"),
            reverse("supervision_availability"),
            icon_name="pick",
            order=4,
        ),
        SiteStaffMenuItem(
            _("Self-check"),
            reverse("supervision_selfcheck"),
            icon_name="tasks",
            order=5,
        ),
        SiteStaffMenuItem(
            _("Annual reports"),
            reverse("supervision_annual_reports"),
            icon_name="doc-full",
            order=6,
        ),
    ]
    return SubmenuMenuItem(
        _("Supervision"), Menu(items=items), icon_name="view", order=170
    )


@hooks.register("construct_homepage_panels")
def add_warnings_panel(request, panels):
    sites = sites_for_user(request.user)
    counts = warning_counts(sites=sites)
    if counts["veto"] or counts["overdue"] or counts["notice"]:
        rows = list(warning_list(sites=sites)[:PANEL_ROWS])
        panels.append(WarningsPanel(counts=counts, warnings=rows))
