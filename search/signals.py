"""Signals the search package sends, for packages above it to answer.

``item_sites``: asked while a page's index document is built (``sender`` is the
page's class, ``page`` the page). A receiver returns ``{site id (str): address}``
of the other sites the item is live on (syndication): the document lists them,
so the item is one document, found once platform-wide and on each of those sites.
"""

from django.dispatch import Signal

item_sites = Signal()
