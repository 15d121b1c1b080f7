"""Exchange with other platforms (省市平台对接): signed requests, receiving into a
site's inbox, and sending through an outbox the task queue retries.

A request carries ``X-Peer`` (our code at the peer's, theirs at ours),
``X-Timestamp`` (Unix seconds), ``X-Nonce`` (random, once per peer) and
``X-Signature``: hex HMAC-SHA256 of ``timestamp + "\\n" + nonce + "\\n" + body``
with the peer's shared secret. A request older or newer than
``TIMESTAMP_TOLERANCE`` seconds, with a nonce already seen, or with a wrong
signature is refused; an item is stored once per (peer, item, revision).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import secrets
import time

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from cms.imports.sanitize import clean_html
from core.outbound import OutboundError, fetch
from sites.models import GovSite
from sites.tenancy import for_sites, use_site

from . import selectors
from .models import (
    OutboxMessage,
    OutboxState,
    Peer,
    PeerNonce,
    ReceivedItem,
)

TIMESTAMP_TOLERANCE = 300  # seconds
RETRY_DELAYS = (30, 120, 600, 1800, 3600, 3 * 3600)  # back-off between attempts
MAX_ATTEMPTS = 8
EXCHANGE_PATH = "/api/v1/exchange/items"


class ExchangeRefused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def sign(*, secret: str, timestamp: str, nonce: str, body: bytes) -> str:
    message = timestamp.encode() + b"\n" + nonce.encode() + b"\n" + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(*, peer: Peer, body: bytes, our_code: str) -> dict[str, str]:
    timestamp = str(int(time.time()))
    nonce = secrets.token_hex(16)
    return {
        "Content-Type": "application/json",
        "X-Peer": our_code,
        "X-Timestamp": timestamp,
        "X-Nonce": nonce,
        "X-Signature": sign(
            secret=peer.secret, timestamp=timestamp, nonce=nonce, body=body
        ),
    }


def request_verify(*, headers, body: bytes) -> Peer:
    """The peer that signed this request, or ExchangeRefused (401, 409)."""
    code = headers.get("X-Peer", "")
    timestamp = headers.get("X-Timestamp", "")
    nonce = headers.get("X-Nonce", "")
    signature = headers.get("X-Signature", "")
    peer = Peer.objects.filter(code=code, active=True).first() if code else None
    if peer is None or not timestamp.isdigit() or not (8 <= len(nonce) <= 64):
        raise ExchangeRefused(401, _("Unknown peer or incomplete signature."))
    expected = sign(secret=peer.secret, timestamp=timestamp, nonce=nonce, body=body)
    if not hmac.compare_digest(expected, signature):
        raise ExchangeRefused(401, _("The signature does not match."))
    if abs(time.time() - int(timestamp)) > TIMESTAMP_TOLERANCE:
        raise ExchangeRefused(401, _("The request is too old or from the future."))
    try:
        with transaction.atomic():
            PeerNonce.objects.create(peer=peer, nonce=nonce)
    except IntegrityError:
        raise ExchangeRefused(409, _("This request was already received.")) from None
    return peer


@transaction.atomic
def item_receive(*, peer: Peer, data: dict) -> tuple[ReceivedItem, bool]:
    """Store an item a peer sent in its site's inbox, sanitised; the same (peer,
    item, revision) again returns the stored one. Returns (item, created)."""
    site = GovSite.objects.get(pk=peer.site_id)
    columns = selectors.columns_by_code(
        sites=[site],
        codes=[data.get("column_code", ""), data.get("fallback_column_code", "")],
    )
    with use_site(site):
        existing = ReceivedItem.objects.filter(
            peer=peer, remote_id=data["remote_id"], revision=data["revision"]
        ).first()
        if existing is not None:
            return existing, False
        if site.pk not in columns:
            raise ExchangeRefused(
                422,
                _("The receiving site has no column %(code)s.")
                % {"code": data.get("column_code", "")},
            )
        try:
            with transaction.atomic():
                item = ReceivedItem.objects.create(
                    site=site,
                    peer=peer,
                    remote_id=data["remote_id"],
                    revision=data["revision"],
                    title=data["title"][:255],
                    body=clean_html(data.get("body_html", "")),
                    source_name=data.get("source_name", "")[:100],
                    source_url=data.get("source_url", "")[:500],
                    column=columns[site.pk],
                )
        except IntegrityError:  # the same revision arrived at the same moment
            return ReceivedItem.objects.get(
                peer=peer, remote_id=data["remote_id"], revision=data["revision"]
            ), False
    return item, True


# -- sending -----------------------------------------------------------------------


def payload_for(*, page: Page, source: GovSite, column_code: str) -> dict:
    page = page.specific
    body = getattr(page, "body", None)
    return {
        "remote_id": f"{source.code}:{page.pk}",
        "revision": page.live_revision_id or 0,
        "title": page.title,
        "body_html": str(body) if body is not None else "",
        "source_name": source.name,
        "source_url": page.get_full_url() or "",
        "column_code": column_code,
        "published_at": (page.first_published_at or timezone.now()).isoformat(),
    }


def retry_delay(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(
        seconds=RETRY_DELAYS[min(attempts - 1, len(RETRY_DELAYS) - 1)]
    )


def outbox_deliver(*, site_id: int, message_id: int, timeout: float = 10.0) -> str:
    """Send one outbox message; returns its state. On failure the attempt is
    counted and the caller queues the next one after ``retry_delay``."""
    message = (
        for_sites(OutboxMessage, [site_id])
        .select_related("peer", "site")
        .filter(pk=message_id)
        .first()
    )
    if message is None or message.state != OutboxState.PENDING:
        return message.state if message else OutboxState.FAILED
    peer = message.peer
    body = json.dumps(message.payload, ensure_ascii=False).encode()
    headers = signed_headers(peer=peer, body=body, our_code=_our_code(peer))
    error = ""
    try:
        response = fetch(
            peer.base_url.rstrip("/") + EXCHANGE_PATH,
            method="POST",
            body=body,
            headers=headers,
            timeout=timeout,
            max_bytes=64_000,
            allow_private=peer.allow_private,
            same_host_redirects=True,
        )
    except OutboundError as failure:
        error = f"{failure.reason}: {failure.message}"
    else:
        error = _answer_error(response)
    message.attempts += 1
    if not error:
        message.state = OutboxState.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
    else:
        message.last_error = error[:300]
        if message.attempts >= MAX_ATTEMPTS:
            message.state = OutboxState.FAILED
    message.save(update_fields=["state", "attempts", "last_error", "sent_at"])
    return message.state


def attempts_of(*, site_id: int, message_id: int) -> int:
    return (
        for_sites(OutboxMessage, [site_id])
        .filter(pk=message_id)
        .values_list("attempts", flat=True)
        .first()
        or 1
    )


def _answer_error(response) -> str:
    if response.status not in (200, 201):
        return f"HTTP {response.status}"
    try:
        answer = json.loads(response.body)
    except ValueError:
        return "the answer is not JSON"
    if not isinstance(answer, dict) or answer.get("status") not in (
        "received",
        "duplicate",
    ):
        return "the answer does not confirm receipt"
    return ""


def _our_code(peer: Peer) -> str:
    # What the peer knows us by: the same code on both sides (one agreement).
    return peer.code
