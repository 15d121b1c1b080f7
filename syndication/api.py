"""The exchange API (mounted at /api/v1/exchange): a configured peer platform
hands an item to the inbox of the site it is configured for. Signed with the
peer's shared secret (``syndication.exchange``); idempotent by (peer, item,
revision); the HTML is sanitised as imported content is."""

from __future__ import annotations

import json

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from . import exchange

router = Router(tags=["exchange"])


class ItemIn(Schema):
    remote_id: str = Field(max_length=100, description="The item's id at the peer.")
    revision: int = Field(ge=0, description="The item's revision at the peer.")
    title: str = Field(min_length=1, max_length=255)
    body_html: str = Field("", max_length=2_000_000)
    source_name: str = Field("", max_length=100)
    source_url: str = Field("", max_length=500)
    column_code: str = Field(max_length=60)
    fallback_column_code: str = Field("", max_length=60)
    published_at: str = ""


class ItemReceipt(Schema):
    status: str = Field(description="received, or duplicate for a revision seen")
    id: int


class Refusal(Schema):
    detail: str


@router.post(
    "/items",
    response={
        200: ItemReceipt,
        201: ItemReceipt,
        401: Refusal,
        409: Refusal,
        422: Refusal,
    },
    summary="Receive an item from a peer platform",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": ItemIn.model_json_schema()}},
        }
    },
    description=(
        "Headers: X-Peer (the peer's code), X-Timestamp (Unix seconds, within "
        "300 s), X-Nonce (8-64 characters, never reused), X-Signature (hex "
        "HMAC-SHA256 of timestamp, newline, nonce, newline, body, keyed with the "
        "shared secret)."
    ),
)
def receive_item(request: HttpRequest):
    body = request.body
    try:
        peer = exchange.request_verify(headers=request.headers, body=body)
    except exchange.ExchangeRefused as refused:
        return Status(refused.status, {"detail": refused.message})
    try:
        data = ItemIn.model_validate(json.loads(body)).model_dump()
    except ValueError as error:
        return Status(422, {"detail": str(error)[:500]})
    try:
        item, created = exchange.item_receive(peer=peer, data=data)
    except exchange.ExchangeRefused as refused:
        return Status(refused.status, {"detail": refused.message})
    status = "received" if created else "duplicate"
    return Status(201 if created else 200, {"status": status, "id": item.pk})
