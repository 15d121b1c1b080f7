"""Signed, expiring links that work without signing in: confirming a
subscription, unsubscribing from one, and managing an address's subscriptions.

Each purpose has its own salt (a token for one is refused by the others) and its
own lifetime. A token names its site: another site refuses it."""

from __future__ import annotations

from django.conf import settings
from django.core import signing

CONFIRM = "subscriptions.confirm"
UNSUBSCRIBE = "subscriptions.unsubscribe"
MANAGE = "subscriptions.manage"


class InvalidToken(Exception):
    """Forged, for another purpose or site, or expired."""


def _max_age(salt: str) -> int:
    return {
        CONFIRM: settings.SUBSCRIPTIONS_CONFIRM_MAX_AGE,
        UNSUBSCRIBE: settings.SUBSCRIPTIONS_LINK_MAX_AGE,
        MANAGE: settings.SUBSCRIPTIONS_LINK_MAX_AGE,
    }[salt]


def make(salt: str, **data) -> str:
    return signing.TimestampSigner(salt=salt).sign_object(data, compress=True)


def read(salt: str, token: str, *, site_id: int) -> dict:
    """The token's data, if it is genuine, unexpired and for ``site_id``."""
    try:
        data = signing.TimestampSigner(salt=salt).unsign_object(
            token, max_age=_max_age(salt)
        )
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise InvalidToken from error
    if not isinstance(data, dict) or data.get("site") != site_id:
        raise InvalidToken
    return data


def confirm_token(subscription) -> str:
    return make(CONFIRM, site=subscription.site_id, id=subscription.pk)


def unsubscribe_token(subscription) -> str:
    return make(UNSUBSCRIBE, site=subscription.site_id, id=subscription.pk)


def manage_token(*, site_id: int, email: str) -> str:
    return make(MANAGE, site=site_id, email=email)
