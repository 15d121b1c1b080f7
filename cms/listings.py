"""What a column lists: its own published pages, and items that packages above
``cms`` place in it without a page of the column's own (a notice of another site
taken into this column: ``syndication``).

``cms`` cannot import those packages (it is below them), so they register a
provider here, in their ``AppConfig.ready()``::

    listings.column_items_provider_register(provider)

A provider is called with the columns whose list is asked for (a column, or a
column and its sub-columns for its feeds) and returns ``None`` (nothing there) or
an ``ExtraItems``: how many items it has there, and the newest ``n`` of them as
``ListedItem``, newest first. A column's list merges them with its pages by
date, page by page, in a fixed number of queries whatever the number of items.

A home page without chosen sections lists the newest items of each of its
columns at once (``groups_top``): a provider may register ``tops`` too, which
answers for every group of columns in one go (``{key: [ListedItem, ...]}``);
without it the provider is asked group by group.
"""

from __future__ import annotations

import dataclasses
import datetime
import heapq
from collections.abc import Callable, Sequence
from typing import Protocol

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


@dataclasses.dataclass(frozen=True)
class ListedItem:
    """An item a column lists that is not one of its pages: its title, its own
    address on the column's site, and the date it is listed by."""

    pk: int
    title: str
    url: str
    first_published_at: datetime.datetime
    last_published_at: datetime.datetime | None = None
    search_description: str = ""
    document_number: str = ""
    # Where it comes from (「来源：<source_name>」).
    source_name: str = ""
    source_url: str = ""

    # Templates tell these from pages by it (``pageurl`` takes pages only).
    listed_url = property(lambda self: self.url)

    def get_url(self, request=None, current_site=None) -> str:
        return self.url

    def sort_key(self) -> tuple:
        return (self.first_published_at or EPOCH, self.pk)


class ExtraItems(Protocol):
    def count(self) -> int: ...

    def top(self, n: int) -> list[ListedItem]: ...


Provider = Callable[[Sequence], "ExtraItems | None"]

# The newest ``n`` items of each group of columns of one site, by the group's key.
GroupsTop = Callable[[dict[int, Sequence], int], dict[int, list[ListedItem]]]

_providers: list[Provider] = []
_tops: dict[Provider, GroupsTop] = {}


def column_items_provider_register(
    provider: Provider, *, tops: GroupsTop | None = None
) -> None:
    """Add a provider of items listed in columns (once; idempotent); ``tops``:
    its answer for several groups of columns at once, if it has one."""
    if provider not in _providers:
        _providers.append(provider)
        _lists_changed()
    if tops is not None:
        _tops[provider] = tops


def column_items_provider_unregister(provider: Provider) -> None:
    # Its ``tops`` is kept for when it comes back (only asked while registered).
    if provider in _providers:
        _providers.remove(provider)
        _lists_changed()


def _lists_changed() -> None:
    """What every list shows changed in this process: the lists it keeps as
    rendered text (``sites.generation.Kept``) are made again."""
    from sites.generation import Kept

    Kept.clear_all()


def groups_top(groups: dict[int, Sequence], n: int) -> dict[int, list[ListedItem]]:
    """The newest ``n`` items providers list in each group of columns of one
    site (a column and its sub-columns, by a key of the caller's), newest first."""
    found: dict[int, list[ListedItem]] = {key: [] for key in groups}
    if n <= 0:
        return found
    for provider in _providers:
        tops = _tops.get(provider)
        if tops is not None:
            answered = tops(groups, n)
        else:
            answered = {}
            for key, columns in groups.items():
                extra = provider(columns)
                answered[key] = extra.top(n) if extra is not None else []
        for key, items in answered.items():
            found.setdefault(key, []).extend(items)
    for items in found.values():
        items.sort(key=ListedItem.sort_key, reverse=True)
        del items[n:]
    return found


def merged_newest(pages: Sequence, items: Sequence[ListedItem], n: int) -> list:
    """``pages`` (newest first) and ``items`` merged by date, the newest ``n``."""
    merged = heapq.merge(
        ((_page_key(p), 0, p) for p in pages),
        (
            (e.sort_key(), 1, e)
            for e in sorted(items, key=ListedItem.sort_key, reverse=True)
        ),
        key=lambda entry: entry[0],
        reverse=True,
    )
    return [entry[2] for _i, entry in zip(range(n), merged, strict=False)]


def extra_items(columns: Sequence) -> list[ExtraItems]:
    found = []
    for provider in _providers:
        extra = provider(columns)
        if extra is not None:
            found.append(extra)
    return found


def _page_key(page) -> tuple:
    return (page.first_published_at or EPOCH, page.pk)


class ColumnListing:
    """A column's pages (a queryset ordered newest first) merged with the items
    providers list there, as a sequence a ``Paginator`` pages through: its
    count, and any slice in four queries (two counts, two slices) however deep
    the slice."""

    def __init__(self, pages, extras: list[ExtraItems]):
        self.pages = pages
        self.extras = extras
        self._pages_count: int | None = None
        self._extras_count: int | None = None

    def _counts(self) -> tuple[int, int]:
        if self._pages_count is None:
            self._pages_count = self.pages.count()
            self._extras_count = sum(extra.count() for extra in self.extras)
        return self._pages_count, self._extras_count

    def count(self) -> int:
        pages, extras = self._counts()
        return pages + extras

    def __len__(self) -> int:
        return self.count()

    def __iter__(self):
        return iter(self[: self.count()])

    def __getitem__(self, key):
        if isinstance(key, int):
            found = self[key : key + 1]
            if not found:
                raise IndexError(key)
            return found[0]
        if key.step is None and not key.start and key.stop is not None:
            # The first ``stop`` items (a home page's block, a feed): no counts,
            # the newest ``stop`` of each side merged (the pages alone when the
            # providers' count is already known to be nothing).
            stop = max(key.stop, 0)
            if self._extras_count == 0:
                return list(self.pages[:stop])
            return self._merged(0, stop)[:stop]
        start, stop, _step = key.indices(self.count())
        if stop <= start:
            return []
        _pages, extras_count = self._counts()
        if not extras_count:
            return list(self.pages[start:stop])
        # An item at position p of the merged list is a page whose own index is
        # between p - (number of extra items) and p, or an extra item whose own
        # index is at most p: these two slices hold every item of [start, stop).
        # Merged from ``low`` on, an item's position is ``low`` plus the items
        # before it in the merge (for those before ``start`` it may be less than
        # their true position, never more, so they fall out of the window).
        low = max(0, start - extras_count)
        return self._merged(low, stop)[start - low : stop - low]

    def _merged(self, low: int, stop: int) -> list:
        """Pages ``low`` to ``stop`` of the column's own and the newest ``stop``
        items of each provider, merged newest first."""
        if stop <= 0:
            return []
        pages = list(self.pages[low:stop])
        extras = [item for extra in self.extras for item in extra.top(stop)]
        extras.sort(key=ListedItem.sort_key, reverse=True)
        merged = heapq.merge(
            ((_page_key(p), 0, p) for p in pages),
            ((e.sort_key(), 1, e) for e in extras),
            key=lambda entry: entry[0],
            reverse=True,
        )
        return [entry[2] for entry in merged]


def column_listing(pages, *, columns: Sequence) -> ColumnListing | object:
    """``pages`` merged with what providers list in ``columns`` (``pages``
    itself when no provider has anything there)."""
    extras = extra_items(columns)
    if not extras:
        return pages
    return ColumnListing(pages, extras)
