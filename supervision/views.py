"""The public beacon of page views: ``/stats/hit?p=<page id>``."""

from __future__ import annotations

import base64

from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sites.params import id_param

from .statistics import page_view_count

# A transparent 1x1 GIF.
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


@never_cache
@require_GET
def stats_hit(request):
    """Count one view of the page ``p`` on the request's site and answer the
    pixel, whatever the id (a forged or stale one counts nothing). Nothing about
    the visitor is read or stored."""
    site = getattr(request, "govsite", None)
    page_id = id_param(request.GET.get("p"))
    if site is not None and page_id:
        page_view_count(site=site, page_id=page_id)
    response = HttpResponse(PIXEL, content_type="image/gif")
    response["Cache-Control"] = "no-store"
    return response
