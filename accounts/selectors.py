"""Reads of public accounts and of the single sign-on registry."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from interaction import selectors as interaction_selectors

from . import identifiers
from .models import Channel, Consent, IdentitySession, PublicAccount, SsoClient


def account_for_address(*, channel: str, address: str) -> PublicAccount | None:
    accounts = PublicAccount.objects.select_related("user")
    if channel == Channel.PHONE:
        return accounts.filter(phone_hash=identifiers.phone_hash(address)).first()
    return accounts.filter(email=address).first()


def account_for_identifier(identifier: str) -> PublicAccount | None:
    """The account an account name, a mobile number or an e-mail address names."""
    identifier = identifier.strip()
    phone = identifiers.normalise_phone(identifier)
    if phone:
        return account_for_address(channel=Channel.PHONE, address=phone)
    if "@" in identifier:
        email = identifiers.normalise_email(identifier)
        return (
            account_for_address(channel=Channel.EMAIL, address=email) if email else None
        )
    return (
        PublicAccount.objects.select_related("user")
        .filter(user__username__iexact=identifier)
        .first()
    )


def account_of(*, user) -> PublicAccount:
    """``user``'s account row (created empty for a user who has none, e.g. one
    made before accounts existed)."""
    account, _created = PublicAccount.objects.get_or_create(user=user)
    return account


def is_public_account(user) -> bool:
    return user.is_authenticated and PublicAccount.objects.filter(user=user).exists()


def consents_of(*, user) -> QuerySet[Consent]:
    return Consent.objects.filter(user=user)


def identity_session_is_active(*, session_id: str, user_id) -> bool:
    try:
        session_id = uuid.UUID(str(session_id))
    except ValueError:  # a malformed id in an old session: not active
        return False
    return IdentitySession.objects.filter(
        pk=session_id, user_id=user_id, ended_at__isnull=True, user__is_active=True
    ).exists()


def identity_sessions_of(*, user) -> QuerySet[IdentitySession]:
    return IdentitySession.objects.filter(user=user, ended_at__isnull=True)


def sso_client_get(*, client_id: str) -> SsoClient | None:
    return SsoClient.objects.filter(client_id=client_id, active=True).first()


def sso_client_for_site(*, site) -> SsoClient | None:
    return SsoClient.objects.filter(site=site, active=True).first()


def letters_of(*, user):
    return interaction_selectors.cases_of_user(user=user).select_related("site")


def comments_of(*, user):
    return interaction_selectors.comments_of_user(user=user).select_related("site")


def letters_export(*, user) -> list[dict]:
    return [
        {
            "tracking_number": case.tracking_number,
            "site": case.site.name,
            "kind": case.kind,
            "title": case.title,
            "content": case.content,
            "name": case.name,
            "phone": case.phone,
            "email": case.email,
            "status": case.status,
            "submitted_at": case.submitted_at.isoformat(),
            "reply": case.reply,
        }
        for case in letters_of(user=user)
    ]


def comments_export(*, user) -> list[dict]:
    return [
        {
            "site": comment.site.name,
            "consultation": comment.consultation_id,
            "name": comment.name,
            "contact": comment.contact,
            "text": comment.text,
            "submitted_at": comment.submitted_at.isoformat(),
            "reply": comment.reply,
        }
        for comment in comments_of(user=user)
    ]


def known_details(user) -> dict[str, str]:
    """What a signed-in person's account knows, for public forms (core.people)."""
    account = PublicAccount.objects.filter(user=user).first()
    if account is None:
        return {}
    return {"name": account.name, "phone": account.phone, "email": account.email}
