from pathlib import Path

from django.conf import settings
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from django.views.static import serve

# Rendition names are not content hashes: deleting an image frees its name for the
# next upload of that name. A month keeps browsers and CDNs busy elsewhere without
# pinning a stale picture for a year.
RENDITION_MAX_AGE = 30 * 24 * 60 * 60


@require_safe
def rendition_serve(request, path):
    """An image rendition from MEDIA_ROOT/images/: re-encoded by Wagtail, so safe
    to serve. Original uploads (original_images/) are never served; neither is
    anything else under MEDIA_ROOT."""
    response = serve(request, path, document_root=Path(settings.MEDIA_ROOT) / "images")
    patch_cache_control(response, public=True, max_age=RENDITION_MAX_AGE)
    return response
