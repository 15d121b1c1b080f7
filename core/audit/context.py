"""The request being served, for receivers of signals that do not carry it
(Wagtail's page signals, the sites signals): who acts and from where.
Set by ``core.audit.middleware.AuditContextMiddleware``."""

import contextvars
import ipaddress

from django.conf import settings

_request: contextvars.ContextVar = contextvars.ContextVar("audit_request", default=None)


def current_request():
    return _request.get()


def set_request(request):
    return _request.set(request)


def reset_request(token) -> None:
    _request.reset(token)


def _valid(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request) -> str | None:
    """The client's address: REMOTE_ADDR, or the proxy's header only when one is
    configured (RATELIMIT_IP_META_KEY, e.g. HTTP_X_REAL_IP). A list in the header
    (X-Forwarded-For) gives its last entry, the one our proxy added; anything
    that is not an address is ignored."""
    if request is None:
        return None
    meta_key = getattr(settings, "RATELIMIT_IP_META_KEY", None)
    if meta_key and meta_key in request.META:
        value = request.META[meta_key]
        address = _valid(value) or _valid(value.rsplit(",", 1)[-1])
        if address:
            return address
    return _valid(request.META.get("REMOTE_ADDR", ""))
