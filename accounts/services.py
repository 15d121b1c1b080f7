"""Public accounts: one-time codes, registration and sign-in, identity sessions,
single sign-on between the identity host and the site hosts, claiming a letter,
export and deletion of one's own data (PIPL). Views, commands and tests call these."""

from __future__ import annotations

import datetime
import hmac
import re
import secrets
import uuid
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from interaction import crypto
from interaction import services as interaction_services
from sites.models import GovSite

from . import identifiers, selectors, senders
from .models import (
    Channel,
    Consent,
    IdentitySession,
    PublicAccount,
    SsoClient,
    SsoTicket,
    VerificationCode,
)

User = get_user_model()

CALLBACK_PATH = "/accounts/sso/callback/"
TICKET_TTL = datetime.timedelta(seconds=60)
# The state a site host puts in its sign-in request (token_urlsafe).
_STATE = re.compile(r"[A-Za-z0-9_-]{1,64}")
CODE_LENGTH = 6
USERNAME_PREFIX = "m_"


class Refused(ValidationError):
    """A request the accounts rules refuse; the message is shown as it is."""


class ConsentRequired(Refused):
    pass


def consent_purpose() -> str:
    return _(
        "We use your mobile number or e-mail address to sign you in on every "
        "government website of this platform, to tell you about the letters and "
        "comments you send, and to let you see them again. Your number is stored "
        "encrypted. You can download or delete your data at any time under 我的."
    )


# One-time codes


def _code_hash(target_hash: str, code: str) -> str:
    return crypto.keyed_hash(f"account-code:{target_hash}:{code.strip()}")


def code_send(*, target: str) -> None:
    """Send a new code to a mobile number or e-mail address. Known and unknown
    addresses get the same answer and the same treatment (an unknown one
    registers with the code). Refused (ValidationError) when the address is
    malformed or asked for codes too often."""
    channel, address = identifiers.parse_target(target)
    target_hash = identifiers.target_hash(channel, address)
    now = timezone.now()
    recent = VerificationCode.objects.filter(
        target_hash=target_hash, created_at__gte=now - datetime.timedelta(hours=1)
    )
    newest = recent.first()
    resend = datetime.timedelta(seconds=settings.ACCOUNTS_CODE_RESEND_SECONDS)
    if newest is not None and newest.created_at > now - resend:
        raise Refused(
            _("A code was sent moments ago; wait a minute before asking again.")
        )
    if recent.count() >= settings.ACCOUNTS_CODE_PER_HOUR:
        raise Refused(_("Too many codes for this address; try again in an hour."))
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_LENGTH))
    VerificationCode.objects.create(
        channel=channel,
        target_hash=target_hash,
        code_hash=_code_hash(target_hash, code),
        expires_at=now + datetime.timedelta(minutes=settings.ACCOUNTS_CODE_TTL_MINUTES),
    )
    text = _(
        "Your verification code is %(code)s, valid for %(minutes)s minutes. Do not "
        "tell it to anyone."
    ) % {"code": code, "minutes": settings.ACCOUNTS_CODE_TTL_MINUTES}
    if channel == Channel.PHONE:
        senders.sms_gateway().send(phone=address, text=text)
    else:
        senders.email_sender().send(email=address, text=text)


def _code_refused() -> Refused:
    return Refused(_("The code is wrong or no longer valid; ask for a new one."))


def code_check(*, channel: str, address: str, code: str, consume: bool) -> None:
    """Accept ``code`` for the address, or raise. A wrong try counts against the
    newest code (it dies after ``ACCOUNTS_CODE_MAX_ATTEMPTS``); a used or expired
    code is refused like a wrong one; ``consume`` marks it used."""
    target_hash = identifiers.target_hash(channel, address)
    wrong = False
    with transaction.atomic():
        row = (
            VerificationCode.objects.select_for_update()
            .filter(target_hash=target_hash)
            .first()
        )
        if (
            row is None
            or row.used_at is not None
            or row.expires_at <= timezone.now()
            or row.attempts >= settings.ACCOUNTS_CODE_MAX_ATTEMPTS
        ):
            raise _code_refused()
        if not hmac.compare_digest(row.code_hash, _code_hash(target_hash, code)):
            row.attempts += 1
            row.save(update_fields=["attempts"])
            wrong = True
        elif consume:
            row.used_at = timezone.now()
            row.save(update_fields=["used_at"])
    if wrong:  # the counted try is committed before the refusal
        raise _code_refused()


# Accounts


def _new_username() -> str:
    while True:
        name = USERNAME_PREFIX + get_random_string(
            10, "abcdefghjkmnpqrstuvwxyz23456789"
        )
        if not User.objects.filter(username=name).exists():
            return name


