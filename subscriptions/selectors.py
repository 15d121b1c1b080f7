"""Reads of subscriptions, pins and the columns one can follow."""

from __future__ import annotations

from django.db.models import QuerySet

from cms.models import ColumnPage
from sites.models import GovSite
from sites.tenancy import use_site

from .models import Pin, Subscription


def column_list(*, site: GovSite) -> list[ColumnPage]:
    return list(
        ColumnPage.objects.live()
        .descendant_of(site.root_page)
        .order_by("path")
        .only("pk", "title")
    )


def subscription_list(*, site: GovSite, email: str = "", user=None) -> list:
    """An address's subscriptions on ``site`` (made without signing in), or a
    signed-in user's."""
    with use_site(site):
        rows = Subscription.objects.all()
        rows = (
            rows.filter(user=user)
            if user is not None
            else rows.filter(email=email, user=None)
        )
        return list(rows.order_by("kind", "label"))


def subscription_get(*, site: GovSite, pk, email: str = "", user=None):
    with use_site(site):
        rows = Subscription.objects.filter(pk=pk)
        rows = (
            rows.filter(user=user)
            if user is not None
            else rows.filter(email=email, user=None)
        )
        return rows.first()


def pin_list(*, user) -> QuerySet[Pin]:
    return Pin.objects.filter(user=user).select_related("site")
