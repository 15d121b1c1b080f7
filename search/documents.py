"""What one published item looks like to the search index.

An item is a live content page for now (other kinds of item get their own key
prefix later). A document lists every site the item appears on: its own site now;
syndication adds the sites that show it, with their addresses, without changing
the shape of the document (it answers ``search.signals.items_sites``).

Documents are built from page rows, a batch at a time, without page instances:
the text is read from the stored StreamField JSON and rich text
(``search.rawtext``), the address from the column's (``content_address``).
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import os
from collections.abc import Iterable, Iterator

from django.contrib.contenttypes.models import ContentType
from django.db.models import TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from wagtail.documents import get_document_model
from wagtail.fields import StreamField
from wagtail.models import Page, PageViewRestriction

from cms.models import (
    ArticlePage,
    ConsultationPage,
    InterpretationPage,
    PolicyDocumentPage,
)
from cms.models.content import address_day, content_address
from sites.models import SiteStatus
from sites.routing import govsite_by_id, govsite_id_for

from .rawtext import attachment_refs, html_text, stream_blocks, stream_raw_text
from .signals import item_sites, items_sites

# Content types of the index (the API and the facets use these names).
CONTENT_TYPES: dict[type[Page], str] = {
    ArticlePage: "article",
    PolicyDocumentPage: "policy_document",
    InterpretationPage: "interpretation",
    ConsultationPage: "consultation",
}
CONTENT_MODELS = tuple(CONTENT_TYPES)


def page_key(page_id: int) -> str:
    return f"page:{page_id}"


def page_id_of(key: str) -> int | None:
    kind, _, value = key.partition(":")
    return int(value) if kind == "page" and value.isdigit() else None


@dataclasses.dataclass(frozen=True)
class IndexDocument:
    item_key: str
    page_id: int | None
    site_id: int
    site_level: str
    site_ids: tuple[int, ...]
    urls: dict[str, str]
    content_type: str
    column_id: int | None
    column_title: str
    title: str
    body: str
    attachments: str
    issuing_organ: str
    document_number: str
    published_at: datetime.datetime

    @property
    def version(self) -> str:
        """A fingerprint of everything the document holds: a stored document with
        another fingerprint is stale."""
        # Shallow (``dataclasses.asdict`` deep-copies): the same JSON.
        data = {field.name: getattr(self, field.name) for field in _FIELDS}
        data["published_at"] = self.published_at.isoformat()
        raw = json.dumps(data, ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(raw.encode()).hexdigest()


_FIELDS = dataclasses.fields(IndexDocument)


@dataclasses.dataclass(frozen=True)
class _Source:
    """What the documents of a content type read from its own table: the fields
    of the body text in order (StreamFields, rich text, plain text), the
    StreamFields listing attachments, and whether it has a number and organ."""

    body: tuple[str, ...]
    attachments: tuple[str, ...]
    numbered: bool = False


_BODY = _Source(body=("body",), attachments=("body", "attachments"))
SOURCES: dict[type[Page], _Source] = {
    ArticlePage: _BODY,
    PolicyDocumentPage: dataclasses.replace(_BODY, numbered=True),
    InterpretationPage: _BODY,
    ConsultationPage: _Source(
        body=("draft", "explanation", "adoption_report", "short_period_reason"),
        attachments=("draft_attachments",),
    ),
}
_PAGE_FIELDS = (
    "pk",
    "path",
    "url_path",
    "title",
    "first_published_at",
    "go_live_at",
    "last_published_at",
    "latest_revision_created_at",
)


@dataclasses.dataclass
class _Row:
    """A live content page as its document needs it."""

    model: type[Page]
    pk: int
    path: str
    url_path: str
    title: str
    published_at: datetime.datetime | None  # first published, else going live
    last_published_at: datetime.datetime | None
    revised_at: datetime.datetime | None
    body: str
    attachments: list[tuple[int, str]]  # (document id, link text)
    issuing_organ: str = ""
    document_number: str = ""


def _is_stream(model, name: str) -> bool:
    return isinstance(model._meta.get_field(name), StreamField)


def _rows(model: type[Page], ids: list[int]) -> list[_Row]:
    """The live pages of exactly this type among ``ids`` (one query): their
    page fields, and their text read from the stored JSON and HTML."""
    source = SOURCES[model]
    streams = dict.fromkeys(
        name for name in (*source.body, *source.attachments) if _is_stream(model, name)
    )
    texts = [name for name in source.body if name not in streams]
    numbers = ("issuing_organ", "document_number") if source.numbered else ()
    raw = {f"raw_{name}": Cast(name, output_field=TextField()) for name in streams}
    query = (
        model.objects.filter(
            # One array parameter, not a thousand placeholders to parse.
            pk__in=RawSQL("SELECT unnest(%s::integer[])", (ids,)),
            content_type=ContentType.objects.get_for_model(model),
            live=True,
        )
        .annotate(**raw)
        .values_list(*_PAGE_FIELDS, *texts, *numbers, *raw)
    )
    rows = []
    for values in query:
        (pk, path, url_path, title, first, go_live, last, revised) = values[:8]
        fields = dict(zip(texts, values[8 : 8 + len(texts)], strict=True))
        extra = values[8 + len(texts) :]
        organ, number = extra[: len(numbers)] if numbers else ("", "")
        stored = {
            name: stream_blocks(data)
            for name, data in zip(streams, extra[len(numbers) :], strict=True)
        }
        body = "\n".join(
            filter(
                None,
                (
                    stream_raw_text(model, name, stored[name])
                    if name in stored
                    else html_text(fields[name] or "")
                    for name in source.body
                ),
            )
        )
        rows.append(
            _Row(
                model=model,
                pk=pk,
                path=path,
                url_path=url_path,
                title=title,
                published_at=first or go_live,
                last_published_at=last,
                revised_at=revised,
                body=body,
                attachments=[
                    ref
                    for name in source.attachments
                    for ref in attachment_refs(stored[name])
                ],
                issuing_organ=organ or "",
                document_number=number or "",
            )
        )
    return rows


def _attachment_files(rows: list[_Row]) -> dict[int, tuple[str, str]]:
    """{document id: (title, file name)} of the documents the rows attach (one
    query, none without attachments)."""
    ids = {pk for row in rows for pk, _title in row.attachments}
    if not ids:
        return {}
    return {
        pk: (title, os.path.basename(file))
        for pk, title, file in get_document_model()
        .objects.filter(pk__in=ids)
        .values_list("pk", "title", "file")
    }


def _restricted(path: str, restricted_paths: set[str]) -> bool:
    """Whether the page at ``path`` or one of its ancestors has a view
    restriction (what ``Page.get_view_restrictions().exists()`` asks)."""
    if not restricted_paths:
        return False
    step = Page.steplen
    return any(
        path[:end] in restricted_paths for end in range(step, len(path) + 1, step)
    )


class _Addresses:
    """The sites and addresses of a batch's pages, each site and column worked
    out once: a content page's address is its column's path on its site
    (Wagtail's own ``get_url_parts`` of the column) with the page's date and id
    (``cms.models.content.content_address``), as ``ContentPage.get_url_parts``
    makes it."""

    def __init__(self):
        self._sites: dict[int, object] = {}
        self._columns: dict[str, tuple[str, str] | None] = {}

    def site(self, row: _Row):
        govsite_id = govsite_id_for(url_path=row.url_path, page_id=row.pk)
        if govsite_id is None:
            return None
        if govsite_id not in self._sites:
            self._sites[govsite_id] = govsite_by_id(govsite_id)
        return self._sites[govsite_id]

    def url(self, row: _Row) -> str | None:
        url_path = row.url_path or ""
        column_url_path = url_path[: url_path.rstrip("/").rfind("/") + 1]
        if column_url_path not in self._columns:
            parts = Page(url_path=column_url_path).get_url_parts()
            self._columns[column_url_path] = (
                None
                if parts is None or parts[2] is None
                else (parts[1], parts[2].rstrip("/") + "/")
            )
        column = self._columns[column_url_path]
        if column is None:
            return None
        root_url, column_path = column
        day = address_day(row.published_at or row.revised_at)
        return root_url + content_address(column_path=column_path, day=day, pk=row.pk)


def _build(
    row: _Row, *, restricted_paths, columns, extra_sites, files, addresses, pages
) -> IndexDocument | None:
    if _restricted(row.path, restricted_paths):
        return None
    govsite = addresses.site(row)
    if govsite is None or govsite.status == SiteStatus.CLOSED:
        return None
    url = addresses.url(row)
    published = row.published_at or row.last_published_at
    column = columns.get(row.path[: -Page.steplen])
    if url is None or published is None or column is None:
        return None
    urls = {str(govsite.pk): url}
    for site_id, address in (extra_sites.get(row.pk) or {}).items():
        urls.setdefault(str(site_id), address)
    page = pages.get(row.pk)
    if page is not None:
        for _receiver, extra in item_sites.send(sender=type(page), page=page):
            for site_id, address in (extra or {}).items():
                urls.setdefault(str(site_id), address)
    names = []
    for document_id, title in row.attachments:
        if document_id in files:
            document_title, filename = files[document_id]
            names += [title or document_title, filename]
    column_id, column_title = column
    return IndexDocument(
        item_key=page_key(row.pk),
        page_id=row.pk,
        site_id=govsite.pk,
        site_level=govsite.level,
        site_ids=(govsite.pk, *sorted(int(k) for k in urls if k != str(govsite.pk))),
        urls=urls,
        content_type=CONTENT_TYPES[row.model],
        column_id=column_id,
        column_title=column_title,
        title=row.title,
        body=row.body,
        attachments="\n".join(names),
        issuing_organ=row.issuing_organ,
        document_number=row.document_number,
        published_at=published,
    )


def documents_for_pages(page_ids: Iterable[int]) -> dict[int, IndexDocument | None]:
    """The documents of these pages now (None: the page is gone or must not be
    found: a draft, an unpublished or private page, not a content page, or a
    closed site), in a fixed number of queries for the whole batch: the rows of
    each content type (their text read from the stored JSON and HTML, no page
    instance made), the documents they attach, the view restrictions, the
    columns, the sites that show them (``search.signals.items_sites``). The
    index's only way of building documents: a rebuild, ``search_index check``
    and an incremental update give the same document."""
    ids = list(dict.fromkeys(page_ids))
    found: dict[int, IndexDocument | None] = dict.fromkeys(ids)
    if not ids:
        return found
    rows = [row for model in CONTENT_MODELS for row in _rows(model, ids)]
    if not rows:
        return found
    files = _attachment_files(rows)
    restricted_paths = set(
        PageViewRestriction.objects.values_list("page__path", flat=True)
    )
    parent_paths = {row.path[: -Page.steplen] for row in rows}
    columns = {
        path: (pk, title)
        for path, pk, title in Page.objects.filter(path__in=parent_paths).values_list(
            "path", "pk", "title"
        )
    }
    extra_sites: dict[int, dict] = {}
    live_ids = [row.pk for row in rows]
    for _receiver, answer in items_sites.send(sender=Page, page_ids=live_ids):
        for page_id, addresses in (answer or {}).items():
            extra_sites.setdefault(page_id, {}).update(addresses)
    # ``item_sites`` (one answer per page) needs the page instances: read only
    # when a package still answers it.
    pages = (
        {page.pk: page for page in Page.objects.filter(pk__in=live_ids).specific()}
        if item_sites.has_listeners()
        else {}
    )
    addresses = _Addresses()
    for row in rows:
        found[row.pk] = _build(
            row,
            restricted_paths=restricted_paths,
            columns=columns,
            extra_sites=extra_sites,
            files=files,
            addresses=addresses,
            pages=pages,
        )
    return found


def page_document(page: Page) -> IndexDocument | None:
    """The document of ``page`` now, or None when it must not be found."""
    return documents_for_pages([page.pk])[page.pk]


def item_document(key: str) -> IndexDocument | None:
    """The document of the item ``key`` as the database has it now."""
    page_id = page_id_of(key)
    if page_id is None:
        return None
    return documents_for_pages([page_id])[page_id]


def content_page_ids(*, root: Page | None = None) -> list[int]:
    """The ids of every live content page (below ``root``, inclusive), in order:
    what a rebuild builds documents for."""
    pages = Page.objects.live().type(*CONTENT_MODELS)
    if root is not None:
        pages = pages.descendant_of(root, inclusive=True)
    return list(pages.order_by("pk").values_list("pk", flat=True))


def documents_in(
    page_ids: list[int], *, site_id: int | None = None, batch: int = 1000
) -> Iterator[IndexDocument]:
    """The documents of ``page_ids`` (of one site's own items with ``site_id``),
    built a batch at a time."""
    for start in range(0, len(page_ids), batch):
        for document in documents_for_pages(page_ids[start : start + batch]).values():
            if document is not None and (
                site_id is None or document.site_id == site_id
            ):
                yield document
