"""Signals the search package sends, for packages above it to answer.

``item_sites``: asked while a page's index document is built (``sender`` is the
page's class, ``page`` the page). A receiver returns ``{site id (str): address}``
of the other sites the item is live on (syndication): the document lists them,
so the item is one document, found once platform-wide and on each of those sites.

``items_sites``: the same question for a batch of pages (``page_ids``), asked once
per batch of documents (a rebuild builds thousands a second). A receiver returns
``{page id: {site id (str): address}}``; answering it instead of ``item_sites``
saves a query per item.
"""

from django.dispatch import Signal

item_sites = Signal()
items_sites = Signal()
