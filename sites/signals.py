"""Signals other packages send about a site's public pages.

``public_pages_changed`` says that what the public sees on a site changed without
a page of that site being published, moved or unpublished: a syndicated item
arriving on or leaving one of its columns, for instance. Receivers (the static
publishing of ``delivery``) rebuild the named pages and the lists that show them.
Send it inside the transaction of the change; the receivers queue their work in
it. ``site_id``: a ``GovSite`` id; ``page_ids``: the pages whose own file or list
changed (a column that gained an item, the item itself), possibly empty.
"""

from django.dispatch import Signal

public_pages_changed = Signal()


def public_pages_changed_send(*, sender, site_id: int, page_ids=()) -> None:
    public_pages_changed.send(
        sender=sender, site_id=site_id, page_ids=list(page_ids or ())
    )
