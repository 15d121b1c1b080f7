"""From a matched item to messages: delivery rows (one per recipient and item,
the unique constraint deciding), in-site notices, sending at once or in digests,
and the suppression list checked before every message."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from sites.models import GovSite
from sites.tenancy import use_site

from . import mail
from .matching import ItemFacts, matching_subscriptions, recipients
from .models import (
    Delivery,
    DeliveryStatus,
    Frequency,
    Notification,
    NotificationKind,
    Suppression,
)

logger = logging.getLogger(__name__)

BATCH = 1000
# Messages one task sends; digests: recipients one task builds.
SEND_BATCH = 100
MAIL_MAX_ATTEMPTS = 5


def deliveries_record(*, site: GovSite, facts: ItemFacts) -> list[int]:
    """Record what ``facts``'s item owes every matching subscriber: a delivery
    row per recipient and an in-site notice per signed-in subscriber, each at
    most once however often this runs. Returns the ids of deliveries to mail at
    once (pending ones, also those a previous run left unsent)."""
    with use_site(site):
        rows = matching_subscriptions(facts).values_list(
            "pk", "email", "user_id", "frequency"
        )
        rows = list(rows)
        chosen = recipients(rows)
        # Every signed-in subscriber, whichever row won their recipient.
        users = {user_id for _pk, _email, user_id, _f in rows if user_id}
        deliveries = [
            Delivery(
                site_id=site.pk,
                subscription_id=pk,
                recipient=recipient,
                item_id=facts.page_id,
                frequency=frequency,
                status=(
                    DeliveryStatus.NO_MAIL
                    if recipient.startswith("user:")
                    else DeliveryStatus.PENDING
                ),
            )
            for recipient, (pk, _user_id, frequency) in chosen.items()
        ]
        with transaction.atomic():
            Delivery.objects.bulk_create(
                deliveries, batch_size=BATCH, ignore_conflicts=True
            )
            Notification.objects.bulk_create(
                [
                    Notification(
                        user_id=user_id,
                        site_id=site.pk,
                        kind=NotificationKind.ITEM,
                        title=facts.title[:300],
                        url=facts.url[:500],
                        dedupe_key=f"item:{facts.page_id}",
                    )
                    for user_id in users
                ],
                batch_size=BATCH,
                ignore_conflicts=True,
            )
        return list(
            Delivery.objects.filter(
                item_id=facts.page_id,
                status=DeliveryStatus.PENDING,
                frequency=Frequency.INSTANT,
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def _suppressed(addresses) -> set[str]:
    return set(
        Suppression.objects.filter(address__in=list(addresses)).values_list(
            "address", flat=True
        )
    )


def deliveries_send(*, site: GovSite, delivery_ids: list[int]) -> list[int]:
    """Mail each pending delivery of ``delivery_ids`` (one transaction each: the
    row is locked, sent, marked). A row sent or being sent by another worker is
    skipped, so a retried task never sends twice. Returns the ids that failed
    and may be tried again."""
    failed = []
    with use_site(site):
        pending = Delivery.objects.filter(
            pk__in=delivery_ids, status=DeliveryStatus.PENDING
        )
        suppressed = _suppressed(pending.values_list("recipient", flat=True))
        for delivery_id in delivery_ids:
            with transaction.atomic():
                delivery = (
                    Delivery.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("subscription", "item")
                    .filter(pk=delivery_id, status=DeliveryStatus.PENDING)
                    .first()
                )
                if delivery is None:
                    continue
                if delivery.recipient in suppressed:
                    delivery.status = DeliveryStatus.SUPPRESSED
                    delivery.save(update_fields=["status"])
                    continue
                if not delivery.item.live:  # withdrawn meanwhile
                    delivery.delete()
                    continue
                delivery.attempts += 1
                try:
                    mail.item_message(site, delivery).send()
                except Exception:
                    logger.warning(
                        "subscription mail failed",
                        exc_info=True,
                        extra={"delivery_id": delivery.pk},
                    )
                    if delivery.attempts >= MAIL_MAX_ATTEMPTS:
                        delivery.status = DeliveryStatus.FAILED
                    else:
                        failed.append(delivery.pk)
                    delivery.save(update_fields=["attempts", "status"])
                    continue
                delivery.status = DeliveryStatus.SENT
                delivery.sent_at = timezone.now()
                delivery.save(update_fields=["attempts", "status", "sent_at"])
    return failed


def digest_recipients(*, site: GovSite, frequency: str) -> list[str]:
    with use_site(site):
        return list(
            Delivery.objects.filter(status=DeliveryStatus.PENDING, frequency=frequency)
            .order_by("recipient")
            .values_list("recipient", flat=True)
            .distinct()
        )


def digest_send(*, site: GovSite, frequency: str, recipient_list: list[str]) -> list:
    """One digest per recipient of what is pending for them at ``frequency``
    (locked, sent, marked in one transaction per recipient). Returns the
    recipients whose message failed, to be tried again."""
    failed = []
    with use_site(site):
        suppressed = _suppressed(recipient_list)
        for recipient in recipient_list:
            with transaction.atomic():
                deliveries = list(
                    Delivery.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("subscription", "item")
                    .filter(
                        recipient=recipient,
                        frequency=frequency,
                        status=DeliveryStatus.PENDING,
                    )
                    .order_by("item__first_published_at", "pk")
                )
                withdrawn = [d.pk for d in deliveries if not d.item.live]
                if withdrawn:
                    Delivery.objects.filter(pk__in=withdrawn).delete()
                deliveries = [d for d in deliveries if d.item.live]
                if not deliveries:
                    continue
                ids = [d.pk for d in deliveries]
                if recipient in suppressed:
                    Delivery.objects.filter(pk__in=ids).update(
                        status=DeliveryStatus.SUPPRESSED
                    )
                    continue
                try:
                    mail.digest_message(site, recipient, deliveries).send()
                except Exception:
                    logger.warning("subscription digest failed", exc_info=True)
                    failed.append(recipient)
                    continue
                Delivery.objects.filter(pk__in=ids).update(
                    status=DeliveryStatus.SENT, sent_at=timezone.now()
                )
    return failed
