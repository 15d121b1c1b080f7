from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus import MenuItem as ListingMenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import HeaderButton

from . import admin_scoping, services, views
from .admin_panels import MissingFilingNumbersPanel
from .forms import ThemeChoiceFormMixin
from .models import GovSite
from .routing import govsite_for_page
from .selectors import (
    is_platform_admin,
    manages_any_site,
    sites_for_user,
    sites_missing_filing_numbers,
)


class GovSiteIndexView(IndexView):
    def get_base_queryset(self):
        return sites_for_user(self.request.user).select_related("parent")

    @property
    def header_buttons(self):
        return [
            HeaderButton(
                _("New site"), url=reverse("govsites_provision"), icon_name="plus"
            )
        ]

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        buttons.append(
            ListingMenuItem(
                _("Status"),
                reverse("govsites_status", args=[instance.pk]),
                icon_name="cog",
                priority=30,
            )
        )
        buttons.append(
            ListingMenuItem(
                _("Members"),
                reverse("govsites_members", args=[instance.pk]),
                icon_name="group",
                priority=40,
            )
        )
        return buttons


class GovSiteEditView(EditView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.site_update(
            site=self.object,
            **{name: data[name] for name in services.EDITABLE_FIELDS if name in data},
        )

    def is_valid(self, form):
        if not super().is_valid(form):
            return False
        data = form.cleaned_data
        try:  # the service's rules (an online site keeps its filing numbers)
            services.site_update_check(
                site=self.object,
                changes={n: data[n] for n in services.EDITABLE_FIELDS if n in data},
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    form.add_error(name if name in form.fields else None, message)
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return False
        return True


class GovSiteViewSet(ModelViewSet):
    """站点管理: the registry, for platform admins."""

    model = GovSite
    icon = "site"
    menu_label = _("Government sites")
    menu_order = 150
    add_to_admin_menu = True
    index_view_class = GovSiteIndexView
    edit_view_class = GovSiteEditView
    list_display = [
        "name",
        "code",
        Column("level", accessor="get_level_display", label=_("Level")),
        "host",
        Column("status", accessor="get_status_display", label=_("Status")),
    ]
    list_filter = ["level", "status"]
    search_fields = ["name", "code", "host"]
    form_fields = list(services.EDITABLE_FIELDS)
    copy_view_enabled = False
    inspect_view_enabled = False

    def get_queryset(self, request):
        return sites_for_user(request.user)

    def get_form_class(self, for_update=False):
        form_class = super().get_form_class(for_update)
        return type(form_class.__name__, (ThemeChoiceFormMixin, form_class), {})


@hooks.register("register_admin_viewset")
def register_govsite_viewset():
    return GovSiteViewSet("govsites_govsite", url_prefix="govsites")


@hooks.register("register_admin_urls")
def register_site_admin_urls():
    return [
        path("govsites/new/", views.provision, name="govsites_provision"),
        path("govsites/<int:pk>/status/", views.change_status, name="govsites_status"),
        path("govsites/<int:pk>/members/", views.members, name="govsites_members"),
        path(
            "govsites/<int:pk>/members/<int:user_id>/<str:role>/remove/",
            views.member_remove,
            name="govsites_member_remove",
        ),
    ]


class MySitesMenuItem(MenuItem):
    """Site admins who are not platform admins reach their sites' members here."""

    def is_shown(self, request):
        return not is_platform_admin(request.user) and manages_any_site(request.user)


@hooks.register("register_admin_menu_item")
def register_my_sites_menu_item():
    return MySitesMenuItem(
        _("My sites"), reverse("govsites_mine"), icon_name="site", order=151
    )


@hooks.register("register_admin_urls")
def register_my_sites_url():
    return [path("govsites/mine/", views.my_sites, name="govsites_mine")]


@hooks.register("construct_homepage_panels")
def add_missing_filing_numbers_panel(request, panels):
    sites, total = sites_missing_filing_numbers(user=request.user)
    if sites:
        panels.append(
            MissingFilingNumbersPanel(
                sites=sites, total=total, can_edit=is_platform_admin(request.user)
            )
        )


hooks.register("construct_page_chooser_queryset", admin_scoping.filter_chooser_pages)
# After Wagtail's own registrations (order 0), which it replaces.
hooks.register("construct_admin_api", admin_scoping.scope_admin_api, order=100)


@hooks.register("register_admin_viewset", order=100)
def register_scoped_page_viewset():
    """Replaces Wagtail's base page viewset (registered at order -1) for every page
    type without a viewset of its own."""
    return admin_scoping.ScopedPageViewSet()


@hooks.register("construct_reports_menu")
def hide_cross_site_reports(request, menu_items):
    if not is_platform_admin(request.user):
        menu_items[:] = [item for item in menu_items if item.name != "page-types-usage"]


def _refuse_if_archived(request, page):
    site = govsite_for_page(page)
    if site is not None and site.status == "archived":
        raise PermissionDenied(_("This site is archived and read-only."))


@hooks.register("before_edit_page")
def archived_sites_are_read_only_edit(request, page):
    _refuse_if_archived(request, page)


@hooks.register("before_create_page")
def archived_sites_are_read_only_create(request, parent_page, page_class):
    _refuse_if_archived(request, parent_page)


@hooks.register("before_delete_page")
def archived_sites_are_read_only_delete(request, page):
    _refuse_if_archived(request, page)


@hooks.register("before_move_page")
def archived_sites_are_read_only_move(request, page, destination):
    _refuse_if_archived(request, page)
    _refuse_if_archived(request, destination)


@hooks.register("before_move_page")
def moves_need_permission_at_both_ends(request, page, destination):
    """Wagtail's move confirmation page checks nothing on GET and shows both
    titles; refuse before it renders unless the user may make this move."""

    if not page.permissions_for_user(request.user).can_move_to(destination):
        raise PermissionDenied


@hooks.register("before_copy_page")
def archived_sites_are_read_only_copy(request, page):
    _refuse_if_archived(request, page)


@hooks.register("construct_settings_menu")
def hide_wagtail_sites_menu(request, menu_items):
    """Sites are provisioned in 站点管理; a bare Wagtail site made by hand would
    have no registry row, groups or collection (the router ignores it)."""
    menu_items[:] = [item for item in menu_items if item.name != "sites"]


@hooks.register("before_serve_document")
def documents_answer_only_on_their_own_sites(document, request):
    """A site's host serves the documents of its collection and those below it (a
    city's pages may link its counties' documents), not another site's documents.
    Platform hosts (the admin, previews) serve every document."""

    site = getattr(request, "govsite", None)
    if site is None:
        return None
    if not document.collection.path.startswith(site.collection.path):
        raise Http404
    return None
