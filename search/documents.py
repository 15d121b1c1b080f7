"""What one published item looks like to the search index.

An item is a live content page for now (other kinds of item get their own key
prefix later). A document lists every site the item appears on: its own site now;
syndication adds the sites that show it, with their addresses, without changing
the shape of the document (it answers ``search.signals.item_sites``).
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
from collections.abc import Iterable, Iterator

from django.contrib.contenttypes.models import ContentType
from django.db.models.expressions import RawSQL
from wagtail.models import Page, PageViewRestriction

from cms.models import (
    ArticlePage,
    ConsultationPage,
    InterpretationPage,
    PolicyDocumentPage,
)
from cms.text import attachment_names, stream_text
from sites.models import SiteStatus
from sites.routing import govsite_for_page

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


def _body_text(page) -> str:
    if isinstance(page, ConsultationPage):
        parts = [page.draft, page.explanation, page.adoption_report]
        if page.short_period_reason:
            parts.append(page.short_period_reason)
        return "\n".join(filter(None, (stream_text(p) for p in parts)))
    return stream_text(getattr(page, "body", None))


def _restricted(path: str, restricted_paths: set[str]) -> bool:
    """Whether the page at ``path`` or one of its ancestors has a view
    restriction (what ``Page.get_view_restrictions().exists()`` asks)."""
    if not restricted_paths:
        return False
    step = Page.steplen
    return any(
        path[:end] in restricted_paths for end in range(step, len(path) + 1, step)
    )


def _build(page, *, restricted_paths, columns, extra_sites) -> IndexDocument | None:
    if not page.live or _restricted(page.path, restricted_paths):
        return None
    govsite = govsite_for_page(page)
    if govsite is None or govsite.status == SiteStatus.CLOSED:
        return None
    url = page.get_full_url()
    published = page.published_at or page.last_published_at
    column = columns.get(page.path[: -Page.steplen])
    if url is None or published is None or column is None:
        return None
    urls = {str(govsite.pk): url}
    for site_id, address in (extra_sites.get(page.pk) or {}).items():
        urls.setdefault(str(site_id), address)
    for _receiver, extra in item_sites.send(sender=type(page), page=page):
        for site_id, address in (extra or {}).items():
            urls.setdefault(str(site_id), address)
    column_id, column_title = column
    return IndexDocument(
        item_key=page_key(page.pk),
        page_id=page.pk,
        site_id=govsite.pk,
        site_level=govsite.level,
        site_ids=(govsite.pk, *sorted(int(k) for k in urls if k != str(govsite.pk))),
        urls=urls,
        content_type=CONTENT_TYPES[type(page)],
        column_id=column_id,
        column_title=column_title,
        title=page.title,
        body=_body_text(page),
        attachments="\n".join(attachment_names(page)),
        issuing_organ=getattr(page, "issuing_organ", "") or "",
        document_number=getattr(page, "document_number", "") or "",
        published_at=published,
    )


def documents_for_pages(page_ids: Iterable[int]) -> dict[int, IndexDocument | None]:
    """The documents of these pages now (None: the page is gone or must not be
    found: a draft, an unpublished or private page, not a content page, or a
    closed site), in a fixed number of queries for the whole batch: the pages of
    each content type, the view restrictions, the columns, the sites that show
    them (``search.signals.items_sites``). The index's only way of building
    documents: a rebuild and an incremental update give the same document."""
    ids = list(dict.fromkeys(page_ids))
    found: dict[int, IndexDocument | None] = dict.fromkeys(ids)
    if not ids:
        return found
    pages = []
    for model in CONTENT_MODELS:
        content_type = ContentType.objects.get_for_model(model)
        pages.extend(
            # One array parameter, not a thousand placeholders to parse.
            model.objects.filter(
                pk__in=RawSQL("SELECT unnest(%s::integer[])", (ids,)),
                content_type=content_type,
                live=True,
            )
        )
    if not pages:
        return found
    restricted_paths = set(
        PageViewRestriction.objects.values_list("page__path", flat=True)
    )
    parent_paths = {page.path[: -Page.steplen] for page in pages}
    columns = {
        path: (pk, title)
        for path, pk, title in Page.objects.filter(path__in=parent_paths).values_list(
            "path", "pk", "title"
        )
    }
    extra_sites: dict[int, dict] = {}
    live_ids = [page.pk for page in pages]
    for _receiver, answer in items_sites.send(sender=Page, page_ids=live_ids):
        for page_id, addresses in (answer or {}).items():
            extra_sites.setdefault(page_id, {}).update(addresses)
    for page in pages:
        found[page.pk] = _build(
            page,
            restricted_paths=restricted_paths,
            columns=columns,
            extra_sites=extra_sites,
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
