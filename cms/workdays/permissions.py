"""Who may edit the calendar: platform admins, and nobody else.

The calendar is national, so no site role (not even a site admin) may change it.
The rule is ``sites.selectors.is_platform_admin``, not Django model permissions,
so granting a group "change calendar day" could not widen it by accident.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q
from wagtail.permission_policies import BasePermissionPolicy

from sites.selectors import PLATFORM_ADMIN_PERMISSION, is_platform_admin


class PlatformAdminPermissionPolicy(BasePermissionPolicy):
    """Every action on the model for platform admins; none for anyone else."""

    def user_has_permission(self, user, action):
        return is_platform_admin(user)

    def user_has_any_permission(self, user, actions):
        return is_platform_admin(user)

    def users_with_any_permission(self, actions):
        app_label, codename = PLATFORM_ADMIN_PERMISSION.split(".")
        granted = Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        )
        return (
            get_user_model()
            .objects.filter(
                Q(is_superuser=True)
                | Q(user_permissions__in=granted)
                | Q(groups__permissions__in=granted),
                is_active=True,
            )
            .distinct()
        )
