"""Reads of a site's pages; every one is limited to a subtree.

The page models call these reads to render (``get_context``, ``route``), so this
module does not import them: it names the page types by label and takes them
from Django's app registry when a read runs, as the models name each other
(``"cms.ColumnPage"``) in their relations and tree rules.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.apps import apps
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber, Substr
from django.utils import timezone
from wagtail.models import Page

from core.pages import public

from . import listings


def _page_type(name: str) -> type[Page]:
    """The cms page model ``name`` ("ColumnPage"), from the app registry."""
    return apps.get_model("cms", name)


# The items each column block of a home page without chosen sections lists.
HOME_COLUMN_ITEMS = 8


def home_columns(*, home: Page, count: int = HOME_COLUMN_ITEMS) -> list[Page]:
    """The home page's top-level columns, each with ``latest``: the newest
    ``count`` items of the column and its published sub-columns (what its feeds
    list, from the top), its pages merged with the items other packages list
    there (``cms.listings``). A fixed number of queries whatever the number of
    columns: the columns, the sub-columns, the pages (newest ``count`` of each
    column in one statement, then their specific rows) and each provider's."""
    ColumnPage = _page_type("ColumnPage")

    columns = list(public(ColumnPage.objects.child_of(home).live()).order_by("path"))
    if not columns:
        return columns
    below = list(
        ColumnPage.objects.descendant_of(home)
        .filter(depth__gt=home.depth + 1)
        .only("pk", "path", "live", "depth", "url_path")
        .order_by("path")
    )
    hidden = [c.path for c in below if not c.live]
    top_length = len(home.path) + Page.steplen
    pages = public(
        Page.objects.filter(path__startswith=home.path, depth__gt=home.depth + 1).live()
    ).not_type(ColumnPage)
    for path in hidden:
        pages = pages.exclude(path__startswith=path)
    pages = (
        pages.filter(_under_any(columns))
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[Substr("path", 1, top_length)],
                order_by=[
                    F("first_published_at").desc(nulls_last=True),
                    F("pk").desc(),
                ],
            )
        )
        .filter(rank__lte=count)
        .order_by("-first_published_at", "-pk")
        .defer_streamfields()
        .specific(defer=True)
    )
    by_column = defaultdict(list)
    for page in pages:
        by_column[page.path[:top_length]].append(page)
    groups = {
        column.pk: [
            column,
            *(
                c
                for c in below
                if c.path.startswith(column.path)
                and not any(c.path.startswith(p) for p in hidden)
            ),
        ]
        for column in columns
    }
    extras = listings.groups_top(groups, count)
    for column in columns:
        column.latest = listings.merged_newest(
            by_column[column.path], extras.get(column.pk, []), count
        )
    return columns


def _under_any(pages) -> Q:
    under = Q()
    for page in pages:
        under |= Q(path__startswith=page.path)
    return under


def column_items(*, column: Page):
    """A column's published content pages, newest first (sub-columns excluded)."""
    ColumnPage = _page_type("ColumnPage")

    return (
        public(Page.objects.child_of(column).live())
        .not_type(ColumnPage)
        .order_by("-first_published_at", "-pk")
        # Specific pages build their stable addresses and show their own fields
        # (a document's number); their StreamField bodies are not loaded.
        .defer_streamfields()
        .specific()
    )


def column_listing(*, column: Page):
    """What a column's list shows, newest first: its published content pages and
    the items other packages list there (``cms.listings``), in a few queries
    whatever the number of items or the page asked for."""
    return listings.column_listing(column_items(column=column), columns=[column])


def column_feed_items(*, column: Page):
    """The published content of a column and of its published sub-columns at any
    depth, newest first: what the column's feeds list. Items under an
    unpublished sub-column are left out with it."""
    ColumnPage = _page_type("ColumnPage")

    items = public(Page.objects.descendant_of(column).live()).not_type(ColumnPage)
    hidden = (
        ColumnPage.objects.descendant_of(column)
        .not_live()
        .values_list("path", flat=True)
    )
    for path in hidden:
        items = items.exclude(path__startswith=path)
    return items.order_by("-first_published_at", "-pk").defer_streamfields().specific()


def column_feed_listing(*, column: Page):
    """What a column's feeds list: ``column_feed_items`` and the items other
    packages list in the column or in its published sub-columns."""
    ColumnPage = _page_type("ColumnPage")
    below = list(
        ColumnPage.objects.descendant_of(column).only(
            "pk", "path", "live", "depth", "url_path"
        )
    )
    hidden = [c.path for c in below if not c.live]
    columns = [
        column,
        *(c for c in below if not any(c.path.startswith(p) for p in hidden)),
    ]
    return listings.column_listing(column_feed_items(column=column), columns=columns)


def latest_content(*, home: Page):
    """A site's published content pages, newest first."""
    ColumnPage = _page_type("ColumnPage")

    return (
        public(Page.objects.descendant_of(home).live())
        .not_type(ColumnPage)
        .exclude(depth__lte=home.depth)
        .order_by("-first_published_at", "-pk")
        .defer_streamfields()
        .specific()
    )


def home_sections(*, home: Page) -> list[tuple]:
    """The home page's chosen sections, each with the items it shows."""
    sections = []
    for block in home.sections:
        items = []
        if block.block_type in ("headlines", "column"):
            column = block.value.get("column")
            count = block.value["count"]
            if column is not None and column.path.startswith(home.path):
                items = list(column_listing(column=column)[:count])
            elif block.block_type == "headlines":
                items = list(latest_content(home=home)[:count])
        sections.append((block, items))
    return sections


def breadcrumbs(*, page: Page):
    """The page's ancestors a visitor can open: its site's home page and columns."""
    column_page, home_page = _page_type("ColumnPage"), _page_type("HomePage")
    return page.get_ancestors().type(home_page, column_page).specific()


def consultations_awaiting_report(*, homes, today: datetime.date | None = None):
    """Live consultations under ``homes`` that have closed without an adoption
    report, oldest first."""
    ConsultationPage = _page_type("ConsultationPage")
    today = today or timezone.localdate()
    if not homes:
        return ConsultationPage.objects.none()
    under = Q()
    for home in homes:
        under |= Q(path__startswith=home.path)
    return (
        ConsultationPage.objects.live()
        .filter(under, ends_on__lt=today, adoption_report="")
        .order_by("ends_on")
    )
