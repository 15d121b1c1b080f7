"""RSS 2.0 and Atom feeds of a column (``<column>/rss.xml``, ``<column>/atom.xml``):
the latest items of the column and of its sub-columns.

Routed by ``ColumnPage.route``: a feed exists only where its column does, on the
column's own site. Links are absolute, on the host the feed was asked on (the
site's primary host: aliases redirect before they get here).
"""

from __future__ import annotations

from html import unescape

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.text import Truncator

from . import selectors
from .text import stream_text

FEED_TYPES = {"rss": Rss201rev2Feed, "atom": Atom1Feed}
FEED_LENGTH = 20
SUMMARY_CHARS = 120


class ColumnFeed(Feed):
    """The latest items of one column; built for one request."""

    def __init__(self, *, request, column, kind: str) -> None:
        self.request = request
        self.column = column
        self.feed_type = FEED_TYPES[kind]

    def _absolute(self, page) -> str:
        return self.request.build_absolute_uri(page.get_url(self.request))

    def get_object(self, request, *args, **kwargs):
        return self.column

    def title(self, column) -> str:
        site = getattr(self.request, "govsite", None)
        return f"{column.title} - {site.name}" if site is not None else column.title

    def link(self, column) -> str:
        return self._absolute(column)

    def feed_url(self, column) -> str:
        return self.request.build_absolute_uri(self.request.path)

    def description(self, column) -> str:
        return column.description or column.title

    def items(self, column):
        # A parent column's feed carries its sub-columns' items too.
        return list(selectors.column_feed_listing(column=column)[:FEED_LENGTH])

    def item_title(self, item) -> str:
        # RSS readers read titles as HTML, so Django escapes them once more for
        # RSS; Atom titles are text.
        if self.feed_type is Rss201rev2Feed:
            return escape(item.title)
        return item.title

    def item_link(self, item) -> str:
        return self._absolute(item)

    def item_description(self, item) -> str:
        return summary(item)

    # Local time (Beijing), as the pages show it.
    def item_pubdate(self, item):
        return timezone.localtime(item.first_published_at)

    def item_updateddate(self, item):
        return timezone.localtime(item.last_published_at or item.first_published_at)


def summary(page) -> str:
    """The page's search description, or the start of its text."""
    if page.search_description:
        return page.search_description
    body = getattr(page, "body", None) or getattr(page, "draft", None)
    text = " ".join(unescape(stream_text(body)).split())
    return Truncator(text).chars(SUMMARY_CHARS)


def serve_column_feed(request, *, column, kind: str):
    """The column's feed of ``kind`` ("rss" or "atom")."""
    if not column.live:
        raise Http404
    return ColumnFeed(request=request, column=column, kind=kind)(request)
