from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet

from .models import AuditEvent
from .views import AuditEventIndexView


class AuditEventViewSet(ModelViewSet):
    """审计日志: read-only; no add, edit, copy, inspect or delete views."""

    model = AuditEvent
    icon = "list-ul"
    menu_label = _("Audit log")
    menu_order = 9000
    add_to_admin_menu = True
    index_view_class = AuditEventIndexView
    copy_view_enabled = False
    inspect_view_enabled = False
    add_to_reference_index = False
    list_per_page = 50

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            **{
                "add_url_name": None,
                "edit_url_name": None,
                "delete_url_name": None,
                "history_url_name": None,
                "usage_url_name": None,
                **kwargs,
            }
        )

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
        ]


@hooks.register("register_admin_viewset")
def register_audit_viewset():
    return AuditEventViewSet("audit_log", url_prefix="audit-log")
