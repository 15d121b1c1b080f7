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

``answer_raw`` is the same answer one step earlier: the gunicorn worker
(ops/gunicorn_worker.py) hands it the bytes of a kept-alive connection's next
request before gunicorn parses them, and a plain GET or HEAD for a published file
(HTTP/1.1, no body, no cookie, no query string, no percent-escape, none of the
headers that would change the answer) is answered with the whole HTTP response
at once: the same status and headers as through WSGI, the file's bytes from a
small in-process copy checked against the file's inode, time and size on every
request (so a replaced file is seen at once). Anything else returns None and
goes through gunicorn and ``__call__`` as before.
"""

from __future__ import annotations

import email.utils
import logging
import os
import re
import stat
import time
from collections import OrderedDict
from http import HTTPStatus
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qsl

from csp.utils import build_policy, default_config
from django.conf import settings

from interaction import floodgate

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
        # answer_raw: the file copies it answers from (path -> _Copy), the
        # headers common to every answer, and the date line of this second.
        self.copies: OrderedDict[str, _Copy] = OrderedDict()
        self.addresses: dict[tuple[bytes, bytes], tuple | bool] = {}
        self.copies_bytes = 0
        self.common = "".join(f"{name}: {value}\r\n" for name, value in self.headers)
        self.hsts_line = (
            f"Strict-Transport-Security: {self.hsts}\r\n".encode() if self.hsts else b""
        )
        # The header that marks a request as HTTPS (production: the proxy's
        # X-Forwarded-Proto), as a lower-case header name.
        self.secure_header = None
        if self.proxy_ssl and self.proxy_ssl[0].startswith("HTTP_"):
            name = self.proxy_ssl[0][5:].replace("_", "-").lower().encode("latin-1")
            self.secure_header = (name, self.proxy_ssl[1].encode("latin-1"))
        self._second = 0
        self._date = b""

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

    # -- answer_raw: before gunicorn parses the request --------------------------

    def answer_raw(self, data: bytes, server: bytes = b"gunicorn", peer=None):
        """The whole HTTP response to the first request in ``data`` and the number
        of bytes that request took, when it is a plain GET or HEAD of a published
        file (or of a page this process's page cache holds); else None (gunicorn
        and ``__call__`` answer it). A POST goes to the flood gate's
        (interaction/floodgate.py): the refusal of an address refused on its
        path, with "close" third when the connection ends after it; ``peer``
        is the connection's address there."""
        if data.startswith(b"POST "):
            return floodgate.answer_raw(data, server, peer)
        end = data.find(b"\r\n\r\n")
        if end < 0 or not self.enabled:
            return None
        line_end = data.find(b"\r\n")
        request = data[:line_end].split(b" ")
        if len(request) != 3 or request[2] != b"HTTP/1.1":
            return None
        method, target = request[0], request[1]
        if method != b"GET" and method != b"HEAD":
            return None
        block = data[line_end:end].lower()
        if _HEADER_BLOCK.fullmatch(block) is None:
            return None  # not plain header lines: gunicorn judges them
        pairs = _HEADER.findall(block)
        headers = dict(pairs)
        if len(headers) != len(pairs) or not _RAW_REFUSED.isdisjoint(headers):
            return None  # a repeated header, a body, a cookie, an upgrade, ...
        connection = headers.get(b"connection")
        if connection is not None and connection != b"keep-alive":
            return None
        secure = False
        if self.secure_header is not None:
            secure = headers.get(self.secure_header[0]) == self.secure_header[1]
        elif not _RAW_SCHEME.isdisjoint(headers):
            return None  # gunicorn's own reading of the scheme decides
        host = headers.get(b"host")
        if not host:
            return None
        found = self.addresses.get((host, target))
        if found is None:
            found = self._address(host, target)
        if found is False:
            return None
        host_name, path, query, filename, relative = found
        second = int(time.time())
        if second != self._second:
            self._date = (
                f"Date: {email.utils.formatdate(second, usegmt=True)}\r\n"
            ).encode()
            self._second = second
        copy = self._copy(filename, relative) if filename else None
        if copy is None:
            entry = self._cached(host_name, path, query)
            if entry is None:
                return None
            return self._raw_cached(entry, method, server, host_name, path), end + 4
        start = b"".join(
            (b" OK\r\nServer: ", server, b"\r\n", self._date, _KEEP_ALIVE, copy.head)
        )
        if secure:
            start += self.hsts_line
        if headers.get(b"if-none-match") == copy.etag:
            response = b"".join((b"HTTP/1.1 304 Not Modified", start[3:], b"\r\n"))
            status = 304
        elif method == b"GET":
            response = b"".join((b"HTTP/1.1 200", start, copy.tail))
            status = 200
        else:
            response = b"".join((b"HTTP/1.1 200", start, copy.length, b"\r\n"))
            status = 200
        if self.log:
            logger.info(
                "request",
                extra={
                    "host": host_name,
                    "method": method.decode(),
                    "path": path,
                    "status": status,
                    "static": True,
                    "early": True,  # answered by answer_raw
                    "duration_ms": 0.0,
                },
            )
        return response, end + 4

    def _address(self, host: bytes, target: bytes):
        """What a (Host header, request target) pair names: the host, the path, the
        query, the file that may hold it ("" when none can) and its name relative to
        the host's folder; False when answer_raw leaves it to gunicorn. Kept per
        pair (strings only), a bounded number."""
        found = False
        path, _, query = target.partition(b"?")
        if path.startswith(b"/") and b"%" not in path and b"#" not in query:
            try:
                host_name = host.decode("ascii")
                path_text = path.decode("ascii")
                query_text = query.decode("ascii")
            except UnicodeDecodeError:
                host_name = ""
            if not host_name.endswith("]"):
                host_name = host_name.rsplit(":", 1)[0]
            host_name = host_name.rstrip(".")
            if tree.valid_host(host_name):
                relative = tree.relative_file(path_text)
                filename = ""
                if relative is not None and not query_text:
                    filename = os.path.join(self.root, host_name, relative)
                found = (host_name, path_text, query_text, filename, relative)
        if len(self.addresses) >= RAW_ADDRESSES:
            self.addresses.clear()
        self.addresses[(host, target)] = found
        return found

    def _raw_cached(self, entry, method, server, host, path) -> bytes:
        """A page cache entry (``_serve_cached``) as a whole HTTP response."""
        status = entry["status"]
        body = entry["body"]
        head = "".join(
            f"{name}: {value}\r\n"
            for name, value in [
                *entry["headers"],
                ("X-Page-Cache", "hit"),
                ("Content-Length", str(len(body))),
            ]
        )
        if self.log:
            logger.info(
                "request",
                extra={
                    "host": host,
                    "method": method.decode(),
                    "path": path,
                    "status": status,
                    "cached": True,
                    "early": True,
                    "duration_ms": 0.0,
                },
            )
        return b"".join(
            (
                f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\nServer: ".encode(),
                server,
                b"\r\n",
                self._date,
                _KEEP_ALIVE,
                head.encode("latin-1"),
                b"\r\n",
                body if method == b"GET" else b"",
            )
        )

    def _copy(self, filename: str, relative: str) -> _Copy | None:
        """The file's bytes and headers, from memory while the file is the same
        (inode, time and size): an atomic replacement is a new inode."""
        try:
            info = os.stat(filename)
        except OSError:
            return None
        copy = self.copies.get(filename)
        if copy is not None and copy.key == (
            info.st_ino,
            info.st_mtime_ns,
            info.st_size,
        ):
            return copy
        if not stat.S_ISREG(info.st_mode) or info.st_size > RAW_FILE_LIMIT:
            return None
        try:
            with open(filename, "rb") as handle:
                info = os.fstat(handle.fileno())
                body = handle.read()
        except OSError:
            return None
        if len(body) != info.st_size or not stat.S_ISREG(info.st_mode):
            return None
        etag = f'"{info.st_mtime_ns:x}-{info.st_size:x}"'
        head = (
            f"Content-Type: {tree.content_type(relative)}\r\n"
            f"ETag: {etag}\r\n"
            f"Last-Modified: {email.utils.formatdate(info.st_mtime, usegmt=True)}\r\n"
            f"{self.common}"
        ).encode("latin-1")
        length = f"Content-Length: {info.st_size}\r\n".encode()
        copy = _Copy(
            key=(info.st_ino, info.st_mtime_ns, info.st_size),
            etag=etag.encode(),
            head=head,
            length=length,
            tail=length + b"\r\n" + body,
        )
        old = self.copies.pop(filename, None)
        if old is not None:
            self.copies_bytes -= len(old.tail)
        self.copies[filename] = copy
        self.copies_bytes += len(copy.tail)
        while self.copies_bytes > RAW_MEMORY_LIMIT and self.copies:
            _name, dropped = self.copies.popitem(last=False)
            self.copies_bytes -= len(dropped.tail)
        return copy


