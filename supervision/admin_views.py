"""Supervision in the admin: the early warnings of the sites a user may see (a
city's admins see their counties', platform admins every site's), as a sortable
table by level that exports to Excel, and the on-demand refresh."""

from __future__ import annotations

from collections import OrderedDict

import django_filters
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import IndexView

from sites.models import SiteLevel
from sites.params import id_param
from sites.selectors import sites_for_user

from .models import BrokenLink, LinkKind, SiteWarning, WarningKind, WarningLevel
from .requestlog import LIMIT_MS
from .selectors import (
    availability_list,
    broken_link_list,
    failing_pages,
    request_issue_totals,
    slowest_pages,
    warning_list,
)
from .selfcheck import ITEMS, selfcheck_list
from .tasks import links_check_task, warnings_refresh_task

INDEX_URL = "supervision_warnings"


class WarningFilterSet(WagtailFilterSet):
    level = django_filters.ChoiceFilter(
        label=gettext_lazy("level"), choices=WarningLevel.choices
    )
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("kind"), choices=WarningKind.choices
    )
    site_level = django_filters.ChoiceFilter(
        label=gettext_lazy("Site level"),
        choices=SiteLevel.choices,
        field_name="site__level",
    )

    class Meta:
        model = SiteWarning
        fields = ["level", "kind", "site_level"]


class PageLinkColumn(Column):
    cell_template_name = "supervision/admin/page_cell.html"


class WarningIndexView(IndexView):
    """预警: every stored warning of the user's sites, most urgent first."""

    model = SiteWarning
    permission_policy = None
    page_title = gettext_lazy("Early warnings")
    header_icon = "warning"
    index_url_name = INDEX_URL
    index_results_url_name = f"{INDEX_URL}_results"
    filterset_class = WarningFilterSet
    default_ordering = "-level"
    template_name = "supervision/admin/warning_index.html"
    export_filename = "warnings"
    list_export = [
        "site",
        "site_code",
        "site_level",
        "level",
        "kind",
        "title",
        "last_update",
        "days_since",
        "threshold_days",
        "days_left",
        "count",
        "computed_on",
    ]

    def dispatch(self, request, *args, **kwargs):
        if not sites_for_user(request.user).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def export_headings(self):
        field = SiteWarning._meta.get_field
        return {
            "site": _("Site"),
            "site_code": _("Site code"),
            "site_level": _("Site level"),
            **{
                name: str(field(name).verbose_name)
                for name in (
                    "level",
                    "kind",
                    "title",
                    "last_update",
                    "days_since",
                    "threshold_days",
                    "days_left",
                    "count",
                    "computed_on",
                )
            },
        }

    def get_base_queryset(self):
        return warning_list(sites=sites_for_user(self.request.user)).select_related(
            "page"
        )

    def get_filterset_kwargs(self):
        # The filter set's own queryset, else it reads every site's rows.
        return {**super().get_filterset_kwargs(), "queryset": self.get_base_queryset()}

    def order_queryset(self, queryset):
        queryset = super().order_queryset(queryset)
        if self.ordering:
            queryset = queryset.order_by(self.ordering, "days_left", "pk")
        return queryset

    @cached_property
    def columns(self):
        return [
            Column(
                "site",
                label=gettext_lazy("Site"),
                accessor="site.name",
                sort_key="site__tree_path",
            ),
            Column(
                "level",
                label=gettext_lazy("level"),
                accessor="get_level_display",
                sort_key="level",
            ),
            Column(
                "kind",
                label=gettext_lazy("kind"),
                accessor="get_kind_display",
                sort_key="kind",
            ),
            PageLinkColumn("title", label=gettext_lazy("about"), sort_key="title"),
            DateColumn(
                "last_update",
                label=gettext_lazy("last update"),
                sort_key="last_update",
            ),
            Column(
                "days_since",
                label=gettext_lazy("days since"),
                sort_key="days_since",
            ),
            Column(
                "threshold_days",
                label=gettext_lazy("threshold (days)"),
                sort_key="threshold_days",
            ),
            Column("days_left", label=gettext_lazy("days left"), sort_key="days_left"),
            Column("count", label=gettext_lazy("count"), sort_key="count"),
        ]

    def to_row_dict(self, item):
        return OrderedDict(
            (
                ("site", item.site.name),
                ("site_code", item.site.code),
                ("site_level", item.site.get_level_display()),
                ("level", item.get_level_display()),
                ("kind", item.get_kind_display()),
                ("title", item.title),
                ("last_update", item.last_update),
                ("days_since", item.days_since),
                ("threshold_days", item.threshold_days),
                ("days_left", item.days_left),
                ("count", item.count),
                ("computed_on", item.computed_on),
            )
        )

    def get_heading(self, queryset, field):
        return str(self.export_headings[field])

    def stream_csv(self, queryset):
        yield "\ufeff"  # Excel reads UTF-8 CSV with a byte-order mark
        yield from super().stream_csv(queryset)


