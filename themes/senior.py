"""Senior-friendly mode (适老化): the visitor's choice, kept in a cookie.

Pages carry the same bytes for everyone: both switch links are in every page and
the stylesheet at ``/themes/mode.css`` (answered per visitor from the cookie) turns
the mode on. No JavaScript is needed. ``?senior=1`` / ``?senior=0`` on any public
address sets or clears the cookie and redirects to the address without it.
Across sites: the cookie is set for ``THEMES_SENIOR_COOKIE_DOMAIN`` when the
platform's sites share a parent domain; links to related sites go through
``/themes/go/<site code>/``, which carries the choice to a host outside it.
"""

from django.conf import settings

PARAM = "senior"
ONE_YEAR = 365 * 24 * 3600


def cookie_name() -> str:
    return settings.THEMES_SENIOR_COOKIE_NAME


def is_on(request) -> bool:
    return request.COOKIES.get(cookie_name()) == "1"


def remember(response, request, *, on: bool) -> None:
    domain = settings.THEMES_SENIOR_COOKIE_DOMAIN or None
    if domain and not _host_in(request.get_host().split(":")[0], domain):
        domain = None  # a site outside the shared domain keeps its own cookie
    if on:
        response.set_cookie(
            cookie_name(),
            "1",
            max_age=ONE_YEAR,
            domain=domain,
            samesite="Lax",
            secure=request.is_secure(),
        )
    else:
        response.delete_cookie(cookie_name(), domain=domain, samesite="Lax")
        if domain:  # and any copy this host set for itself
            response.delete_cookie(cookie_name(), samesite="Lax")


def _host_in(host: str, domain: str) -> bool:
    domain = domain.lstrip(".").lower()
    return host.lower() == domain or host.lower().endswith("." + domain)