_TOKEN = rb"[!#$%&'*+.^_`|~0-9a-z-]+"
# Header lines as answer_raw takes them (lower-cased): a token, a colon, a value
# without control characters but tab; anything else (a space before the colon, a
# folded line) is gunicorn's to judge.
_HEADER_BLOCK = re.compile(rb"(?:\r\n" + _TOKEN + rb":[\t\x20-\x7e\x80-\xff]*)*")
_HEADER = re.compile(rb"\r\n(" + _TOKEN + rb"):[ \t]*([^\r\n]*?)[ \t]*(?=\r\n|\Z)")
_KEEP_ALIVE = b"Connection: keep-alive\r\n"
# answer_raw leaves to gunicorn and Django: a body, an upgrade, a cookie (a
# signed-in person's session among them), credentials.
_RAW_REFUSED = frozenset(
    {
        b"content-length",
        b"transfer-encoding",
        b"expect",
        b"upgrade",
        b"cookie",
        b"authorization",
        b"http2-settings",
    }
)
# The headers gunicorn reads the scheme from (secure_scheme_headers).
_RAW_SCHEME = frozenset(
    {b"x-forwarded-proto", b"x-forwarded-protocol", b"x-forwarded-ssl"}
)
# The largest file answer_raw keeps a copy of, and all copies together (per
# worker process); larger files are sent by gunicorn (sendfile). The addresses
# it has looked at (strings, no files) are kept up to RAW_ADDRESSES.
RAW_FILE_LIMIT = 512 * 1024
RAW_MEMORY_LIMIT = 64 * 1024 * 1024
RAW_ADDRESSES = 50_000


class _Copy:
    __slots__ = ("etag", "head", "key", "length", "tail")

    def __init__(self, *, key, etag, head, length, tail):
        self.key = key
        self.etag = etag
        self.head = head
        self.length = length
        self.tail = tail


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
