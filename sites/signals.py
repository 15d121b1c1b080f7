"""What the sites registry tells the packages above it, which it cannot import: it
is the bottom layer.

Sent by sites itself (the audit log listens): ``site_provisioned``,
``site_status_changed``, ``site_updated``, ``site_member_changed``.

``public_pages_changed`` is sent by other packages: what the public sees on a site
changed without a page of that site being published, moved or unpublished (a
syndicated item arriving on or leaving one of its columns, for instance).
Receivers (the static publishing of ``delivery``) rebuild the named pages and the
lists that show them. Send it inside the transaction of the change; the receivers
queue their work in it. ``site_id``: a ``GovSite`` id; ``page_ids``: the pages
whose own file or list changed (a column that gained an item, the item itself),
possibly empty; ``lists``: whether the lists that show those pages changed too
(False for a change seen on the pages alone: a comment under a consultation).
"""

from django.dispatch import Signal

# A site was provisioned: ``site``.
site_provisioned = Signal()
# A site's status changed: ``site``, ``old_status``, ``new_status``.
site_status_changed = Signal()
# A site's details changed: ``site``, ``fields`` (the names).
site_updated = Signal()
# An account was put in or taken out of a site role group: ``site``, ``actor``,
# ``user``, ``role``, ``added``.
site_member_changed = Signal()

public_pages_changed = Signal()


def public_pages_changed_send(
    *, sender, site_id: int, page_ids=(), lists: bool = True
) -> None:
    public_pages_changed.send(
        sender=sender, site_id=site_id, page_ids=list(page_ids or ()), lists=lists
    )
