"""Keep every process's automata true when a term changes."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import automata
from .models import PlatformTerm, SiteTerm


@receiver(post_save, sender=PlatformTerm)
@receiver(post_delete, sender=PlatformTerm)
def platform_term_changed(sender, **kwargs):
    automata.platform_terms_changed()


@receiver(post_save, sender=SiteTerm)
@receiver(post_delete, sender=SiteTerm)
def site_term_changed(sender, instance, **kwargs):
    automata.site_terms_changed(instance.site_id)
