"""Subscriptions' background work on the durable task queue (django-tasks with
the database backend). Tasks carry ids, re-enter the site, and are safe to run
twice: every send is recorded on a row that is locked, checked and marked."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django_tasks import task
from wagtail.models import Page

from sites.models import GovSite
from sites.tenancy import use_site

from . import delivery, mail, webhooks
from .matching import item_facts
from .models import Subscription

# Seconds before mail that failed is tried again: 1 min, 5 min, 30 min, 2 h.
MAIL_RETRY_DELAYS = (60, 300, 1800, 7200)


def _site(site_id: int) -> GovSite | None:
    return GovSite.objects.select_related("wagtail_site").filter(pk=site_id).first()


def _later(attempt: int) -> datetime.datetime:
    delay = MAIL_RETRY_DELAYS[min(attempt, len(MAIL_RETRY_DELAYS) - 1)]
    return timezone.now() + datetime.timedelta(seconds=delay)


@task()
def match_item_task(site_id: int, page_id: int) -> None:
    """A published item against every subscription of its site; queues the
    instant messages in batches."""
    site = _site(site_id)
    page = Page.objects.filter(pk=page_id).first()
    if site is None or page is None:
        return
    facts = item_facts(page)
    if facts is None or facts.site_id != site.pk:
        return
    ids = delivery.deliveries_record(site=site, facts=facts)
    for start in range(0, len(ids), delivery.SEND_BATCH):
        send_deliveries_task.enqueue(site_id, ids[start : start + delivery.SEND_BATCH])


@task()
def send_deliveries_task(site_id: int, delivery_ids: list[int], attempt: int = 0):
    site = _site(site_id)
    if site is None:
        return
    failed = delivery.deliveries_send(site=site, delivery_ids=delivery_ids)
    if failed:
        send_deliveries_task.using(run_after=_later(attempt)).enqueue(
            site_id, failed, attempt + 1
        )


def digests_enqueue(*, frequency: str) -> int:
    """Queue the ``frequency`` digests of every site, in batches of recipients;
    returns the number of recipients."""
    count = 0
    for site in GovSite.objects.order_by("pk"):
        found = delivery.digest_recipients(site=site, frequency=frequency)
        count += len(found)
        for start in range(0, len(found), delivery.SEND_BATCH):
            send_digest_task.enqueue(
                site.pk, frequency, found[start : start + delivery.SEND_BATCH]
            )
    return count


@task()
def send_digest_task(
    site_id: int, frequency: str, recipients: list[str], attempt: int = 0
) -> None:
    site = _site(site_id)
    if site is None:
        return
    failed = delivery.digest_send(
        site=site, frequency=frequency, recipient_list=recipients
    )
    if failed and attempt < delivery.MAIL_MAX_ATTEMPTS:
        send_digest_task.using(run_after=_later(attempt)).enqueue(
            site_id, frequency, failed, attempt + 1
        )


@task()
def send_confirmation_task(site_id: int, subscription_id: int, attempt: int = 0):
    site = _site(site_id)
    if site is None:
        return
    with use_site(site):
        subscription = Subscription.objects.filter(
            pk=subscription_id, confirmed_at__isnull=True
        ).first()
    if subscription is None:
        return
    _send_or_retry(
        mail.confirmation_message(site, subscription),
        send_confirmation_task,
        (site_id, subscription_id),
        attempt,
    )


@task()
def send_manage_link_task(site_id: int, email: str, attempt: int = 0) -> None:
    site = _site(site_id)
    if site is None:
        return
    _send_or_retry(
        mail.manage_link_message(site, email),
        send_manage_link_task,
        (site_id, email),
        attempt,
    )


def _send_or_retry(message, retry_task, args, attempt: int) -> None:
    try:
        message.send()
    except Exception:
        if attempt >= delivery.MAIL_MAX_ATTEMPTS:
            raise
        retry_task.using(run_after=_later(attempt)).enqueue(*args, attempt + 1)


@task()
def webhook_deliver_task(site_id: int, delivery_id: int) -> None:
    site = _site(site_id)
    if site is None:
        return
    wait = webhooks.delivery_attempt(site=site, delivery_id=delivery_id)
    if wait is not None:
        webhook_deliver_task.using(
            run_after=timezone.now() + datetime.timedelta(seconds=wait)
        ).enqueue(site_id, delivery_id)


def webhook_event_enqueue(*, site: GovSite, event: str, event_id: str, data: dict):
    for delivery_id in webhooks.event_emit(
        site=site, event=event, event_id=event_id, data=data
    ):
        webhook_deliver_task.enqueue(site.pk, delivery_id)
