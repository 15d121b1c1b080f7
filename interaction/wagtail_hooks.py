from django.contrib.auth.models import Permission
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from sites.selectors import sites_for_user
from sites.tenancy import for_sites

from .admin import api_clients, cases, comments, rules
from .admin.permissions import SiteStaffPermissionPolicy, is_site_staff
from .admin_panels import DeadlinePanel
from .models import Case, Comment
from .selectors import cases_for_user, deadline_counts

register_permission_policy(Case, SiteStaffPermissionPolicy(Case, rows=cases_for_user))
register_permission_policy(
    Comment,
    SiteStaffPermissionPolicy(
        Comment, rows=lambda user: for_sites(Comment, sites_for_user(user))
    ),
)


class SiteStaffViewSet(ModelViewSet):
    """A listing and a page per row for the staff of the rows' sites (the
    permission policy above): no add, edit, copy or delete views, and no Django
    model permissions offered to groups (the site roles decide)."""

    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = False
    list_per_page = 50
    row_view_name = "detail"

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            **{
                "add_url_name": None,
                "edit_url_name": self.get_url_name(self.row_view_name),
                "delete_url_name": None,
                "history_url_name": None,
                "usage_url_name": None,
                **kwargs,
            }
        )

    @property
    def url_finder_class(self):
        return type(
            "_SiteStaffURLFinder",
            (ModelAdminURLFinder,),
            {"edit_url_name": self.get_url_name(self.row_view_name)},
        )

    def get_permissions_to_register(self):
        return Permission.objects.none()

    def row_urlpatterns(self):  # pragma: no cover - each viewset has its own
        return []

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            *self.row_urlpatterns(),
        ]


class CaseViewSet(SiteStaffViewSet):
    """信件办理: the cases of the user's sites."""

    model = Case
    icon = "mail"
    index_view_class = cases.CaseIndexView

    def row_urlpatterns(self):
        return [
            path("<int:pk>/", cases.case_detail, name="detail"),
            path(
                "<int:pk>/attachments/<int:attachment_pk>/",
                cases.case_attachment,
                name="attachment",
            ),
        ]


class CommentViewSet(SiteStaffViewSet):
    """征求意见: comments on the consultations of the user's sites."""

    model = Comment
    icon = "comment"
    index_view_class = comments.CommentIndexView
    row_view_name = "edit"

    def row_urlpatterns(self):
        return [path("<int:pk>/", comments.comment_edit, name="edit")]


@hooks.register("register_admin_viewset")
def register_case_viewset():
    return CaseViewSet("interaction_cases", url_prefix="interaction/cases")


@hooks.register("register_admin_viewset")
def register_comment_viewset():
    return CommentViewSet("interaction_comments", url_prefix="interaction/comments")


@hooks.register("register_admin_urls")
def register_interaction_urls():
    return [
        path(
            "interaction/settings/<int:site_pk>/",
            rules.settings_edit,
            name="interaction_settings",
        ),
        path(
            "interaction/api-clients/",
            api_clients.api_client_index,
            name="interaction_api_clients",
        ),
        path(
            "interaction/api-clients/<int:pk>/deactivate/",
            api_clients.api_client_deactivate,
            name="interaction_api_client_deactivate",
        ),
    ]


class SiteStaffMenuItem(MenuItem):
    def is_shown(self, request):
        return is_site_staff(request.user)


@hooks.register("register_admin_menu_item")
def register_interaction_menu():
    items = [
        SiteStaffMenuItem(
            _("Cases"), reverse("interaction_cases:index"), icon_name="mail", order=1
        ),
        SiteStaffMenuItem(
            _("Comments on consultations"),
            reverse("interaction_comments:index"),
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
