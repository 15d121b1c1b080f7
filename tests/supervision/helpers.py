"""Content and cases with dates in the past, as supervision reads them."""

from __future__ import annotations

import datetime
import uuid

from django.utils import timezone
from wagtail.models import Page

from interaction import services as interaction_services
from interaction.models import Case
from sites.tenancy import all_sites
from tests.factories import ArticleFactory, column


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def age_site(site, days: int) -> None:
    """Make every publication of ``site`` (home page and items) ``days`` old."""
    Page.objects.descendant_of(site.root_page, inclusive=True).update(
        first_published_at=days_ago(days), last_published_at=days_ago(days)
    )


def publish_item(site, code: str, days: int, **kwargs):
    """An article in column ``code`` of ``site`` first published ``days`` ago."""
    page = ArticleFactory(parent=column(site, code), publish=True, **kwargs)
    Page.objects.filter(pk=page.pk).update(first_published_at=days_ago(days))
    return page


def file_case(site, *, days_ago_filed: int = 0, due_in: int | None = None) -> Case:
    case, _code = interaction_services.case_submit(
        site=site,
        data=interaction_services.CaseInput(
            kind="complaint",
            channel="complaints",
            title="路灯不亮",
            content="幸福路的路灯坏了三天，请尽快修理。",
            name="张三",
            phone="13812345678",
            email="zhangsan@example.org",
            id_number="",
            allow_public=False,
        ),
        idempotency_key=str(uuid.uuid4()),
    )
    changes = {"submitted_at": days_ago(days_ago_filed)}
    if due_in is not None:
        changes["due_on"] = timezone.localdate() + datetime.timedelta(days=due_in)
    with all_sites():
        Case.objects.filter(pk=case.pk).update(**changes)
    return case
