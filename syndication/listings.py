"""Syndicated items in their target columns' lists: the provider syndication
registers with ``cms.listings`` (cms lists them without importing syndication).
Each item is listed by the time it went live in the column, under its own
address there, with its title read live from the source page and 「来源」."""

from __future__ import annotations

from collections.abc import Sequence

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
        rows = list(
            self.targets.select_related("item__source_page", "item__site").only(
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
            )[:n]
        )
        numbers = dict(
            PolicyDocumentPage.objects.filter(
                pk__in=[row.item.source_page_id for row in rows]
            ).values_list("pk", "document_number")
        )
        paths = {}
        listed = []
        for row in rows:
            if row.column_id not in paths:
                parts = self.columns[row.column_id].get_url_parts()
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
