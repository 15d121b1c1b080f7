"""Who may see and handle cases and comments in the admin: the staff of the sites
they belong to (a site's editors, reviewers and admins, admins of the sites above,
platform admins), never through a Django model permission a group could be given.
The public files them and nobody adds or deletes them in the admin."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q, QuerySet
from wagtail.permission_policies import BasePermissionPolicy

from sites.permissions import active_users, platform_admin_condition
from sites.selectors import manages_any_site

# What handling a row means in Wagtail's words: seeing it, and acting on it.
ACTIONS = frozenset({"view", "change"})


def is_site_staff(user) -> bool:
    """Whether ``user`` manages at least one site (asked once per request, the
    same answer the other packages' admin menu items read)."""
    return manages_any_site(user)


class SiteStaffPermissionPolicy(BasePermissionPolicy):
    """``view`` and ``change`` for the staff of a row's site, on the rows of the
    sites they manage (``rows(user)``, a selector); ``add`` and ``delete`` for
    nobody."""

    def __init__(self, model, *, rows: Callable[[object], QuerySet]) -> None:
        super().__init__(model)
        self.rows = rows

    def user_has_permission(self, user, action):
        return action in ACTIONS and is_site_staff(user)

    def user_has_any_permission(self, user, actions):
        return bool(ACTIONS.intersection(actions)) and is_site_staff(user)

    def users_with_any_permission(self, actions):
        if not ACTIONS.intersection(actions):
            return active_users(Q(pk__in=[]))
        return active_users(
            platform_admin_condition() | Q(groups__site_links__isnull=False)
        )

    def instances_user_has_any_permission_for(self, user, actions):
        rows = self.rows(user)
        return rows if ACTIONS.intersection(actions) else rows.none()

    def user_has_permission_for_instance(self, user, action, instance):
        return action in ACTIONS and self.rows(user).filter(pk=instance.pk).exists()

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(
            self.user_has_permission_for_instance(user, action, instance)
            for action in actions
        )
