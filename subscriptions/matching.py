"""One published item against every subscription of its site, set-based.

Subscriptions are indexed by (site, kind, key), and keywords by an inverted table
of their search tokens (``SubscriptionToken``). An item's facts (its columns, its
document kinds, its subject, the tokens of its text as the site search makes
them) become one query: the columns, kinds and subject as ``key IN (...)``, the
keywords as "tokens of the keyword found in the item, grouped, counted equal to
the keyword's token count". No query per subscription, whatever their number.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.db.models import Count, F, Q, QuerySet
from wagtail.models import Page

from cms.models import PolicyDocumentPage
from search.analysis import tokens
from search.documents import page_document

from .models import Frequency, Subscription, SubscriptionKind, SubscriptionToken

# Most immediate first: a person told at once by one subscription and daily by
# another gets the item at once, once.
FREQUENCY_RANK = {Frequency.INSTANT: 0, Frequency.DAILY: 1, Frequency.WEEKLY: 2}


@dataclasses.dataclass(frozen=True)
class ItemFacts:
    page_id: int
    site_id: int
    title: str
    url: str
    column_keys: tuple[str, ...]
    document_kinds: tuple[str, ...]
    subject: str
    tokens: frozenset[str]
    first_published_at: datetime.datetime


def item_facts(page: Page) -> ItemFacts | None:
    """What subscriptions match on, of a live, public content page; None for
    anything else (a draft, a private page, a closed site's page)."""
    document = page_document(page)
    if document is None:
        return None
    page = page.specific
    prefixes = [
        page.path[:end] for end in range(Page.steplen, len(page.path), Page.steplen)
    ]
    columns = Page.objects.filter(path__in=prefixes).values_list("pk", flat=True)
    kinds = [document.content_type]
    subject = ""
    if isinstance(page, PolicyDocumentPage):
        subject = page.subject_category or ""
        if page.is_normative:
            kinds.append("normative")
    text = "\n".join(
        (document.title, document.body, document.document_number, document.attachments)
    )
    return ItemFacts(
        page_id=page.pk,
        site_id=document.site_id,
        title=document.title,
        url=document.urls[str(document.site_id)],
        column_keys=tuple(str(pk) for pk in columns),
        document_kinds=tuple(kinds),
        subject=subject,
        tokens=frozenset(tokens(text)),
        first_published_at=page.first_published_at or document.published_at,
    )


def keyword_matches(facts: ItemFacts) -> QuerySet:
    """Ids of keyword subscriptions whose every token the item holds (the
    current site's; the caller is inside ``use_site``)."""
    return (
        SubscriptionToken.objects.filter(token__in=sorted(facts.tokens))
        .values("subscription_id")
        .annotate(found=Count("id"))
        .filter(found=F("subscription__token_count"))
        .values("subscription_id")
    )


def matching_subscriptions(facts: ItemFacts) -> QuerySet[Subscription]:
    """The confirmed subscriptions of the item's site (the current site) that the
    item matches, made before it first went live: one query."""
    condition = (
        Q(kind=SubscriptionKind.SITE)
        | Q(kind=SubscriptionKind.COLUMN, key__in=facts.column_keys)
        | Q(kind=SubscriptionKind.DOCUMENT_KIND, key__in=facts.document_kinds)
    )
    if facts.subject:
        condition |= Q(kind=SubscriptionKind.SUBJECT, key=facts.subject)
    if facts.tokens:
        condition |= Q(kind=SubscriptionKind.KEYWORD, pk__in=keyword_matches(facts))
    return Subscription.objects.filter(
        condition,
        confirmed_at__isnull=False,
        confirmed_at__lte=facts.first_published_at,
    )


def recipients(rows) -> dict[str, tuple]:
    """One (subscription id, user id, frequency) per recipient, from rows of
    (id, email, user id, frequency): the most immediate frequency wins."""
    chosen: dict[str, tuple] = {}
    for pk, email, user_id, frequency in rows:
        recipient = email or f"user:{user_id}"
        current = chosen.get(recipient)
        if current is None or FREQUENCY_RANK[frequency] < FREQUENCY_RANK[current[2]]:
            chosen[recipient] = (pk, user_id, frequency)
    return chosen


def subscription_matches_one_by_one(subscription: Subscription, facts: ItemFacts):
    """The same rule, checked for one subscription in Python: the baseline the
    benchmark compares against (bench/subscriptions.py), and a cross-check in
    tests. Keywords are segmented here, per subscription."""
    if (
        subscription.confirmed_at is None
        or subscription.confirmed_at > facts.first_published_at
    ):
        return False
    if subscription.kind == SubscriptionKind.SITE:
        return True
    if subscription.kind == SubscriptionKind.COLUMN:
        return subscription.key in facts.column_keys
    if subscription.kind == SubscriptionKind.DOCUMENT_KIND:
        return subscription.key in facts.document_kinds
    if subscription.kind == SubscriptionKind.SUBJECT:
        return subscription.key == facts.subject
    words = set(tokens(subscription.key))
    return bool(words) and words <= facts.tokens
