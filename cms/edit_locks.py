"""Saves of one page's editor take turns.

Wagtail's page editor sends two kinds of saves to the same address: autosaves in
the background and the editor's own save, submit or publish. Each reads the
page's latest revision when it starts and compares it with the one the form was
loaded with. The platform's checks run on every save (sensitive words, references
to other sites), so an autosave takes a moment; if the editor presses 提交审核
while one is still running and the checks refuse the submission, the page that
comes back was drawn from the revision before that autosave. Its own first
autosave is then refused as "saving will overwrite a newer version", autosave
pauses, and the editing-sessions ping reports the editor's own autosave as "you
saved a new version in another window" — with one window open.

Here a save of a page waits until the save of that page already running has
finished (a PostgreSQL advisory lock per page, held for the request), so the
page drawn after it shows the revision that autosave made. Only POSTs to the
page edit view take the lock; if it cannot be had within ``WAIT_SECONDS`` the
save goes ahead as Wagtail's would.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.db import DatabaseError, connection

logger = logging.getLogger(__name__)

# The first key of the two-key advisory lock: this lock's own space (the page id
# is the second key), so no other advisory lock of the platform collides.
LOCK_SPACE = 0x70616765  # "page"
WAIT_SECONDS = 15.0
POLL_SECONDS = 0.05
EDIT_VIEW = "wagtailadmin_pages:edit"


def hold_page_edit_lock(page_id: int) -> Callable[[], None] | None:
    """Wait for the page's edit lock and take it; the function that releases it,
    or None if there is no lock to release (not PostgreSQL, or waited too long)."""
    if connection.vendor != "postgresql":
        return None
    deadline = time.monotonic() + WAIT_SECONDS
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_SPACE, page_id])
            if cursor.fetchone()[0]:
                break
            if time.monotonic() > deadline:
                logger.warning("page %s: edit lock not had in time", page_id)
                return None
            time.sleep(POLL_SECONDS)

    def release() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_unlock(%s, %s)", [LOCK_SPACE, page_id]
                )
        except DatabaseError:
            # The connection is gone, and its locks with it.
            logger.warning("page %s: edit lock not released", page_id)

    return release


class PageEditLockMiddleware:
    """POSTs to Wagtail's page edit view hold the page's edit lock while they run."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        finally:
            release = getattr(request, "_page_edit_lock_release", None)
            if release is not None:
                release()

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if request.method != "POST" or match is None or match.view_name != EDIT_VIEW:
            return None
        if not request.user.is_authenticated:
            return None  # the view sends them to sign in; no lock for that
        page_id = view_kwargs.get("page_id")
        if isinstance(page_id, int):
            request._page_edit_lock_release = hold_page_edit_lock(page_id)
        return None
