"""Keep every process's host map true when the registry changes."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, Site
from wagtail.signals import post_page_move

from . import routing
from .models import GovSite, SiteFolderPage, SiteHost


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
    """A home or folder page's slug decides its site's root path. Checked against
    the map this process already holds, never by loading it: page saves are many."""
    if not isinstance(instance, Page):
        return
    host_map = routing.loaded_host_map()
    if host_map is None:
        if isinstance(instance, SiteFolderPage | routing.home_page_model()):
            transaction.on_commit(routing.invalidate)
        return
    known = host_map.root_paths.get(instance.url_path)
    is_root = instance.pk in host_map.root_page_ids
    if (is_root and known is None) or instance.pk in host_map.by_folder_page:
        transaction.on_commit(routing.invalidate)


@receiver(post_page_move)
def site_page_moved(sender, instance, **kwargs):
    transaction.on_commit(routing.invalidate)
