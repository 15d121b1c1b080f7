"""Who may keep which list: platform admins the platform list; site admins the
lists of the sites they administer (platform admins every site's).

Django's model permissions play no part: a "change site term" permission could not
say which site, so none is offered in the group editor."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from wagtail.permission_policies.base import BasePermissionPolicy

from sites.models import SiteRole
from sites.selectors import PLATFORM_ADMIN_PERMISSION, is_platform_admin

from .selectors import (
    administered_site_ids,
    may_keep_site_terms,
    site_term_list_for_user,
)


def _platform_admin_condition() -> Q:
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


def _active_users(condition: Q) -> QuerySet:
    return get_user_model().objects.filter(condition, is_active=True).distinct()


class PlatformTermPermissionPolicy(BasePermissionPolicy):
    def user_has_permission(self, user, action) -> bool:
        return is_platform_admin(user)

    def user_has_any_permission(self, user, actions) -> bool:
        return is_platform_admin(user)

    def users_with_any_permission(self, actions) -> QuerySet:
        return _active_users(_platform_admin_condition())


class SiteTermPermissionPolicy(BasePermissionPolicy):
    def user_has_permission(self, user, action) -> bool:
        ids = administered_site_ids(user)
        return ids is None or bool(ids)

    def user_has_any_permission(self, user, actions) -> bool:
        return self.user_has_permission(user, None)

    def user_has_permission_for_instance(self, user, action, instance) -> bool:
        return may_keep_site_terms(user, instance.site_id)

    def instances_user_has_any_permission_for(self, user, actions) -> QuerySet:
        return site_term_list_for_user(user=user)

    def users_with_any_permission(self, actions) -> QuerySet:
        return _active_users(
            Q(groups__site_links__role=SiteRole.ADMIN) | _platform_admin_condition()
        )

    def users_with_any_permission_for_instance(self, actions, instance) -> QuerySet:
        path = instance.site.tree_path
        ancestors = [path[: i + 1] for i, ch in enumerate(path) if ch == "/"]
        return _active_users(
            Q(
                groups__site_links__role=SiteRole.ADMIN,
                groups__site_links__site__tree_path__in=ancestors,
            )
            | _platform_admin_condition()
        )
