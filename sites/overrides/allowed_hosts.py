"""Django's host check follows the site registry.

Replaces ``settings.ALLOWED_HOSTS`` at start-up (``install``) with a list that
yields the configured patterns (the platform's own hosts) and then the current
request's host, once ``SiteRoutingMiddleware`` has matched it exactly in the
registry. Thousands of site hosts, added and removed while the platform runs,
pass Django's check without a restart and without a pattern that would accept
any host.

Why not Django's supported way (``ALLOWED_HOSTS = ["*"]`` and a middleware that
validates the host): Django's check would then stand aside for every host, and
the platform would rest on one middleware alone (the probes already answer
unknown hosts). This keeps Django's check in force and relies on
``HttpRequest.get_host`` reading ``settings.ALLOWED_HOSTS`` on each call and
``validate_host`` iterating it; ``tests/overrides/test_allowed_hosts.py`` pins both.
"""

from __future__ import annotations

from django.conf import settings

from sites import routing


class RegistryAllowedHosts(list):
    """``ALLOWED_HOSTS`` that follows the site registry: the configured patterns,
    then the current request's host if the registry matched it exactly. O(1): the
    registry lookup already happened in ``SiteRoutingMiddleware``; Django's check
    only has to agree with it."""

    def __iter__(self):
        yield from super().__iter__()
        host = routing.verified_host.get()
        if host:
            yield host


def install() -> None:
    if not isinstance(settings.ALLOWED_HOSTS, RegistryAllowedHosts):
        settings.ALLOWED_HOSTS = RegistryAllowedHosts(settings.ALLOWED_HOSTS)
