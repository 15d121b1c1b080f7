"""What the case and comment listings share: the user's sites as the scope (and
the site filter narrowing it), a tie-breaker for every ordering so pages never
overlap, and spreadsheet exports that Excel opens in Chinese and that keep text
typed by the public from running as a formula."""

from __future__ import annotations

from collections import OrderedDict

from django.utils.functional import cached_property
from wagtail.admin.views.generic import IndexView

from core.audit.models import AuditAction
from core.audit.services import audit_record
from sites.selectors import sites_for_user


def safe_cell(value):
    """Spreadsheet formulas typed by the public stay text (CSV/Excel injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class SiteScopedIndexView(IndexView):
    """A listing of the rows of the sites the user manages (``scope``: all of
    them, or the one the site filter names; a site that is not theirs gives an
    empty scope). Nobody adds, edits or deletes rows here."""

    any_permission_required = ["view", "change"]
    export_headings: dict = {}

    def with_shown_fields(self, rows: list) -> list:
        """The rows with what staff may see worked out (masked names, texts)."""
        return rows

    def paginate_queryset(self, queryset, page_size):
        paginator, page, object_list, is_paginated = super().paginate_queryset(
            queryset, page_size
        )
        page.object_list = self.with_shown_fields(list(object_list))
        return paginator, page, page.object_list, is_paginated

    def as_spreadsheet(self, queryset, spreadsheet_format):
        audit_record(
            action=AuditAction.EXPORTED,
            request=self.request,
            detail={
                "of": self.model._meta.label_lower,
                "format": spreadsheet_format,
                "query": self.request.GET.urlencode()[:500],
            },
        )
        return super().as_spreadsheet(
            self.with_shown_fields(list(queryset)), spreadsheet_format
        )

    @cached_property
    def user_sites(self):
        return list(sites_for_user(self.request.user))

    def get_filterset_kwargs(self):
        return {**super().get_filterset_kwargs(), "sites": self.user_sites}

    @cached_property
    def filter_values(self) -> dict:
        """The filter form's valid values (an invalid one is left out)."""
        if not self.filters:
            return {}
        self.filters.is_valid()
        return self.filters.form.cleaned_data

    @cached_property
    def scope(self) -> list:
        site_id = self.filter_values.get("site")
        if site_id is None:
            return self.user_sites
        return [site for site in self.user_sites if site.pk == site_id]

    @cached_property
    def shows_sites(self) -> bool:
        return len(self.user_sites) > 1

    def order_queryset(self, queryset):
        queryset = super().order_queryset(queryset)
        if self.ordering:
            queryset = queryset.order_by(self.ordering, "-pk")
        return queryset

    def get_list_more_buttons(self, instance):
        return []

    # Spreadsheet export: the rows as ``export_row`` gives them, headed by
    # ``export_headings``.

    def export_row(self, item) -> dict:  # pragma: no cover - each view has one
        raise NotImplementedError

    def to_row_dict(self, item):
        row = self.export_row(item)
        return OrderedDict((field, row[field]) for field in self.list_export)

    def get_heading(self, queryset, field):
        return str(self.export_headings[field])

    def get_preprocess_function(self, field, value, export_format):
        function = super().get_preprocess_function(field, value, export_format)
        if export_format != self.FORMAT_CSV:
            return function  # XLSX: Wagtail stores a formula-looking text as text
        return lambda value: safe_cell(function(value) if function else value)

    def stream_csv(self, queryset):
        yield "\ufeff"  # Excel reads UTF-8 CSV with a byte-order mark
        yield from super().stream_csv(queryset)

    def write_csv_response(self, queryset):
        response = super().write_csv_response(queryset)
        response["Content-Type"] = "text/csv; charset=utf-8"
        return response
