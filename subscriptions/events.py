"""The events webhooks hear, and their data."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone

from cms.models import ConsultationPage
from search.documents import CONTENT_TYPES
from sites.routing import govsite_for_page

from .models import WebhookEvent
from .tasks import webhook_event_enqueue


def item_data(page) -> dict:
    published = page.first_published_at or page.last_published_at
    return {
        "id": page.pk,
        "type": CONTENT_TYPES.get(type(page), ""),
        "title": page.title,
        "url": page.get_full_url() or "",
        "published_at": published.isoformat() if published else None,
    }


def consultation_opened(*, site, page) -> None:
    webhook_event_enqueue(
        site=site,
        event=WebhookEvent.CONSULTATION_OPENED,
        event_id=f"consultation.opened:{page.pk}:{page.starts_on}",
        data=item_data(page) | {"ends_on": page.ends_on.isoformat()},
    )


def consultation_closed(*, site, page) -> None:
    webhook_event_enqueue(
        site=site,
        event=WebhookEvent.CONSULTATION_CLOSED,
        event_id=f"consultation.closed:{page.pk}:{page.ends_on}",
        data=item_data(page) | {"ends_on": page.ends_on.isoformat()},
    )


def consultation_events_emit(*, today: datetime.date | None = None) -> int:
    """Consultations that opened or closed yesterday or today (a missed day is
    caught up; the event ids make a second run send nothing again). Returns how
    many consultations were looked at."""
    today = today or timezone.localdate()
    days = [today - datetime.timedelta(days=1), today]
    closed_days = [day - datetime.timedelta(days=1) for day in days]
    pages = ConsultationPage.objects.live().filter(
        Q(starts_on__in=days) | Q(ends_on__in=closed_days)
    )
    count = 0
    for page in pages:
        site = govsite_for_page(page)
        if site is None:
            continue
        count += 1
        if page.starts_on in days and page.starts_on <= today:
            consultation_opened(site=site, page=page)
        if page.ends_on in closed_days:
            consultation_closed(site=site, page=page)
    return count
