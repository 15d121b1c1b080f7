"""Keep every process's host map true when the registry changes."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Site

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
