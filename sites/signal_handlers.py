"""Keep every process's host map true when the registry changes."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, Site
from wagtail.signals import post_page_move

from . import routing
from .models import GovSite, SiteHost


@receiver(post_save, sender=GovSite)
@receiver(post_delete, sender=GovSite)
@receiver(post_save, sender=SiteHost)
@receiver(post_delete, sender=SiteHost)
@receiver(post_save, sender=Site)
@receiver(post_delete, sender=Site)
def registry_changed(sender, **kwargs):
    transaction.on_commit(routing.invalidate)


@receiver(post_save)
def site_page_saved(sender, instance, **kwargs):
    """A home or folder page's slug decides its site's root path."""
    if isinstance(instance, Page):
        host_map = routing.get_host_map()
        if (
            instance.pk in host_map.root_page_ids
            or instance.pk in host_map.by_folder_page
        ):
            transaction.on_commit(routing.invalidate)


@receiver(post_page_move)
def site_page_moved(sender, instance, **kwargs):
    transaction.on_commit(routing.invalidate)
