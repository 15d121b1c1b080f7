"""The embedded web server answers from the static tree before Django.

``StaticTreeApplication`` wraps the WSGI application (config/wsgi.py): a GET or
HEAD for an address whose file exists in the host's folder is answered from the
file, without Django, the database or the cache; everything else goes to Django.
It stands aside for a query string, for a request carrying a signed-in person's
session cookie (``DELIVERY_BYPASS_COOKIES``) and for every method but GET and
HEAD. The headers are those Django gives the same page (content type, security
headers, Content-Security-Policy), with an ETag and Last-Modified so a browser's
second visit costs a 304. A page without a file that this process's page cache
holds (``delivery.pagecache``: a column's later pages) is answered here too, under
the same conditions.
"""

from __future__ import annotations

import email.utils
import logging
import os
import stat
import time
from http import HTTPStatus
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qsl

from csp.utils import build_policy, default_config
from django.conf import settings

from . import pagecache, tree

logger = logging.getLogger("delivery.static")


def _cookie_names(header: str) -> set[str]:
    if not header:
        return set()
    cookie = SimpleCookie()
    try:
        cookie.load(header)
    except CookieError:
        return {"?"}  # unreadable: let Django decide
    return set(cookie.keys())


def static_headers() -> list[tuple[str, str]]:
    """The headers every published page is answered with (as Django's
    middleware sets them for public pages)."""
    headers = [
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", settings.SECURE_REFERRER_POLICY),
        ("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY),
        ("X-Frame-Options", settings.X_FRAME_OPTIONS),
        (
            "Cache-Control",
            f"public, max-age=0, s-maxage={settings.DELIVERY_SHARED_MAX_AGE}",
        ),
    ]
    policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
    if policy:
        headers.append(
            (
                "Content-Security-Policy",
                build_policy(config=default_config(policy["DIRECTIVES"])),
            )
        )
    return headers


class StaticTreeApplication:
    def __init__(self, application):
        self.application = application
        self.enabled = settings.DELIVERY_SERVE_STATIC
        self.root = str(tree.root())
        self.bypass = set(settings.DELIVERY_BYPASS_COOKIES)
        self.headers = static_headers()
        self.hsts = _hsts()
        self.proxy_ssl = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
        self.log = settings.DELIVERY_ACCESS_LOG
        self.platform_hosts = set(settings.PLATFORM_HOSTS)

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return self.application(environ, start_response)
        if self.bypass & _cookie_names(environ.get("HTTP_COOKIE", "")):
            return self.application(environ, start_response)
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
        host = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        host = host.lower().rstrip(".")
        try:
            path = environ.get("PATH_INFO", "/").encode("latin-1").decode("utf-8")
        except UnicodeError:
            return self.application(environ, start_response)
        query = environ.get("QUERY_STRING", "")
        if self.enabled and not query:
            found = self._lookup(host, path)
            if found is not None:
                return self._serve(environ, start_response, *found)
        entry = self._cached(host, path, query)
        if entry is not None:
            return self._serve_cached(environ, start_response, entry)
        return self.application(environ, start_response)

    def _cached(self, host: str, path: str, query: str) -> dict | None:
        """A page this process's page cache holds (delivery.pagecache), answered
        here without building Django's request."""
        if not settings.DELIVERY_PAGE_CACHE_SECONDS or host in self.platform_hosts:
            return None
        if path.startswith(pagecache.DYNAMIC_PATHS):
            return None
        key = pagecache.page_key(host, path, parse_qsl(query, keep_blank_values=True))
        return pagecache.local_hit(host, key) if key is not None else None

    def _serve_cached(self, environ, start_response, entry: dict):
        headers = [*entry["headers"], ("X-Page-Cache", "hit")]
        body = entry["body"]
        headers.append(("Content-Length", str(len(body))))
        reason = HTTPStatus(entry["status"]).phrase
        start_response(f"{entry['status']} {reason}", headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    def _lookup(self, host: str, path: str):
        relative = tree.relative_file(path)
        if relative is None or not tree.valid_host(host):
            return None
        filename = os.path.join(self.root, host, relative)
        try:
            info = os.stat(filename)
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        return filename, info, tree.content_type(relative), host, path

    def _secure(self, environ) -> bool:
        if self.proxy_ssl:
            return environ.get(self.proxy_ssl[0]) == self.proxy_ssl[1]
        return environ.get("wsgi.url_scheme") == "https"

    def _serve(self, environ, start_response, filename, info, content_type, host, path):
        started = time.perf_counter()
        etag = f'"{info.st_mtime_ns:x}-{info.st_size:x}"'
        headers = [
            ("Content-Type", content_type),
            ("ETag", etag),
            ("Last-Modified", email.utils.formatdate(info.st_mtime, usegmt=True)),
            *self.headers,
        ]
        if self.hsts and self._secure(environ):
            headers.append(("Strict-Transport-Security", self.hsts))
        if environ.get("HTTP_IF_NONE_MATCH") == etag:
            start_response("304 Not Modified", headers)
            body = []
            status = 304
        else:
            headers.append(("Content-Length", str(info.st_size)))
            start_response("200 OK", headers)
            status = 200
            if environ["REQUEST_METHOD"] == "HEAD":
                body = []
            else:
                try:
                    handle = open(filename, "rb")
                except OSError:  # replaced or removed since the stat: same answer
                    handle = None
                if handle is None:
                    body = [tree.read(host, path) or b""]
                else:
                    wrapper = environ.get("wsgi.file_wrapper")
                    body = wrapper(handle) if wrapper else _chunks(handle)
        if self.log:
            logger.info(
                "request",
                extra={
                    "host": host,
                    "method": environ["REQUEST_METHOD"],
                    "path": path,
                    "status": status,
                    "static": True,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
        return body


def _hsts() -> str:
    # As django.middleware.security.SecurityMiddleware words it.
    seconds = settings.SECURE_HSTS_SECONDS
    if not seconds:
        return ""
    value = f"max-age={seconds}"
    if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
        value += "; includeSubDomains"
    if settings.SECURE_HSTS_PRELOAD:
        value += "; preload"
    return value


def _chunks(handle, size: int = 65536):
    with handle:
        while chunk := handle.read(size):
            yield chunk
