"""Availability (可用性监测): each site's home page probed through
``core.outbound.fetch`` (the public address, as a visitor would ask it): status and
time; slower than ``SLOW_SECONDS`` (15 s, the national inspection's limit) counts as
not available."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from core.outbound import OutboundError, OutboundTimeout, fetch
from sites.models import GovSite
from sites.tenancy import use_site

from .models import AvailabilityProbe

SLOW_SECONDS = 15.0


def home_url(site: GovSite) -> str:
    scheme = getattr(settings, "AVAILABILITY_SCHEME", "https")
    return f"{scheme}://{site.public_netloc}/"


def availability_probe(*, site: GovSite) -> AvailabilityProbe:
    """Probe the site's home page once and record the result."""
    url = home_url(site)
    status = elapsed = None
    error = ""
    try:
        response = fetch(
            url,
            timeout=SLOW_SECONDS + 5,
            max_bytes=2_000_000,
            allowed_networks=getattr(settings, "AVAILABILITY_ALLOWED_NETWORKS", ()),
            per_host=1,
        )
        status = response.status
        elapsed = round(response.elapsed * 1000)
        if response.elapsed > SLOW_SECONDS:
            error = _("Slower than %(seconds)d seconds.") % {"seconds": SLOW_SECONDS}
    except OutboundTimeout:
        error = _("No answer in time.")
    except OutboundError as failure:
        error = str(failure.message)[:200]
    available = not error and status is not None and status < 400
    with use_site(site):
        return AvailabilityProbe.objects.create(
            site=site,
            checked_at=timezone.now(),
            url=url[:300],
            status=status,
            elapsed_ms=elapsed,
            available=available,
            error=error[:200],
        )
