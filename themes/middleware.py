"""The request's theme, and the senior-friendly switch by query parameter."""

from django.http import HttpResponseRedirect
from django.utils.encoding import escape_uri_path
from django.utils.http import escape_leading_slashes

from . import loaders, senior

EXEMPT_PATHS = ("/admin/", "/static/", "/media/", "/documents/", "/api/")


class ThemeMiddleware:
    """Makes the request visible to the theme template loader. Put it before
    ``SiteRoutingMiddleware`` so that the notice of a closed site is themed too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with loaders.serving(request):
            return self.get_response(request)


class SeniorModeMiddleware:
    """``?senior=1`` or ``?senior=0`` on a public GET: remember the choice in the
    cookie and redirect to the same address without the parameter, so every page
    keeps one address and the same bytes for every visitor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        value = request.GET.get(senior.PARAM)
        if (
            value in ("0", "1")
            and request.method in ("GET", "HEAD")
            and not request.path.startswith(EXEMPT_PATHS)
        ):
            query = request.GET.copy()
            query.pop(senior.PARAM)
            # The same path on this host, never `//other.host/…` (an open redirect).
            path = escape_leading_slashes(escape_uri_path(request.path))
            target = path + (f"?{query.urlencode()}" if query else "")
            response = HttpResponseRedirect(target)
            response["Cache-Control"] = "private, no-store"
            senior.remember(response, request, on=value == "1")
            return response
        return self.get_response(request)
