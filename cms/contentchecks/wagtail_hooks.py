"""内容检查词库 in the admin's Settings menu: the platform list for platform admins,
site lists for the admins of those sites."""

import django_filters
from django.contrib.auth.models import Permission
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn, Column, UpdatedAtColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from sites.permissions import PlatformAdminPermissionPolicy

from . import views
from .forms import PlatformTermForm, SiteTermForm
from .models import PlatformTerm, SiteTerm, TermAction, TermCategory
from .permissions import SiteTermPermissionPolicy
from .selectors import administered_sites

# Before any view asks for them (Wagtail would otherwise make model-permission
# policies, which know nothing of sites).
register_permission_policy(PlatformTerm, PlatformAdminPermissionPolicy(PlatformTerm))
register_permission_policy(SiteTerm, SiteTermPermissionPolicy(SiteTerm))

_COLUMNS = [
    "term",
    Column("category", accessor="get_category_display", label=_("category")),
    Column("action", accessor="get_action_display", label=_("action")),
    "suggestion",
    BooleanColumn("is_active", label=_("active")),
    UpdatedAtColumn(),
]


class CheckTermViewSet(ModelViewSet):
    icon = "warning"
    add_to_settings_menu = True
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = False
    search_fields = ["term", "suggestion", "note"]

    def get_permissions_to_register(self):
        # Decided by the permission policies, not by group permissions.
        return Permission.objects.none()


class PlatformTermViewSet(CheckTermViewSet):
    model = PlatformTerm
    menu_label = _("Content check terms")
    menu_order = 500
    index_view_class = views.PlatformTermIndexView
    list_display = _COLUMNS
    list_filter = ["category", "action", "is_active"]

    def get_form_class(self, for_update=False):
        return PlatformTermForm


def _administered_sites(request):
    return administered_sites(request.user)


class SiteTermFilterSet(WagtailFilterSet):
    # Only the user's own sites: a filter over every site would list their names.
    site = django_filters.ModelChoiceFilter(
        label=_("Site"), queryset=_administered_sites
    )
    category = django_filters.ChoiceFilter(
        label=_("category"), choices=TermCategory.choices
    )
    action = django_filters.ChoiceFilter(label=_("action"), choices=TermAction.choices)
    is_active = django_filters.BooleanFilter(label=_("active"))

    class Meta:
        model = SiteTerm
        fields = ["site", "category", "action", "is_active"]


class SiteTermViewSet(CheckTermViewSet):
    model = SiteTerm
    icon = "list-ul"
    menu_label = _("Site content check terms")
    menu_order = 501
    index_view_class = views.SiteTermIndexView
    add_view_class = views.SiteTermCreateView
    edit_view_class = views.SiteTermEditView
    delete_view_class = views.SiteTermDeleteView
    history_view_class = views.SiteTermHistoryView
    usage_view_class = views.SiteTermUsageView
    list_display = [_COLUMNS[0], Column("site", label=_("Site")), *_COLUMNS[1:]]
    filterset_class = SiteTermFilterSet

    def get_form_class(self, for_update=False):
        return SiteTermForm


@hooks.register("register_admin_viewset")
def register_platform_term_viewset():
    return PlatformTermViewSet(
        "contentchecks_platformterm", url_prefix="contentchecks/platform-terms"
    )


@hooks.register("register_admin_viewset")
def register_site_term_viewset():
    return SiteTermViewSet(
        "contentchecks_siteterm", url_prefix="contentchecks/site-terms"
    )


@hooks.register("register_admin_urls")
def register_import_urls():
    return [
        path(
            "contentchecks/platform-terms/import/",
            views.platform_terms_import,
            name=views.PLATFORM_IMPORT_URL_NAME,
        ),
        path(
            "contentchecks/site-terms/import/",
            views.site_terms_import,
            name=views.SITE_IMPORT_URL_NAME,
        ),
    ]
