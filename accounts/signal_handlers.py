"""Keep the identity host's registry of site hosts in step with the sites: a
provisioned site's host is registered, a closed site's host removed (sites/ does
not know accounts exist)."""

from django.db.models.signals import post_save

from core import people
from sites.models import GovSite, SiteStatus

from . import selectors, services


def site_saved(sender, instance: GovSite, created: bool, raw: bool = False, **kwargs):
    if raw:
        return
    if instance.status == SiteStatus.CLOSED:
        services.sso_client_remove(site=instance)
    else:
        services.sso_client_register(site=instance)


def connect() -> None:
    post_save.connect(site_saved, sender=GovSite, dispatch_uid="accounts.site_saved")
    people.register(selectors.known_details)
