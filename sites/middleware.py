"""Resolve the site of every request by exact host, and make it the current tenant."""

import logging

from django.conf import settings
from django.http import HttpResponseNotFound, HttpResponsePermanentRedirect
from django.http.request import split_domain_port
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_multitenant.utils import set_current_tenant, unset_current_tenant

from . import routing
from .models import SiteStatus

logger = logging.getLogger(__name__)

# Staff-only paths (the admin, its API and reports): answered on the platform's own
# hosts only; a site's host gives 404 there, so an editor of one county never signs
# in on another county's host.
STAFF_PATHS = ("/admin/",)
# Paths served on every known host and on the platform's own hosts, without a
# current site: probes and files shared by every site.
PLATFORM_PATHS = (
    "/healthz",
    "/readyz",
    "/static/",
    "/media/",
    "/documents/",
)
# Paths that never need the database: answered even when the registry cannot be
# read (the probes say so; static files are the same for every host).
NO_DATABASE_PATHS = ("/healthz", "/readyz", "/static/")


class SiteRoutingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        hostname = split_domain_port(request._get_raw_host())[0].lower()
        try:
            route = routing.resolve(hostname)
        except Exception:
            # The registry cannot be read (database or cache down) and this process
            # holds no copy yet: probes and static files go on without a site;
            # everything else fails here and is answered 503 (ops.outage).
            if not request.path.startswith(NO_DATABASE_PATHS):
                raise
            logger.warning(
                "site registry unavailable; %s served without a site", request.path
            )
            request.govsite_route = None
            request._wagtail_site = None
            return self.get_response(request)
        request.govsite_route = route
        if route is None:
            if hostname in settings.PLATFORM_HOSTS or request.path.startswith(
                ("/healthz", "/readyz")
            ):
                # Never let Wagtail fall back to a default site on these hosts.
                request._wagtail_site = None
                return self.get_response(request)
            return HttpResponseNotFound(
                "Unknown host.", content_type="text/plain; charset=utf-8"
            )
        if route.is_alias:
            port = split_domain_port(request._get_raw_host())[1]
            target = route.primary_host + (f":{port}" if port else "")
            return HttpResponsePermanentRedirect(
                f"{request.scheme}://{target}{request.get_full_path()}"
            )
        if request.path.startswith(STAFF_PATHS):
            return HttpResponseNotFound(
                "Not found.", content_type="text/plain; charset=utf-8"
            )
        is_platform_path = request.path.startswith(PLATFORM_PATHS)
        if route.status == SiteStatus.CLOSED and not is_platform_path:
            return render(
                request,
                "sites/site_closed.html",
                {"message": _("This website has been closed.")},
                status=410,
            )
        token = routing.verified_host.set(hostname)
        try:
            return self._serve_site(request, route, is_platform_path)
        finally:
            routing.verified_host.reset(token)

    def _serve_site(self, request, route, is_platform_path):
        site = routing.site_for(route)
        if site is None:  # removed since the map was read
            return HttpResponseNotFound(
                "Unknown host.", content_type="text/plain; charset=utf-8"
            )
        request.govsite = site
        request._wagtail_site = site.wagtail_site
        if is_platform_path:
            # The probes and shared files serve many sites whatever the host.
            return self.get_response(request)
        set_current_tenant(site)
        try:
            return self.get_response(request)
        finally:
            unset_current_tenant()
