"""Signing in through the province's identity provider (OpenID Connect, the
authorization-code flow), when ``UPSTREAM_OIDC_*`` configure it. Every request to
the provider goes through core.outbound (internal addresses refused unless
``UPSTREAM_OIDC_ALLOWED_NETWORKS`` names them). The person's claims are read from
the provider's userinfo endpoint over the back channel with the access token the
token endpoint gave this platform, so no ID token signature is relied on.

Accounts are linked by verified mobile number: a provider subject already linked
signs in to its account; otherwise a verified ``phone_number`` finds the account
whose verified mobile number it is, and links it; otherwise a new account is
registered (with the person's consent)."""

from __future__ import annotations

import base64
import json
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
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


def claims_for_code(*, code: str, redirect_uri: str) -> dict:
    """The person's claims: the code exchanged at the token endpoint, then the
    userinfo endpoint asked with the access token."""
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
    if not access_token:
        raise UpstreamError(_("The province's identity platform refused the sign-in."))
    return _fetch_json(
        endpoints["userinfo_endpoint"],
        headers={"Authorization": f"Bearer {access_token}"},
    )


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
