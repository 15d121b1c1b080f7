"""The hash chain: each row's hash is an HMAC (key from AUDIT_CHAIN_KEY, else
derived from SECRET_KEY, so a database superuser cannot recompute it) over its
content and the previous row's hash."""

import hashlib
import hmac
import json

from django.conf import settings


def _key() -> bytes:
    configured = getattr(settings, "AUDIT_CHAIN_KEY", "")
    if configured:
        return configured.encode()
    return hashlib.sha256(b"audit-chain:" + settings.SECRET_KEY.encode()).digest()


def content(event) -> str:
    """The row's content in one canonical text (the fields the hash covers)."""
    return json.dumps(
        [
            event.created_at.isoformat(),
            event.actor_id,
            event.actor_name,
            event.address,
            event.action,
            event.result,
            event.site_id,
            event.object_type,
            event.object_id,
            event.object_repr,
            event.detail,
        ],
        ensure_ascii=False,
        sort_keys=True,
        default=str,
        separators=(",", ":"),
    )


def row_hash(event, previous_hash: str) -> str:
    message = (previous_hash + "\n" + content(event)).encode()
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()
