"""The work of keeping the index true: what the queued tasks (``search.tasks``)
run, and what ``search.services`` records before queueing them. Below both, so
that services queue tasks and tasks run this without importing each other."""

from __future__ import annotations

import datetime

from django.db.models import F
from django.utils import timezone
from wagtail.models import Page

from .backends import BackendUnavailable, SearchBackend, get_backend
from .documents import (
    CONTENT_MODELS,
    IndexDocument,
    documents_for_pages,
    page_id_of,
    page_key,
)
from .models import PendingIndexUpdate

RETRY_DELAYS = (30, 120, 600, 1800, 3600)  # seconds before a failed update retries


def pending_record(*, item_keys: list[str]) -> list[str]:
    """Record that these items changed (one pending row each, its request time
    renewed); the keys, without repeats, for the task that applies them."""
    keys = list(dict.fromkeys(item_keys))
    if keys:
        PendingIndexUpdate.objects.bulk_create(
            [PendingIndexUpdate(item_key=key) for key in keys],
            update_conflicts=True,
            unique_fields=["item_key"],
            update_fields=["requested_at"],
        )
    return keys


def subtree_item_keys(*, page_id: int) -> list[str]:
    page = Page.objects.filter(pk=page_id).first()
    if page is None:
        return []
    ids = (
        Page.objects.descendant_of(page, inclusive=True)
        .type(*CONTENT_MODELS)
        .values_list("pk", flat=True)
    )
    return [page_key(pk) for pk in ids]


def items_update(*, item_keys: list[str], backend: SearchBackend | None = None) -> None:
    """Bring these items' documents to what the database holds now (idempotent).
    Raises BackendUnavailable, leaving the pending rows for a retry."""
    backend = backend or get_backend()
    started = timezone.now()
    built = documents_for_pages(
        page_id for key in item_keys if (page_id := page_id_of(key)) is not None
    )
    documents: list[IndexDocument] = []
    gone: list[str] = []
    for key in dict.fromkeys(item_keys):
        document = built.get(page_id_of(key))
        if document is None:
            gone.append(key)
        else:
            documents.append(document)
    try:
        if documents:
            backend.upsert(documents)
        if gone:
            backend.delete(gone)
    except BackendUnavailable as error:
        PendingIndexUpdate.objects.filter(item_key__in=item_keys).update(
            attempts=F("attempts") + 1, last_error=str(error)[:300]
        )
        raise
    # A change made while this ran has a newer request time and its own task.
    PendingIndexUpdate.objects.filter(
        item_key__in=item_keys, requested_at__lte=started
    ).delete()


def retry_delay(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(
        seconds=RETRY_DELAYS[min(attempts, len(RETRY_DELAYS) - 1)]
    )
