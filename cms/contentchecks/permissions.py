"""Who may keep which list: platform admins the platform list; site admins the
lists of the sites they administer (platform admins every site's).

Django's model permissions play no part: a "change site term" permission could not
say which site, so none is offered in the group editor."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from wagtail.permission_policies.base import BasePermissionPolicy

from sites.models import SiteRole
from sites.permissions import active_users, platform_admin_condition

from .selectors import (
    administered_site_ids,
    may_keep_site_terms,
    site_term_list_for_user,
)


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
        return active_users(
            Q(groups__site_links__role=SiteRole.ADMIN) | platform_admin_condition()
        )

    def users_with_any_permission_for_instance(self, actions, instance) -> QuerySet:
        path = instance.site.tree_path
        ancestors = [path[: i + 1] for i, ch in enumerate(path) if ch == "/"]
        return active_users(
            Q(
                groups__site_links__role=SiteRole.ADMIN,
                groups__site_links__site__tree_path__in=ancestors,
            )
            | platform_admin_condition()
        )
