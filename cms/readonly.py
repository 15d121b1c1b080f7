"""An archived site is read-only: one permission point for every page action.

Wagtail asks a page's permission tester before each action on it (edit, revert,
publish, unpublish, delete, move, copy, lock, reorder, add a child, workflow
actions from the editor, bulk actions) and shows only the buttons it allows. The
pages of our sites answer with ``SitePagePermissionTester``, which refuses every
change to a page of an archived site, for every user. Publishing itself (a
reviewer approving through the workflow's own URL, a scheduled publication) goes
through ``ContentPage.publish``, which asks ``refuse_if_archived``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from wagtail.models import PagePermissionTester

from sites.models import SiteStatus
from sites.selectors import site_of_page_path


def is_archived(page) -> bool:
    """Whether ``page`` belongs to an archived site (read from the database: the
    status must be current the moment a site is archived)."""
    if not page.path:
        return False
    site = site_of_page_path(page.path)
    return site is not None and site.status == SiteStatus.ARCHIVED


def archived_message() -> str:
    return _("This site is archived and read-only.")


def refuse_if_archived(page) -> None:
    if is_archived(page):
        raise PermissionDenied(archived_message())


class SitePagePermissionTester(PagePermissionTester):
    """Wagtail's rules, and nothing may change in an archived site."""

    def __init__(self, user, page):
        super().__init__(user, page)
        self.read_only = is_archived(page)

    def can_add_subpage(self):
        return not self.read_only and super().can_add_subpage()

    def can_edit(self):
        return not self.read_only and super().can_edit()

    def can_delete(self, ignore_bulk=False):
        return not self.read_only and super().can_delete(ignore_bulk=ignore_bulk)

    def can_unpublish(self):
        return not self.read_only and super().can_unpublish()

    def can_publish(self):
        return not self.read_only and super().can_publish()

    def can_submit_for_moderation(self):
        return not self.read_only and super().can_submit_for_moderation()

    def can_set_view_restrictions(self):
        return not self.read_only and super().can_set_view_restrictions()

    def can_unschedule(self):
        return not self.read_only and super().can_unschedule()

    def can_lock(self):
        return not self.read_only and super().can_lock()

    def can_unlock(self):
        return not self.read_only and super().can_unlock()

    def can_publish_subpage(self):
        return not self.read_only and super().can_publish_subpage()

    def can_reorder_children(self):
        return not self.read_only and super().can_reorder_children()

    def can_move(self):
        return not self.read_only and super().can_move()

    def can_move_to(self, destination):
        return (
            not self.read_only
            and not is_archived(destination)
            and super().can_move_to(destination)
        )

    def can_copy_to(self, destination, recursive=False):
        # Copying out of an archived site reads it only; copying into one writes.
        return not is_archived(destination) and super().can_copy_to(
            destination, recursive=recursive
        )
