import mimetypes
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from django.views.static import serve
from wagtail.admin.auth import require_admin_access
from wagtail.images import get_image_model
from wagtail.images.exceptions import InvalidFilterSpecError
from wagtail.images.forms import URLGeneratorForm
from wagtail.images.models import Filter
from wagtail.permissions import policy_registry

from .images import rendition_get

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


@require_admin_access
@require_safe
def image_preview(request, image_id, filter_spec):
    """Wagtail's admin preview of an image through a filter (the URL generator),
    from the stored rendition: Wagtail's own view decodes the original again on
    every request; this one makes the rendition once (``rendition_get``) and
    then serves it as stored."""
    model = get_image_model()
    image = get_object_or_404(model, id=image_id)
    if not policy_registry.get_by_type(model).user_has_permission_for_instance(
        request.user, "change", image
    ):
        raise PermissionDenied
    try:
        image_filter = Filter(spec=filter_spec)
        allowed = URLGeneratorForm.FilterChoices.values
        if any(
            operation.method not in allowed for operation in image_filter.operations
        ):
            raise InvalidFilterSpecError(filter_spec)
    except InvalidFilterSpecError:
        return HttpResponseBadRequest(
            "Invalid filter spec: " + filter_spec, content_type="text/plain"
        )
    rendition = rendition_get(image, image_filter.spec)
    content_type = mimetypes.guess_type(rendition.file.name)[0]
    response = FileResponse(
        rendition.file.open("rb"), content_type=content_type or "image/png"
    )
    patch_cache_control(response, private=True, max_age=RENDITION_MAX_AGE)
    return response


def document_may_be_served(document, request) -> None:
    """Wagtail's ``before_serve_document`` rule for the platform's own hosts.

    A site's host serves its own documents and those of the sites below it
    (``sites``' hook). The platform's hosts (the admin, previews) serve no site's
    pages, so they serve a document only to a signed-in user who may choose or
    change it in the admin: every other request gets 404, so another site's
    document never downloads through the platform's host name."""
    if getattr(request, "govsite", None) is not None:
        return
    policy = policy_registry.get_by_type(type(document))
    user = request.user
    if user.is_authenticated and policy.user_has_any_permission_for_instance(
        user, ["choose", "change"], document
    ):
        return
    raise Http404
