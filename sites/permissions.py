"""Permission policies for admin views whose rule is a platform role, not a Django
model permission (a group's "change calendar day" box could not widen it)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from wagtail.permission_policies import BasePermissionPolicy

from .selectors import PLATFORM_ADMIN_PERMISSION, is_platform_admin


def platform_admin_condition() -> Q:
    """Users who are platform admins, as a filter on the user model."""
    app_label, codename = PLATFORM_ADMIN_PERMISSION.split(".")
    return (
        Q(is_superuser=True)
        | Q(
            user_permissions__codename=codename,
            user_permissions__content_type__app_label=app_label,
        )
        | Q(
            groups__permissions__codename=codename,
            groups__permissions__content_type__app_label=app_label,
        )
    )


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
