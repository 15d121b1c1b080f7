"""In-site notices of signed-in people: written once each (``dedupe_key``),
counted for the site header, listed under 「我的」."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from .models import Notification


def notification_create(
    *,
    user_id: int,
    kind: str,
    title: str,
    url: str,
    dedupe_key: str,
    site_id: int | None = None,
) -> None:
    """A notice, unless one with ``dedupe_key`` exists for the user."""
    Notification.objects.bulk_create(
        [
            Notification(
                user_id=user_id,
                site_id=site_id,
                kind=kind,
                title=title[:300],
                url=url[:500],
                dedupe_key=dedupe_key[:100],
            )
        ],
        ignore_conflicts=True,
    )


def notification_list(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related("site")


def unread_count(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