@require_POST
def warnings_refresh(request):
    """Recompute the warnings of the user's sites now (in the background)."""
    site_ids = list(sites_for_user(request.user).values_list("pk", flat=True))
    if not site_ids:
        raise PermissionDenied
    warnings_refresh_task.enqueue(site_ids)
    messages.success(
        request, _("The warnings are being recomputed; reload in a moment.")
    )
    return redirect(reverse(INDEX_URL))


# -- broken links --------------------------------------------------------------------

LINKS_URL = "supervision_links"


class BrokenLinkFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("kind"), choices=LinkKind.choices
    )

    class Meta:
        model = BrokenLink
        fields = ["kind"]


class BrokenLinkIndexView(IndexView):
    """错链: the broken links the last check of each of the user's sites found, by
    page, with the link and its status."""

    model = BrokenLink
    permission_policy = None
    page_title = gettext_lazy("Broken links")
    header_icon = "link"
    index_url_name = LINKS_URL
    index_results_url_name = f"{LINKS_URL}_results"
    filterset_class = BrokenLinkFilterSet
    default_ordering = "page"
    template_name = "supervision/admin/link_index.html"
    export_filename = "broken-links"
    list_export = ["site", "page", "url", "kind", "status", "reason", "checked_at"]

    def dispatch(self, request, *args, **kwargs):
        if not sites_for_user(request.user).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def export_headings(self):
        field = BrokenLink._meta.get_field
        return {
            "site": _("Site"),
            **{
                name: str(field(name).verbose_name)
                for name in ("page", "url", "kind", "status", "reason", "checked_at")
            },
        }

    def get_base_queryset(self):
        return broken_link_list(sites=sites_for_user(self.request.user))

    def get_filterset_kwargs(self):
        return {**super().get_filterset_kwargs(), "queryset": self.get_base_queryset()}

    def order_queryset(self, queryset):
        queryset = super().order_queryset(queryset)
        if self.ordering:
            queryset = queryset.order_by(self.ordering, "pk")
        return queryset

    @cached_property
    def columns(self):
        return [
            Column(
                "site",
                label=gettext_lazy("Site"),
                accessor="site.name",
                sort_key="site__tree_path",
            ),
            PageLinkColumn(
                "page_title",
                label=gettext_lazy("page"),
                accessor="page.title",
                sort_key="page__title",
            ),
            Column("url", label=gettext_lazy("link"), sort_key="url"),
            Column(
                "kind",
                label=gettext_lazy("kind"),
                accessor="get_kind_display",
                sort_key="kind",
            ),
            Column("status", label=gettext_lazy("HTTP status"), sort_key="status"),
            Column("reason", label=gettext_lazy("reason")),
            DateColumn(
                "checked_at", label=gettext_lazy("checked"), sort_key="checked_at"
            ),
        ]

    def to_row_dict(self, item):
        return OrderedDict(
            (
                ("site", item.site.name),
                ("page", item.page.title),
                ("url", item.url),
                ("kind", item.get_kind_display()),
                ("status", item.status),
                ("reason", item.reason),
                ("checked_at", item.checked_at),
            )
        )

    def get_heading(self, queryset, field):
        return str(self.export_headings[field])

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["check_sites"] = list(sites_for_user(self.request.user)[:200])
        return context


@require_POST
def links_check(request):
    """Check one of the user's sites' links now (in the background)."""
    site_id = id_param(request.POST.get("site", ""))
    site = sites_for_user(request.user).filter(pk=site_id).first()
    if site is None:
        raise PermissionDenied
    links_check_task.enqueue(site.pk)
    messages.success(
        request,
        _("The links of %(site)s are being checked; reload in a while.")
        % {"site": site.name},
    )
    return redirect(reverse(LINKS_URL))


ISSUE_DAYS = 30


def availability_index(request):
    """可用性监测: the latest probes of the user's sites' home pages, and their
    slowest and failing addresses from the request log."""
    sites = sites_for_user(request.user)
    if not sites.exists():
        raise PermissionDenied
    probes = availability_list(sites=sites)
    return TemplateResponse(
        request,
        "supervision/admin/availability.html",
        {
            "probes": probes,
            "failing": [probe for probe in probes if not probe.available],
            "days": ISSUE_DAYS,
            "slow_ms": settings.REQUESTLOG_SLOW_MS,
            "limit_ms": LIMIT_MS,
            "slowest": slowest_pages(sites=sites, days=ISSUE_DAYS),
            "errors": failing_pages(sites=sites, days=ISSUE_DAYS),
            "issue_totals": request_issue_totals(sites=sites, days=ISSUE_DAYS),
        },
    )


def selfcheck_index(request):
    """自查: each of the user's sites scored against the inspection indicators,
    each failing item with a link to fix it."""
    sites = sites_for_user(request.user)
    if not sites.exists():
        raise PermissionDenied
    checks = selfcheck_list(sites=sites[:500])
    return TemplateResponse(
        request,
        "supervision/admin/selfcheck.html",
        {"checks": checks, "items": len(ITEMS)},
    )
