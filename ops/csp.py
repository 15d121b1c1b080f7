"""Content-Security-Policy headers (django-csp): one policy for the public pages of
every site, another for the Wagtail admin.

Public pages run no inline script or style at all (``CONTENT_SECURITY_POLICY``);
the admin needs a few things Wagtail itself does inline, so it gets
``CONTENT_SECURITY_POLICY_ADMIN`` on every path under its ``URL_PREFIXES``.
A view can still override either with django-csp's decorators."""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's policy on the admin's paths."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        admin = settings.CONTENT_SECURITY_POLICY_ADMIN
        if (
            not report_only
            and parts.config is None
            and request.path_info.startswith(tuple(admin["URL_PREFIXES"]))
        ):
            parts.config = default_config(admin["DIRECTIVES"])
        return parts
