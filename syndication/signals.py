"""Signals other packages listen to (static publishing, the audit log).

``item_changed_on_sites``: a syndicated item went live on, or left, some sites
(taken, hidden, withdrawn, its source edited or unpublished). Sent after the
change committed, with ``page_id`` (the source page) and ``site_ids`` (the
target sites whose pages changed). Static publishing re-writes those sites'
pages; it is sent from here until ``delivery`` has its own signal to send to.

``syndication_event``: one step of syndication for the audit log (``action``,
``user``, ``item_id``, ``site_ids``, ``reason``).
"""

from django.dispatch import Signal

item_changed_on_sites = Signal()
syndication_event = Signal()
