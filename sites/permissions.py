"""Permission policies for admin views whose rule is a platform role, not a Django
model permission (a group's "change calendar day" box could not widen it)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from wagtail.permission_policies import BasePermissionPolicy

# The one definition of a platform admin lives in sites.selectors; the name
# platform_admin_condition stays importable from here for existing callers.
from .selectors import is_platform_admin, platform_admin_condition

__all__ = [
    "PlatformAdminPermissionPolicy",
    "ReadOnlyForPlatformAdmins",
    "active_users",
    "is_platform_admin",
    "platform_admin_condition",
]


def active_users(condition: Q) -> QuerySet:
    return get_user_model().objects.filter(condition, is_active=True).distinct()


class PlatformAdminPermissionPolicy(BasePermissionPolicy):
    """Every action on the model for platform admins; none for anyone else."""

    def user_has_permission(self, user, action):
        return is_platform_admin(user)

    def user_has_any_permission(self, user, actions):
        return is_platform_admin(user)

    def users_with_any_permission(self, actions):
        return active_users(platform_admin_condition())


class ReadOnlyForPlatformAdmins(PlatformAdminPermissionPolicy):
    """Rows written by the platform itself (registries): platform admins may read."""

    def user_has_permission(self, user, action):
        return action == "view" and is_platform_admin(user)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and is_platform_admin(user)
