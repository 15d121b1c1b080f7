"""Signing in through the province's identity provider (OpenID Connect, the
authorization-code flow), when ``UPSTREAM_OIDC_*`` configure it. Every request to
the provider goes through core.outbound (internal addresses refused unless
``UPSTREAM_OIDC_ALLOWED_NETWORKS`` names them). The person's claims are read from
the provider's userinfo endpoint over the back channel with the access token the
token endpoint gave this platform. The ID token that came with it, straight from
the token endpoint over TLS, is checked as OpenID Connect Core 3.1.3.7 allows for
that channel: issuer, audience, expiry and this sign-in's nonce, without relying on
its signature; the userinfo ``sub`` must be the ID token's.

Accounts are linked by verified mobile number: a provider subject already linked
signs in to its account; otherwise a verified ``phone_number`` finds the account
whose verified mobile number it is, and links it; otherwise a new account is
registered (with the person's consent)."""

from __future__ import annotations

import base64
import binascii
import json
import time
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from core import outbound

from . import identifiers, selectors, services
from .models import Channel, PublicAccount


class UpstreamError(services.Refused):
    pass


def is_configured() -> bool:
    config = settings.ACCOUNTS_UPSTREAM_OIDC
    return bool(config["issuer"] and config["client_id"] and config["client_secret"])


def _fetch_json(url: str, **kwargs) -> dict:
    try:
        response = outbound.fetch(
            url,
            timeout=10.0,
            max_redirects=0,
            allowed_networks=settings.ACCOUNTS_UPSTREAM_OIDC.get(
                "allowed_networks", ()
            ),
            **kwargs,
        )
    except outbound.OutboundError:
        raise UpstreamError(
            _("The province's identity platform cannot be reached; try again later.")
        ) from None
    if not response.ok:
        raise UpstreamError(_("The province's identity platform refused the sign-in."))
    try:
        return json.loads(response.body)
    except ValueError:
        raise UpstreamError(
            _("The province's identity platform gave an unreadable answer.")
        ) from None


def discovery() -> dict:
    issuer = settings.ACCOUNTS_UPSTREAM_OIDC["issuer"].rstrip("/")
    return _fetch_json(f"{issuer}/.well-known/openid-configuration")


def authorization_url(*, redirect_uri: str, state: str, nonce: str) -> str:
    endpoint = discovery()["authorization_endpoint"]
    query = urlencode(
        {
            "response_type": "code",
            "client_id": settings.ACCOUNTS_UPSTREAM_OIDC["client_id"],
            "redirect_uri": redirect_uri,
            "scope": "openid phone",
            "state": state,
            "nonce": nonce,
        }
    )
    return f"{endpoint}?{query}"


def _refused() -> UpstreamError:
    return UpstreamError(_("The province's identity platform refused the sign-in."))


def _id_token_claims(id_token: str) -> dict:
    """The ID token's payload (a JWT's middle part), read without its signature."""
    try:
        payload = id_token.split(".")[1]
        payload += "=" * (-len(payload) % 4)
        claims = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))
    except (IndexError, ValueError, UnicodeEncodeError, binascii.Error):
        raise _refused() from None
    if not isinstance(claims, dict):
        raise _refused()
    return claims


def check_id_token(*, id_token: str, issuer: str, nonce: str) -> dict:
    """The ID token's claims when they were issued by ``issuer`` for this platform,
    are not expired, and carry this sign-in's nonce (a replayed or foreign token is
    refused)."""
    claims = _id_token_claims(id_token)
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    expires = claims.get("exp")
    if (
        not nonce
        or str(claims.get("iss") or "").rstrip("/") != issuer.rstrip("/")
        or settings.ACCOUNTS_UPSTREAM_OIDC["client_id"] not in audiences
        or not isinstance(expires, int | float)
        or expires < time.time()
        or not constant_time_compare(str(claims.get("nonce") or ""), nonce)
        or not claims.get("sub")
    ):
        raise _refused()
    return claims


def claims_for_code(*, code: str, redirect_uri: str, nonce: str) -> dict:
    """The person's claims: the code exchanged at the token endpoint (its ID token
    checked), then the userinfo endpoint asked with the access token."""
    config = settings.ACCOUNTS_UPSTREAM_OIDC
    endpoints = discovery()
    basic = base64.b64encode(
        f"{config['client_id']}:{config['client_secret']}".encode()
    ).decode()
    token = _fetch_json(
        endpoints["token_endpoint"],
        method="POST",
        body=urlencode(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
            }
        ).encode(),
        headers={
            "Authorization": f"Basic {basic}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    access_token = token.get("access_token")
    if not access_token or not isinstance(token.get("id_token"), str):
        raise _refused()
    identity = check_id_token(
        id_token=token["id_token"],
        issuer=endpoints.get("issuer") or config["issuer"],
        nonce=nonce,
    )
    claims = _fetch_json(
        endpoints["userinfo_endpoint"],
        headers={"Authorization": f"Bearer {access_token}"},
    )
    if str(claims.get("sub") or "") != str(identity["sub"]):
        raise _refused()
    return claims


def upstream_sign_in(*, claims: dict, consent: bool):
    """The linking rule: (user, created) for the provider's claims."""
    subject = str(claims.get("sub") or "")
    if not subject:
        raise UpstreamError(_("The province's identity platform refused the sign-in."))
    linked = (
        PublicAccount.objects.select_related("user")
        .filter(upstream_subject=subject)
        .first()
    )
    if linked is not None:
        if not linked.user.is_active:
            raise services.Refused(_("This account has been deactivated."))
        return linked.user, False
    phone = identifiers.normalise_phone(str(claims.get("phone_number") or ""))
    if not phone or claims.get("phone_number_verified") is not True:
        raise UpstreamError(
            _(
                "The province's identity platform did not confirm a mobile number, "
                "which linking an account needs."
            )
        )
    with transaction.atomic():
        account = selectors.account_for_address(channel=Channel.PHONE, address=phone)
        if account is not None:
            if account.phone_verified_at is None or account.upstream_subject:
                raise UpstreamError(
                    _(
                        "This mobile number's account cannot be linked; sign in "
                        "with a code."
                    )
                )
            if not account.user.is_active:
                raise services.Refused(_("This account has been deactivated."))
            account.upstream_subject = subject
            account.save(update_fields=["upstream_subject"])
            return account.user, False
        if not consent:
            raise services.ConsentRequired(
                _(
                    "This address has no account yet: read the personal-information "
                    "rules and tick the box to register."
                )
            )
        account = services.account_register(channel=Channel.PHONE, address=phone)
        account.upstream_subject = subject
        account.save(update_fields=["upstream_subject"])
        return account.user, True
