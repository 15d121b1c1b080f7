"""The audit log in the admin: a listing with filters and spreadsheet export,
for audit administrators only (the ``audit.view_auditevent`` permission, which
only the audit administrator role holds). Exports are themselves audited."""

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic.models import IndexView

from sites.models import GovSite

from .models import AuditAction, AuditEvent, AuditResult
from .services import audit_record


class AuditEventFilterSet(WagtailFilterSet):
    created_at = django_filters.DateFromToRangeFilter(
        label=_("when"), widget=DateRangePickerWidget
    )
    action = django_filters.ChoiceFilter(label=_("action"), choices=AuditAction.choices)
    result = django_filters.ChoiceFilter(label=_("result"), choices=AuditResult.choices)
    actor_name = django_filters.CharFilter(label=_("account"), lookup_expr="iexact")
    address = django_filters.CharFilter(label=_("address"))
    site = django_filters.ModelChoiceFilter(
        label=_("site"), queryset=GovSite.objects.order_by("tree_path")
    )

    class Meta:
        model = AuditEvent
        fields = ["created_at", "action", "result", "actor_name", "address", "site"]


class AuditEventIndexView(IndexView):
    filterset_class = AuditEventFilterSet
    any_permission_required = ["view"]
    list_export = [
        "created_at", "actor_name", "address", "action", "result", "site",
        "object_type", "object_id", "object_repr", "detail",
    ]  # fmt: skip
    export_headings = {
        "created_at": _("when"),
        "actor_name": _("account"),
        "address": _("address"),
        "action": _("action"),
        "result": _("result"),
        "site": _("site"),
        "object_type": _("object type"),
        "object_id": _("object id"),
        "object_repr": _("object"),
        "detail": _("detail"),
    }
    export_filename = "audit-log"

    def get_base_queryset(self):
        return AuditEvent.objects.select_related("site").order_by("-created_at", "-pk")

    @property
    def columns(self):
        return [
            DateColumn("created_at", label=_("when")),
            Column("actor_name", label=_("account")),
            Column("address", label=_("address")),
            Column("action", label=_("action"), accessor="get_action_display"),
            Column("result", label=_("result"), accessor="get_result_display"),
            Column("site", label=_("site")),
            Column("object_repr", label=_("object")),
        ]

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        row["action"] = item.get_action_display()
        row["result"] = item.get_result_display()
        row["site"] = str(item.site) if item.site_id else ""
        row["detail"] = str(item.detail or "")
        return row

    def get_heading(self, queryset, field):
        return str(self.export_headings[field])

    def as_spreadsheet(self, queryset, spreadsheet_format):
        audit_record(
            action=AuditAction.EXPORTED,
            request=self.request,
            detail={"of": "audit_log", "format": spreadsheet_format,
                    "query": self.request.GET.urlencode()[:500]},
        )  # fmt: skip
        return super().as_spreadsheet(queryset, spreadsheet_format)