def _validate_username(username: str) -> None:
    field = User._meta.get_field("username")
    try:
        field.run_validators(username)
    except ValidationError:
        raise Refused(
            _("An account name may contain letters, digits and @ . + - _ only.")
        ) from None
    if len(username) < 3 or len(username) > 30:
        raise Refused(_("An account name has 3 to 30 characters."))
    if identifiers.normalise_phone(username) or "@" in username:
        raise Refused(_("An account name may not be a mobile number or address."))
    if User.objects.filter(username__iexact=username).exists():
        raise Refused(_("This account name is taken; choose another."))


@transaction.atomic
def account_register(
    *, channel: str, address: str, username: str = "", password: str = ""
) -> PublicAccount:
    """A new public account for a verified address, with the consent in force."""
    if username:
        _validate_username(username)
    user = User(username=username or _new_username())
    if password:
        password_validation.validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    now = timezone.now()
    account = PublicAccount(user=user)
    if channel == Channel.PHONE:
        account.phone, account.phone_hash = address, identifiers.phone_hash(address)
        account.phone_verified_at = now
    else:
        user.email = account.email = address
        account.email_verified_at = now
    try:
        with transaction.atomic():
            user.save()
            account.user = user
            account.save()
    except IntegrityError:
        raise Refused(_("This address has just been registered; sign in.")) from None
    Consent.objects.create(
        user=user, version=settings.ACCOUNTS_CONSENT_VERSION, purpose=consent_purpose()
    )
    return account


def sign_in_with_code(
    *, target: str, code: str, consent: bool, username: str = ""
) -> tuple[User, bool]:
    """The account of a mobile number or e-mail address proven by ``code``,
    registered now if there is none (which needs ``consent``); (user, created)."""
    channel, address = identifiers.parse_target(target)
    code_check(channel=channel, address=address, code=code, consume=False)
    account = selectors.account_for_address(channel=channel, address=address)
    if account is None and not consent:
        raise ConsentRequired(
            _(
                "This address has no account yet: read the personal-information "
                "rules and tick the box to register."
            )
        )
    if account is not None and not account.user.is_active:
        raise Refused(_("This account has been deactivated."))
    with transaction.atomic():
        code_check(channel=channel, address=address, code=code, consume=True)
        if account is None:
            return account_register(
                channel=channel, address=address, username=username
            ).user, True
    return account.user, False


# Identity sessions


def identity_session_start(*, user, user_agent: str = "") -> IdentitySession:
    return IdentitySession.objects.create(user=user, user_agent=user_agent[:200])


def identity_session_end(*, user, session_id) -> int:
    """End one of ``user``'s identity sessions (a device signed out): every site
    session made from it is refused on its next request."""
    try:
        session_id = uuid.UUID(str(session_id))
    except ValueError:
        return 0  # not one of ours: nothing to end
    return IdentitySession.objects.filter(
        user=user, pk=session_id, ended_at__isnull=True
    ).update(ended_at=timezone.now())


def identity_sessions_end_all(*, user) -> int:
    return IdentitySession.objects.filter(user=user, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )


# Single sign-on: the registry of site hosts, redirects and tickets


def sso_client_register(*, site: GovSite) -> SsoClient:
    """Register ``site``'s primary host with the identity host (provisioning does,
    through a signal); again after a host change or a reopening."""
    client, _created = SsoClient.objects.update_or_create(
        site=site,
        defaults={
            "client_id": site.code,
            "hostname": site.host.lower(),
            "active": True,
        },
    )
    return client


def sso_client_remove(*, site: GovSite) -> None:
    """Take a closed site's host off the registry: no ticket goes to it any more."""
    SsoClient.objects.filter(site=site).update(active=False)


@dataclass(frozen=True)
class Authorization:
    client: SsoClient
    redirect_uri: str
    state: str


def sso_authorization_check(
    *, client_id: str, redirect_uri: str, state: str, port: int
) -> Authorization:
    """Refuse any redirect address not registered for the client: its host must be
    the client's registered host, on the port this server answers on, at the
    callback path, with nothing else in it."""
    refused = Refused(_("This sign-in request did not come from a registered site."))
    client = selectors.sso_client_get(client_id=client_id)
    if client is None:
        raise refused
    if not redirect_uri or any(c in redirect_uri for c in "\\\r\n\t @"):
        raise refused
    try:
        parts = urlsplit(redirect_uri)
        given_port = parts.port
    except ValueError:
        raise refused from None
    if (
        parts.scheme not in ("http", "https")
        or parts.hostname != client.hostname
        or parts.netloc.lower().split(":")[0] != client.hostname
        or (given_port or {"http": 80, "https": 443}[parts.scheme]) != port
        or parts.path != CALLBACK_PATH
        or parts.query
        or parts.fragment
    ):
        raise refused
    if not _STATE.fullmatch(state):
        raise refused
    return Authorization(client=client, redirect_uri=redirect_uri, state=state)


