"""Syndicated items in their target columns' lists: the provider syndication
registers with ``cms.listings`` (cms lists them without importing syndication).
Each item is listed by the time it went live in the column, under its own
address there, with its title read live from the source page and 「来源」."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Case, F, IntegerField, Value, When, Window
from django.db.models.functions import RowNumber

from cms.listings import ListedItem
from cms.models import PolicyDocumentPage

from . import selectors


class LiveInColumns:
    """The items live in some columns of one site (a column, or a column and its
    sub-columns): their count and the newest ``n``, one query each (and one for
    the document numbers of policy documents)."""

    def __init__(self, columns: Sequence):
        self.columns = {column.pk: column for column in columns}
        self.targets = selectors.columns_live_targets(columns=list(columns))

    def count(self) -> int:
        return self.targets.count()

    def top(self, n: int) -> list[ListedItem]:
        if n <= 0:
            return []
        return _listed(_with_source(self.targets)[:n], self.columns)


_SOURCE_FIELDS = (
    "pk",
    "column",
    "item",
    "item__site",
    "item__source_page",
    "requested_at",
    "live_at",
    "item__site__name",
    "item__source_page__title",
    "item__source_page__url_path",
    "item__source_page__search_description",
    "item__source_page__first_published_at",
    "item__source_page__last_published_at",
)


def _with_source(targets):
    return targets.select_related("item__source_page", "item__site").only(
        *_SOURCE_FIELDS
    )


def _listed(rows, columns: dict) -> list[ListedItem]:
    """``rows`` (reference rows with their source) as listed items, in their
    order, each at its own address under its column (one query for the
    document numbers of policy documents)."""
    rows = list(rows)
    numbers = dict(
        PolicyDocumentPage.objects.filter(
            pk__in=[row.item.source_page_id for row in rows]
        ).values_list("pk", "document_number")
    )
    paths = {}
    listed = []
    for row in rows:
        if row.column_id not in paths:
            parts = columns[row.column_id].get_url_parts()
            paths[row.column_id] = parts[2] if parts else None
        column_path = paths[row.column_id]
        source = row.item.source_page
        if column_path is None or source is None:
            continue
        listed.append(
            ListedItem(
                pk=row.pk,
                title=source.title,
                url=row.address_path(column_path),
                first_published_at=row.live_at or row.requested_at,
                last_published_at=source.last_published_at,
                search_description=source.search_description,
                document_number=numbers.get(source.pk, "") or "",
                source_name=row.item.site.name,
            )
        )
    return listed


def live_in_columns(columns: Sequence) -> LiveInColumns | None:
    if not columns:
        return None
    return LiveInColumns(columns)


def live_in_groups(groups: dict[int, Sequence], n: int) -> dict[int, list[ListedItem]]:
    """The newest ``n`` items live in each group of columns of one site (a home
    page's column blocks), in two queries for every group."""
    group_of = {column.pk: key for key, columns in groups.items() for column in columns}
    columns = {column.pk: column for group in groups.values() for column in group}
    if not columns or n <= 0:
        return {}
    group = Case(
        *(When(column_id=pk, then=Value(key)) for pk, key in group_of.items()),
        output_field=IntegerField(),
    )
    rows = (
        _with_source(selectors.columns_live_targets(columns=list(columns.values())))
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[group],
                order_by=[F("live_at").desc(nulls_last=True), F("pk").desc()],
            )
        )
        .filter(rank__lte=n)
    )
    found: dict[int, list[ListedItem]] = {}
    for item, row_column in _listed_with_columns(rows, columns):
        found.setdefault(group_of[row_column], []).append(item)
    return found


def _listed_with_columns(rows, columns: dict):
    rows = list(rows)
    listed = _listed(rows, columns)
    by_pk = {row.pk: row.column_id for row in rows}
    return [(item, by_pk[item.pk]) for item in listed]
