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

from wagtail.models import Page

from cms.models import (
    ArticlePage,
    ConsultationPage,
    InterpretationPage,
    PolicyDocumentPage,
)
from cms.text import attachment_names, stream_text
from sites.models import SiteStatus
from sites.routing import govsite_for_page

from .signals import item_sites

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
        data = dataclasses.asdict(self)
        data["published_at"] = self.published_at.isoformat()
        raw = json.dumps(data, ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(raw.encode()).hexdigest()


def _body_text(page) -> str:
    if isinstance(page, ConsultationPage):
        parts = [page.draft, page.explanation, page.adoption_report]
        if page.short_period_reason:
            parts.append(page.short_period_reason)
        return "\n".join(filter(None, (stream_text(p) for p in parts)))
    return stream_text(getattr(page, "body", None))


def page_document(page: Page) -> IndexDocument | None:
    """The document of ``page`` now, or None when it must not be found (a draft, an
    unpublished or private page, not a content page, or a closed site)."""
    page = page.specific
    if not isinstance(page, CONTENT_MODELS) or not page.live:
        return None
    if page.get_view_restrictions().exists():
        return None
    govsite = govsite_for_page(page)
    if govsite is None or govsite.status == SiteStatus.CLOSED:
        return None
    url = page.get_full_url()
    published = page.published_at or page.last_published_at
    if url is None or published is None:
        return None
    column = page.get_parent().specific_deferred
    urls = {str(govsite.pk): url}
    for _receiver, extra in item_sites.send(sender=type(page), page=page):
        for site_id, address in (extra or {}).items():
            urls.setdefault(str(site_id), address)
    return IndexDocument(
        item_key=page_key(page.pk),
        page_id=page.pk,
        site_id=govsite.pk,
        site_level=govsite.level,
        site_ids=(govsite.pk, *sorted(int(k) for k in urls if k != str(govsite.pk))),
        urls=urls,
        content_type=CONTENT_TYPES[type(page)],
        column_id=column.pk,
        column_title=column.title,
        title=page.title,
        body=_body_text(page),
        attachments="\n".join(attachment_names(page)),
        issuing_organ=getattr(page, "issuing_organ", "") or "",
        document_number=getattr(page, "document_number", "") or "",
        published_at=published,
    )


def item_document(key: str) -> IndexDocument | None:
    """The document of the item ``key`` as the database has it now."""
    page_id = page_id_of(key)
    if page_id is None:
        return None
    page = Page.objects.filter(pk=page_id).first()
    return page_document(page) if page is not None else None


def content_pages():
    """Every live content page of the platform, as the index should hold them."""
    return Page.objects.live().type(*CONTENT_MODELS)
