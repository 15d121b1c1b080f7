"""Render an address through the platform's real request path.

A file in the static tree must be exactly what a visitor gets: the address is
answered by Django's own handler, every middleware included, for the site's
primary host, as an anonymous visitor without cookies. Only an answer any visitor
could be given is published (200, no cookie set, not private), with the content
type the static tree answers for that file name.
"""

from __future__ import annotations

import io
import sys
import threading
from dataclasses import dataclass

from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.core.handlers.wsgi import WSGIRequest
from django.urls import set_script_prefix

from . import tree

# Set on the requests made here: the static tree and the page cache stand aside.
RENDER_MARK = "delivery.render"

_handler: BaseHandler | None = None
_lock = threading.Lock()


@dataclass(frozen=True)
class Rendered:
    status: int
    content_type: str
    body: bytes
    publishable: bool


def _get_handler() -> BaseHandler:
    global _handler
    with _lock:
        if _handler is None:
            handler = BaseHandler()
            handler.load_middleware()
            _handler = handler
        return _handler


def scheme() -> str:
    return settings.DELIVERY_SCHEME


def host_header(host: str) -> str:
    port = settings.SITE_PORT
    return host if port in (80, 443) else f"{host}:{port}"


def _environ(host: str, path: str) -> dict:
    environ = {
        "REQUEST_METHOD": "GET",
        # WSGI carries the path as latin-1 characters of its UTF-8 bytes.
        "PATH_INFO": path.encode("utf-8").decode("latin-1"),
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": host,
        "SERVER_PORT": str(settings.SITE_PORT),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host_header(host),
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scheme(),
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        RENDER_MARK: True,
    }
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy_header:
        environ[proxy_header[0]] = proxy_header[1] if scheme() == "https" else "http"
    return environ


def _publishable(response, path: str) -> bool:
    if response.status_code != 200 or response.cookies:
        return False
    if getattr(response, "streaming", False):
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    relative = tree.relative_file(path)
    expected = tree.content_type(relative) if relative else None
    return expected is not None and response.get("Content-Type") == expected


def render(host: str, path: str) -> Rendered:
    """Answer ``GET path`` on ``host`` as Django would answer a visitor.

    Neither ``request_started`` nor ``request_finished`` is sent: they close the
    database connection of a worker (or a test) in the middle of its work."""
    set_script_prefix("/")
    request = WSGIRequest(_environ(host, path))
    response = _get_handler().get_response(request)
    body = b"" if getattr(response, "streaming", False) else response.content
    return Rendered(
        status=response.status_code,
        content_type=response.get("Content-Type", ""),
        body=body,
        publishable=_publishable(response, path),
    )
