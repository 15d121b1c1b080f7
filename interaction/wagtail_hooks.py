from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from sites.selectors import sites_for_user

from . import admin_views
from .admin_panels import DeadlinePanel
from .selectors import deadline_counts


@hooks.register("register_admin_urls")
def register_interaction_urls():
    return [
        path(
            "interaction/cases/", admin_views.case_index, name="interaction_case_index"
        ),
        path(
            "interaction/cases/<int:pk>/",
            admin_views.case_detail,
            name="interaction_case_detail",
        ),
        path(
            "interaction/cases/<int:pk>/attachments/<int:attachment_pk>/",
            admin_views.case_attachment,
            name="interaction_case_attachment",
        ),
        path(
            "interaction/comments/",
            admin_views.comment_index,
            name="interaction_comment_index",
        ),
        path(
            "interaction/comments/<int:pk>/",
            admin_views.comment_edit,
            name="interaction_comment_edit",
        ),
        path(
            "interaction/settings/<int:site_pk>/",
            admin_views.settings_edit,
            name="interaction_settings",
        ),
        path(
            "interaction/api-clients/",
            admin_views.api_client_index,
            name="interaction_api_clients",
        ),
        path(
            "interaction/api-clients/<int:pk>/deactivate/",
            admin_views.api_client_deactivate,
            name="interaction_api_client_deactivate",
        ),
    ]


class SiteStaffMenuItem(MenuItem):
    def is_shown(self, request):
        return sites_for_user(request.user).exists()


@hooks.register("register_admin_menu_item")
def register_interaction_menu():
    items = [
        SiteStaffMenuItem(
            _("Cases"), reverse("interaction_case_index"), icon_name="mail", order=1
        ),
        SiteStaffMenuItem(
            _("Comments on consultations"),
            reverse("interaction_comment_index"),
            icon_name="comment",
            order=2,
        ),
        SiteStaffMenuItem(
            _("API clients"),
            reverse("interaction_api_clients"),
            icon_name="key",
            order=3,
        ),
    ]
    return SubmenuMenuItem(
        _("Interaction"), Menu(items=items), icon_name="mail", order=160
    )


@hooks.register("construct_homepage_panels")
def add_deadline_panel(request, panels):
    sites = sites_for_user(request.user)
    if sites.exists():
        panels.append(DeadlinePanel(counts=deadline_counts(sites=sites)))
