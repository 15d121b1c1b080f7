from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import services, views
from .roles import MANAGE_SECURITY


@hooks.register("register_admin_urls")
def register_staff_security_urls():
    return [
        path("second-factor/", views.mfa_verify, name="staff_mfa_verify"),
        path("second-factor/enrol/", views.mfa_enrol, name="staff_mfa_enrol"),
        path("my-sessions/", views.my_sessions, name="staff_sessions"),
        path(
            "my-sessions/<int:pk>/sign-out/",
            views.my_session_end,
            name="staff_session_end",
        ),
        path("sign-in-security/", views.security, name="staff_security"),
        path("administrator-roles/", views.roles, name="staff_roles"),
    ]


class _SecurityMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(MANAGE_SECURITY)


class _RolesMenuItem(MenuItem):
    def is_shown(self, request):
        # Asked twice a page (the settings submenu asks before it renders).
        shown = getattr(request, "_staff_can_grant_roles", None)
        if shown is None:
            shown = request._staff_can_grant_roles = services.can_grant_roles(
                request.user
            )
        return shown


@hooks.register("register_settings_menu_item")
def register_sessions_menu_item():
    return MenuItem(
        _("My sessions"), reverse("staff_sessions"), icon_name="user", order=900
    )


@hooks.register("register_settings_menu_item")
def register_security_menu_item():
    return _SecurityMenuItem(
        _("Sign-in security"), reverse("staff_security"), icon_name="lock", order=910
    )


@hooks.register("register_settings_menu_item")
def register_roles_menu_item():
    return _RolesMenuItem(
        _("Administrator roles"), reverse("staff_roles"), icon_name="group", order=920
    )
