"""The flood gate: an address whose letters (or comments) are refused for the rest
of its rate-limit window is answered before anything else runs.

When ``views.limited`` refuses an address that is over its limit already, it
records here (in this process's memory: the address, the path and when the window
ends, plain strings and a number) that the address is refused on that path until
the window ends. ``FloodGateMiddleware``, near the top of the stack, answers the
next POSTs from that address to that path with the same small Chinese 429 page:
no session, no site routing, no CSRF check, no query, no template. The limit is
unchanged: the counter says the same until the window ends, and the gate forgets
the address then. Each server process learns on its own refusal (one read).
"""

from __future__ import annotations

import threading
import time

from django.http import HttpResponse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django_ratelimit.core import _get_ip

_refused: dict[tuple[str, str], float] = {}  # (address, path) → window end (epoch)
_lock = threading.Lock()
LIMIT = 100_000  # addresses remembered at most (expired ones go first)


def refuse(request, until: float) -> None:
    """Refuse this request's address on this path until ``until`` (epoch s)."""
    key = (_get_ip(request), request.path_info)
    with _lock:
        if len(_refused) >= LIMIT:
            now = time.time()
            for stale in [k for k, end in _refused.items() if end <= now]:
                del _refused[stale]
            if len(_refused) >= LIMIT:
                _refused.clear()
        _refused[key] = until


def is_refused(request) -> bool:
    if not _refused:
        return False
    key = (_get_ip(request), request.path_info)
    until = _refused.get(key)
    if until is None:
        return False
    if until <= time.time():
        _refused.pop(key, None)
        return False
    return True


def forget_all() -> None:
    _refused.clear()


def too_many():
    """The refusal of a flooded form: a few hundred bytes, no template, no query
    (the form the visitor filled in is still on the previous page)."""
    message = _(
        "Too many submissions from your network in a short time. Please wait a "
        "while and try again."
    )
    html = format_html(
        '<!DOCTYPE html><html lang="zh-hans"><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>{}</title><h1>{}</h1><p>{}</p></html>",
        message,
        message,
        _("Go back to the previous page: what you typed is still there."),
    )
    response = HttpResponse(html, status=429)
    response["Retry-After"] = "600"
    response["Cache-Control"] = "no-store"
    return response


class FloodGateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and is_refused(request):
            return too_many()
        return self.get_response(request)
