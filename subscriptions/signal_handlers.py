"""Publishing and case handling queue subscriptions' work, inside the transaction
of the change (the task rows commit with it, or not at all)."""

from __future__ import annotations

from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from wagtail.signals import page_published, page_unpublished

from cms.models import ConsultationPage
from interaction.signals import case_status_changed, comment_replied
from search.documents import CONTENT_MODELS
from sites.routing import govsite_for_page

from .events import consultation_opened, item_data
from .models import NotificationKind, WebhookEvent
from .notifications import notification_create
from .tasks import match_item_task, webhook_event_enqueue


@receiver(page_published)
def item_published(sender, instance, revision=None, **kwargs):
    if not isinstance(instance, CONTENT_MODELS):
        return
    site = govsite_for_page(instance)
    if site is None:
        return
    match_item_task.enqueue(site.pk, instance.pk)
    first = instance.first_published_at == instance.last_published_at
    if first:
        event, event_id = WebhookEvent.ITEM_PUBLISHED, f"item.published:{instance.pk}"
    else:
        version = revision.pk if revision is not None else instance.last_published_at
        event = WebhookEvent.ITEM_UPDATED
        event_id = f"item.updated:{instance.pk}:{version}"
    data = item_data(instance)
    webhook_event_enqueue(site=site, event=event, event_id=event_id, data=data)
    if (
        isinstance(instance, ConsultationPage)
        and instance.starts_on <= timezone.localdate() <= instance.ends_on
    ):
        consultation_opened(site=site, page=instance)


@receiver(page_unpublished)
def item_withdrawn(sender, instance, **kwargs):
    if not isinstance(instance, CONTENT_MODELS):
        return
    site = govsite_for_page(instance)
    if site is None:
        return
    webhook_event_enqueue(
        site=site,
        event=WebhookEvent.ITEM_WITHDRAWN,
        event_id=f"item.withdrawn:{instance.pk}:{instance.last_published_at}",
        data=item_data(instance),
    )


@receiver(case_status_changed)
def case_changed(sender, case, **kwargs):
    """The submitter, if signed in when filing, gets a notice of each status."""
    if case.user_id is None:
        return
    with override("zh-hans"):
        title = _("Your letter %(number)s: %(status)s") % {
            "number": case.tracking_number,
            "status": case.get_status_display(),
        }
    notification_create(
        user_id=case.user_id,
        kind=NotificationKind.CASE,
        title=title,
        url="/interaction/cases/mine/",
        dedupe_key=f"case:{case.pk}:{case.status}:{case.reopened_count}",
        site_id=case.intake_site_id,
    )


@receiver(comment_replied)
def comment_reply_notice(sender, comment, **kwargs):
    """The author of a comment, if signed in when sending it, gets one notice of
    the official reply (a later correction of the reply sends no second one)."""
    if comment.user_id is None:
        return
    with override("zh-hans"):
        title = _("Your comment on %(title)s has a reply") % {
            "title": comment.consultation.title
        }
    notification_create(
        user_id=comment.user_id,
        kind=NotificationKind.COMMENT,
        title=title,
        url="/accounts/me/comments/",
        dedupe_key=f"comment:{comment.pk}:reply",
        site_id=comment.site_id,
    )
