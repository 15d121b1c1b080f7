"""Page changes queue index updates, inside the transaction of the change."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from wagtail.models import Page

from cms.models import ColumnPage

from . import services
from .documents import CONTENT_MODELS, page_key
from .selectors import SYNONYMS_CACHE_KEY


def _is_content(page: Page) -> bool:
    model = page.specific_class
    return model is not None and issubclass(model, CONTENT_MODELS)


@receiver(pre_save, sender=ColumnPage)
def column_saving(sender, instance, raw=False, **kwargs):
    if not raw and instance.pk:
        instance._search_old_url_path = (
            Page.objects.filter(pk=instance.pk)
            .values_list("url_path", flat=True)
            .first()
        )


@receiver(post_save)
def page_saved(sender, instance, raw=False, **kwargs):
    """Publishing, unpublishing, editing and moving save the page row, inside the
    transaction of the change (ContentPage wraps publish and unpublish in one)."""
    if raw or not isinstance(instance, Page):
        return
    if _is_content(instance):
        services.item_request_update(item_keys=[page_key(instance.pk)])
    elif instance.numchild and (
        sender is Page  # Wagtail saves a plain Page when it moves one
        or getattr(instance, "_search_old_url_path", instance.url_path)
        != instance.url_path
    ):
        # A moved or renamed column: its content's addresses changed.
        services.subtree_request_update(page_id=instance.pk)


@receiver(post_delete)
def page_deleted(sender, instance, **kwargs):
    # Deleting a page deletes its specific row too: one request per item.
    if isinstance(instance, CONTENT_MODELS):
        services.item_request_update(item_keys=[page_key(instance.pk)])


@receiver([post_save, post_delete], sender="govsearch.Synonym")
def synonyms_changed(sender, **kwargs):
    cache.delete(SYNONYMS_CACHE_KEY)


@receiver(pre_save, sender="govsites.GovSite")
def site_saving(sender, instance, raw=False, **kwargs):
    if not raw and instance.pk:
        instance._search_old_status = (
            type(instance)
            .objects.filter(pk=instance.pk)
            .values_list("status", flat=True)
            .first()
        )


@receiver(post_save, sender="govsites.GovSite")
def site_saved(sender, instance, raw=False, created=False, **kwargs):
    """A closed site's items leave the index; a reopened site's come back."""
    old = getattr(instance, "_search_old_status", None)
    if raw or created or old is None or old == instance.status:
        return
    services.subtree_request_update(page_id=instance.wagtail_site.root_page_id)
