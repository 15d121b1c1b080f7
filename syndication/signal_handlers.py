"""The source page's life reaches every site that shows it: unpublishing or
deleting it withdraws it everywhere (inside the transaction of the change; the
targets' pages are written again by a queued task)."""

from __future__ import annotations

from django.db.models.signals import pre_delete
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished

from core.audit.models import AuditAction
from core.audit.services import audit_record
from search.signals import items_sites

from . import fanout, in_step, selectors
from .signals import syndication_event
from .tasks import item_withdrawn_task, source_republished_task


def _withdraw(page) -> None:
    """Withdrawn everywhere now (the targets' rows, in this transaction); the
    targets' pages are written again by a queued task, not in the request: the
    sites it was live on may be hundreds."""
    withdrawn = fanout.withdraw_page(
        page_id=page.pk, source=selectors.source_site_of(page)
    )
    for item_id, site_ids in withdrawn.items():
        if site_ids:
            item_withdrawn_task.enqueue(item_id, page.pk, site_ids)


@receiver(page_unpublished)
def source_unpublished(sender, instance, **kwargs):
    _withdraw(instance)


@receiver(pre_delete, sender=Page)
def source_deleted(sender, instance, **kwargs):
    # Before the row goes (the item's source_page is set to null by the delete).
    # Sent for the base row of every deleted page, whatever its type, once.
    _withdraw(instance)


@receiver(items_sites)
def syndicated_sites(sender, page_ids, **kwargs):
    """The sites each page of a batch is live on as a syndicated item, with its
    address there (search: one document per item, listing every site it is live
    on), in three queries for the whole batch."""
    return selectors.live_addresses_for_pages(page_ids=page_ids)


@receiver(page_published)
def publish_in_step(sender, instance, **kwargs):
    """A department's normative document, its interpretation or its adoption
    report, first published: queued for the portal (同步发布)."""
    in_step.item_publish_in_step(page=instance)


@receiver(page_published)
def source_republished(sender, instance, **kwargs):
    """An edit at the source: the target columns listing it are written again
    by static publishing (their pages read the source live already)."""
    source = selectors.source_site_of(instance)
    if source is not None and fanout.has_items(page_id=instance.pk, source=source):
        # In the background: the sites it is live on may be many.
        source_republished_task.enqueue(instance.pk, source.pk)


@receiver(syndication_event)
def syndication_audited(sender, action, user, item_id, site_ids, reason="", **kwargs):
    """Every step (pushed, reported, taken, declined, hidden) in the audit log."""
    audit_record(
        action=AuditAction.SYNDICATION,
        actor=user if user is not None and user.is_authenticated else None,
        detail={
            "step": action,
            "item": item_id,
            "sites": list(site_ids),
            "reason": reason,
        },
    )