def sso_ticket_issue(
    *, authorization: Authorization, identity_session: IdentitySession
) -> str:
    """The address to send the browser back to, with a new one-time ticket."""
    ticket = secrets.token_urlsafe(32)
    SsoTicket.objects.create(
        ticket_hash=crypto.keyed_hash(f"sso-ticket:{ticket}"),
        client=authorization.client,
        identity_session=identity_session,
        expires_at=timezone.now() + TICKET_TTL,
    )
    query = urlencode({"ticket": ticket, "state": authorization.state})
    return f"{authorization.redirect_uri}?{query}"


@transaction.atomic
def sso_ticket_redeem(*, site: GovSite, ticket: str) -> IdentitySession:
    """The identity session behind a ticket sent to ``site``'s callback: once,
    within a minute, for that site only, while the session and account live."""
    refused = Refused(
        _("The sign-in link has expired or was already used; sign in again.")
    )
    row = (
        SsoTicket.objects.select_for_update()
        .select_related("client", "identity_session__user")
        .filter(ticket_hash=crypto.keyed_hash(f"sso-ticket:{ticket}"))
        .first()
    )
    if (
        row is None
        or row.used_at is not None
        or row.expires_at <= timezone.now()
        or row.client.site_id != site.pk
        or not row.client.active
    ):
        raise refused
    row.used_at = timezone.now()
    row.save(update_fields=["used_at"])
    session = row.identity_session
    if session.ended_at is not None or not session.user.is_active:
        raise refused
    return session


# 我的: letters, profile, security, export, deletion


def case_claim(
    *, site: GovSite, user, tracking_number: str, query_code: str, client: str
):
    """Add a letter filed without an account (on ``site``'s host) to ``user``'s
    letters, proven by its tracking number and query code (interaction checks
    them, with its own limits on wrong tries)."""
    case = interaction_services.case_lookup(
        site=site, tracking_number=tracking_number, query_code=query_code, client=client
    )
    if not interaction_services.case_link_user(case=case, user=user):
        raise Refused(_("This letter already belongs to an account."))
    return case


def profile_update(*, user, name: str, email: str) -> PublicAccount:
    account = selectors.account_of(user=user)
    if email:
        normalised = identifiers.normalise_email(email)
        if normalised is None:
            raise Refused(_("Enter a valid e-mail address."))
        if normalised != account.email:
            other = selectors.account_for_address(
                channel=Channel.EMAIL, address=normalised
            )
            if other is not None:
                raise Refused(_("This e-mail address belongs to another account."))
            account.email, account.email_verified_at = normalised, None
            user.email = normalised
    account.name = name.strip()[:30]
    with transaction.atomic():
        account.save()
        user.save(update_fields=["email"])
    return account


def password_change(*, user, password: str) -> None:
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])


def account_export(*, user) -> dict:
    """Everything the platform keeps about ``user`` as an account holder, for the
    file they download (PIPL's right of access and portability)."""
    account = selectors.account_of(user=user)
    return {
        "account": {
            "account_name": user.get_username(),
            "name": account.name,
            "mobile": account.phone,
            "mobile_verified": bool(account.phone_verified_at),
            "email": account.email,
            "email_verified": bool(account.email_verified_at),
            "created_at": account.created_at.isoformat(),
        },
        "consents": [
            {
                "version": c.version,
                "purpose": c.purpose,
                "accepted_at": c.accepted_at.isoformat(),
            }
            for c in selectors.consents_of(user=user)
        ],
        "signed_in_devices": [
            {
                "user_agent": s.user_agent,
                "signed_in_at": s.created_at.isoformat(),
                "ended_at": s.ended_at.isoformat() if s.ended_at else None,
            }
            for s in IdentitySession.objects.filter(user=user)
        ],
        "letters": selectors.letters_export(user=user),
        "comments": selectors.comments_export(user=user),
    }


def account_delete(*, user) -> None:
    """Delete the account (PIPL's right to erasure): its letters and comments stay
    with the sites that handle them, anonymised, no longer linked to anyone; every
    session ends."""
    interaction_services.person_data_anonymise(user=user)
    with transaction.atomic():
        identity_sessions_end_all(user=user)
        User.objects.filter(pk=user.pk).delete()
