"""Every write of subscriptions: subscribing (double opt-in for an address alone),
confirming, changing, unsubscribing, and the suppression list. Keyword-only."""

from __future__ import annotations

from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.models import ColumnPage
from cms.models.choices import SubjectCategory
from search.analysis import tokens
from sites.models import GovSite
from sites.tenancy import use_site

from . import tokens as signed
from .models import (
    KEYWORD_MAX,
    DocumentKind,
    Frequency,
    Subscription,
    SubscriptionKind,
    SubscriptionToken,
    Suppression,
)
from .tasks import send_confirmation_task, send_manage_link_task

# A keyword of more tokens than this cannot be a thing one follows.
KEYWORD_TOKENS_MAX = 12
CONFIRM_RESEND_AFTER = 600
CONFIRMATIONS_PER_HOUR = 5


class SubscriptionError(ValidationError):
    """Input that cannot become a subscription; the message is for the public."""


def normalise_email(address: str) -> str:
    return (address or "").strip().lower()


def keyword_tokens(keyword: str) -> list[str]:
    """The distinct search tokens of a keyword, as the site search makes them
    (search.analysis): an item matches when its own tokens hold all of them."""
    return sorted(set(tokens(keyword)))


def subscription_target(*, site: GovSite, kind: str, key: str) -> tuple[str, str]:
    """(key, label) of what ``kind`` and ``key`` name on ``site``, checked."""
    key = (key or "").strip()
    if kind == SubscriptionKind.SITE:
        return "", site.name
    if kind == SubscriptionKind.COLUMN:
        column = (
            ColumnPage.objects.live()
            .descendant_of(site.root_page)
            .filter(pk=int(key) if key.isdigit() else None)
            .first()
        )
        if column is None:
            raise SubscriptionError(_("Choose a column of this site."))
        return str(column.pk), column.title
    if kind == SubscriptionKind.SUBJECT:
        if key not in SubjectCategory.values:
            raise SubscriptionError(_("Choose one of the subject categories."))
        return key, str(SubjectCategory(key).label)
    if kind == SubscriptionKind.DOCUMENT_KIND:
        if key not in DocumentKind.values:
            raise SubscriptionError(_("Choose one of the document kinds."))
        return key, str(DocumentKind(key).label)
    if kind == SubscriptionKind.KEYWORD:
        if len(key) > KEYWORD_MAX:
            raise SubscriptionError(
                _("A keyword has at most %(max)s characters.") % {"max": KEYWORD_MAX}
            )
        words = keyword_tokens(key)
        if not words:
            raise SubscriptionError(_("Enter a keyword of words or numbers."))
        if len(words) > KEYWORD_TOKENS_MAX:
            raise SubscriptionError(_("The keyword is too long; use fewer words."))
        return key, key
    raise SubscriptionError(_("Choose what to subscribe to."))


@transaction.atomic
def subscription_create(
    *,
    site: GovSite,
    kind: str,
    key: str,
    frequency: str = Frequency.INSTANT,
    email: str = "",
    user=None,
) -> Subscription:
    """Subscribe a signed-in ``user`` (active at once, mailed at their account's
    address if it has one), or an ``email`` alone: then the subscription stays
    inactive until the link mailed to that address is followed (double opt-in),
    so nobody can make mail go to someone else's address. Subscribing the same
    thing again returns the existing row (and mails the link again while it is
    unconfirmed); the answer never tells whether the address had subscribed."""
    if frequency not in Frequency.values:
        raise SubscriptionError(_("Choose how often to be told."))
    key, label = subscription_target(site=site, kind=kind, key=key)
    signed_in = user is not None and user.is_authenticated
    email = normalise_email(user.email if signed_in else email)
    if not signed_in and not email:
        raise SubscriptionError(_("Enter your e-mail address."))
    with use_site(site):
        lookup = {"site": site, "kind": kind, "key": key}
        lookup.update({"user": user} if signed_in else {"user": None, "email": email})
        subscription = Subscription.objects.filter(**lookup).first()
        if subscription is None:
            subscription = Subscription(**{**lookup, "email": email}, label=label)
            subscription.frequency = frequency
            if signed_in:
                subscription.confirmed_at = timezone.now()
            try:
                with transaction.atomic():
                    subscription.save()
            except IntegrityError:  # the same request twice at once
                return Subscription.objects.get(**lookup)
            if kind == SubscriptionKind.KEYWORD:
                _tokens_write(subscription)
        elif signed_in and subscription.frequency != frequency:
            subscription.frequency = frequency
            subscription.save(update_fields=["frequency"])
        if subscription.confirmed_at is None and _confirmation_allowed(
            site, subscription
        ):
            send_confirmation_task.enqueue(site.pk, subscription.pk)
    return subscription


