"""Webhooks: other systems told about a site's events.

Every delivery is a JSON body signed with the webhook's own secret:
``X-Gov-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`` with the
timestamp (Unix seconds) in ``X-Gov-Timestamp``, so a receiver checks both the
body and its freshness. Requests go out only through ``core.outbound.fetch``:
private and loopback addresses are refused unless a platform admin allowed this
webhook's address, no redirect to another host is followed, and each attempt
has a short deadline. Failed attempts are retried with growing delays through
the task queue; each attempt's answer (status and the start of the body) or
error is kept on the delivery row.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import outbound
from sites.models import GovSite
from sites.selectors import is_platform_admin
from sites.tenancy import use_site

from .models import Webhook, WebhookDelivery, WebhookDeliveryStatus, WebhookEvent

# Seconds before the next attempt: 30 s, 2 min, 10 min, 1 h, 6 h.
RETRY_DELAYS = (30, 120, 600, 3600, 21600)
RESPONSE_KEEP = 2000


def _check(url: str, events: list[str]) -> list[str]:
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError(_("Enter an http or https address.")) from None
    events = sorted(set(events))
    if not events or any(event not in WebhookEvent.values for event in events):
        raise ValidationError(
            _("Choose events among: %(events)s")
            % {"events": ", ".join(WebhookEvent.values)}
        )
    return events


@transaction.atomic
def webhook_create(
    *,
    site: GovSite,
    name: str,
    url: str,
    events: list[str],
    allow_private: bool = False,
    user=None,
) -> tuple[Webhook, str]:
    """Register a webhook; returns it and its signing secret (shown once).
    ``allow_private`` only for a platform admin (``user=None``: the command line,
    run by the platform's operator)."""
    events = _check(url, events)
    if allow_private and user is not None and not is_platform_admin(user):
        raise ValidationError(_("Only a platform admin may allow a private address."))
    secret = secrets.token_hex(32)
    with use_site(site):
        webhook = Webhook.objects.create(
            site=site,
            name=name or url,
            url=url,
            events=events,
            secret=secret,
            allow_private=allow_private,
        )
    return webhook, secret


@transaction.atomic
def webhook_update(
    *, site: GovSite, webhook: Webhook, user, name, url, events, active, allow_private
) -> Webhook:
    events = _check(url, events)
    if allow_private != webhook.allow_private and not is_platform_admin(user):
        raise ValidationError(_("Only a platform admin may allow a private address."))
    if url != webhook.url and not is_platform_admin(user):
        # Allowing a private address was for that address, not for the next one.
        allow_private = False
    with use_site(site):
        webhook.name, webhook.url, webhook.events = name or url, url, events
        webhook.active, webhook.allow_private = active, allow_private
        webhook.save()
    return webhook


def event_emit(*, site: GovSite, event: str, event_id: str, data: dict) -> list[int]:
    """Record ``event`` for every active webhook of ``site`` that wants it (once
    per webhook and ``event_id``, however often this runs); returns the ids of
    the deliveries still to attempt."""
    with use_site(site):
        hooks = [
            hook for hook in Webhook.objects.filter(active=True) if event in hook.events
        ]
        if not hooks:
            return []
        payload = {
            "id": event_id,
            "event": event,
            "site": {"code": site.code, "name": site.name, "host": site.host},
            "data": data,
        }
        WebhookDelivery.objects.bulk_create(
            [
                WebhookDelivery(
                    site_id=site.pk,
                    webhook=hook,
                    event=event,
                    event_id=event_id,
                    payload=payload,
                )
                for hook in hooks
            ],
            ignore_conflicts=True,
        )
        return list(
            WebhookDelivery.objects.filter(
                event_id=event_id,
                webhook__in=hooks,
                status=WebhookDeliveryStatus.PENDING,
            ).values_list("pk", flat=True)
        )


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def delivery_attempt(*, site: GovSite, delivery_id: int) -> float | None:
    """One attempt of a delivery. Returns the seconds to wait before the next
    attempt, or None when there is none (delivered, failed for good, or
    already taken by another worker)."""
    with use_site(site), transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("webhook")
            .filter(
                pk=delivery_id,
                status__in=[
                    WebhookDeliveryStatus.PENDING,
                    WebhookDeliveryStatus.RETRYING,
                ],
            )
            .first()
        )
        if delivery is None or not delivery.webhook.active:
            return None
        hook = delivery.webhook
        body = json.dumps(delivery.payload, ensure_ascii=False).encode()
        timestamp = str(int(time.time()))
        delivery.attempts += 1
        delivery.last_attempt_at = timezone.now()
        try:
            answer = outbound.fetch(
                hook.url,
                method="POST",
                body=body,
                headers={
                    "Content-Type": "application/json; charset=utf-8",
                    "X-Gov-Event": delivery.event,
                    "X-Gov-Delivery": delivery.event_id,
                    "X-Gov-Timestamp": timestamp,
                    "X-Gov-Signature": signature(hook.secret, timestamp, body),
                },
                timeout=settings.WEBHOOK_TIMEOUT,
                max_bytes=RESPONSE_KEEP,
                max_redirects=2,
                same_host_redirects=True,
                allow_private=hook.allow_private,
            )
        except outbound.OutboundRefused as error:
            # Refused before sending (an internal address): no retry helps.
            delivery.error = str(error.message)
            delivery.response_status = None
            delivery.status = WebhookDeliveryStatus.FAILED
            delivery.save()
            return None
        except outbound.OutboundError as error:
            delivery.error = f"{error.reason}: {error.message}"
            delivery.response_status = None
        else:
            delivery.response_status = answer.status
            delivery.response_body = answer.text()[:RESPONSE_KEEP]
            delivery.error = ""
            if answer.ok:
                delivery.status = WebhookDeliveryStatus.SUCCEEDED
                delivery.save()
                return None
        if delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
            delivery.status = WebhookDeliveryStatus.FAILED
            delivery.save()
            return None
        delivery.status = WebhookDeliveryStatus.RETRYING
        delivery.save()
        return RETRY_DELAYS[min(delivery.attempts - 1, len(RETRY_DELAYS) - 1)]
