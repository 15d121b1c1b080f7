"""Reads of a site's pages for rendering; every one is limited to a subtree."""

from collections import defaultdict

from wagtail.models import Page


def home_columns(*, home: Page) -> list[Page]:
    """The home page's top-level columns, each with ``latest``: its published
    children, fetched for all columns in one query instead of one per column."""
    from .models import ColumnPage

    columns = list(ColumnPage.objects.child_of(home).live().public().order_by("path"))
    children = (
        Page.objects.descendant_of(home)
        .filter(depth=home.depth + 2)
        .live()
        .public()
        .order_by("path")
    )
    by_parent = defaultdict(list)
    for page in children:
        by_parent[page.path[: -Page.steplen]].append(page)
    for column in columns:
        column.latest = by_parent[column.path]
    return columns


def column_items(*, column: Page):
    """A column's published content pages, newest first (sub-columns excluded)."""
    from .models import ColumnPage

    return (
        Page.objects.child_of(column)
        .live()
        .public()
        .not_type(ColumnPage)
        .order_by("-first_published_at", "-pk")
    )