def _confirmation_allowed(site: GovSite, subscription: Subscription) -> bool:
    """Whether to mail a confirmation link now: once per subscription in
    CONFIRM_RESEND_AFTER seconds, and at most CONFIRMATIONS_PER_HOUR to one address
    on one site, so that nobody floods someone else's mailbox through the form."""
    cache = caches["ratelimit"]
    if not cache.add(
        f"subscriptions:confirm:{subscription.pk}", 1, CONFIRM_RESEND_AFTER
    ):
        return False
    key = f"subscriptions:confirm:{site.pk}:{subscription.email}"
    cache.add(key, 0, 3600)
    return cache.incr(key) <= CONFIRMATIONS_PER_HOUR


def _tokens_write(subscription: Subscription) -> None:
    words = keyword_tokens(subscription.key)
    SubscriptionToken.objects.bulk_create(
        [
            SubscriptionToken(
                site_id=subscription.site_id, subscription=subscription, token=word
            )
            for word in words
        ]
    )
    subscription.token_count = len(words)
    subscription.save(update_fields=["token_count"])


@transaction.atomic
def subscription_confirm(*, site: GovSite, token: str) -> Subscription | None:
    """Confirm the subscription the mailed link names (again: no harm). None when
    it was unsubscribed meanwhile. Raises InvalidToken for a forged or old link."""
    data = signed.read(signed.CONFIRM, token, site_id=site.pk)
    with use_site(site):
        subscription = (
            Subscription.objects.select_for_update().filter(pk=data["id"]).first()
        )
        if subscription is not None and subscription.confirmed_at is None:
            subscription.confirmed_at = timezone.now()
            subscription.save(update_fields=["confirmed_at"])
    return subscription


def subscription_unsubscribe(*, site: GovSite, token: str) -> Subscription | None:
    """Delete the subscription an unsubscribe link names; None when it is gone
    already (a second click). Raises InvalidToken for a forged or expired link."""
    data = signed.read(signed.UNSUBSCRIBE, token, site_id=site.pk)
    with use_site(site):
        subscription = Subscription.objects.filter(pk=data["id"]).first()
        if subscription is not None:
            subscription.delete()
    return subscription


def manage_address(*, site: GovSite, token: str) -> str:
    """The address a manage link was mailed to (InvalidToken otherwise)."""
    return signed.read(signed.MANAGE, token, site_id=site.pk)["email"]


def subscription_delete(*, site: GovSite, subscription: Subscription) -> None:
    with use_site(site):
        Subscription.objects.filter(pk=subscription.pk).delete()


def subscription_frequency_set(
    *, site: GovSite, subscription: Subscription, frequency: str
) -> Subscription:
    if frequency not in Frequency.values:
        raise SubscriptionError(_("Choose how often to be told."))
    with use_site(site):
        Subscription.objects.filter(pk=subscription.pk).update(frequency=frequency)
    subscription.frequency = frequency
    return subscription


def manage_link_send(*, site: GovSite, email: str) -> None:
    """Mail a link to the page of ``email``'s subscriptions on ``site``, if it has
    any (the answer is the same either way: nothing tells a stranger)."""
    email = normalise_email(email)
    with use_site(site):
        if Subscription.objects.filter(email=email, user=None).exists():
            send_manage_link_task.enqueue(site.pk, email)


def suppression_record(*, address: str, reason: str) -> Suppression:
    """A bounce or complaint: stop all mail to ``address``. Pending deliveries
    to it are marked as suppressed when their turn comes."""
    if reason not in Suppression.Reason.values:
        raise SubscriptionError(_("Unknown reason."))
    suppression, _created = Suppression.objects.get_or_create(
        address=normalise_email(address), defaults={"reason": reason}
    )
    return suppression


def tokens_check_unsubscribe(*, site: GovSite, token: str) -> None:
    """Raises InvalidToken unless ``token`` is a genuine unsubscribe link."""
    signed.read(signed.UNSUBSCRIBE, token, site_id=site.pk)
