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

``answer_raw`` is the same refusal one step earlier, from the request's bytes,
before gunicorn parses them (ops/gunicorn_worker.py offers them through
delivery/serving.py's ``answer_raw``): a POST over HTTP/1.1 with a plain
Content-Length body that is all there, whose address (as the rate limiter reads
it: django_ratelimit's ``_get_ip`` over REMOTE_ADDR or RATELIMIT_IP_META_KEY's
header) is refused on its path, is answered with the same 429 and its body
skipped, so the connection's next request is read from the right byte. Anything
it cannot be sure of (a chunked or incomplete body, an ``Expect``, a repeated or
odd header, a percent-escape in the path) goes to gunicorn and Django as before.
"""

from __future__ import annotations

import email.utils
import logging
import os
import re
import threading
import time
import uuid
from types import SimpleNamespace

from csp.utils import build_policy, default_config
from django.conf import settings
from django.http import HttpResponse
from django.utils import translation
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
    response["Retry-After"] = RETRY_AFTER
    response["Cache-Control"] = "no-store"
    response["Content-Length"] = str(len(response.content))
    return response


RETRY_AFTER = "600"


class FloodGateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and is_refused(request):
            return too_many()
        return self.get_response(request)


# -- answer_raw: before gunicorn parses the request ------------------------------

# The same request log as Django's answers (ops.middleware.RequestLogMiddleware).
logger = logging.getLogger("cms.requests")

_TOKEN = rb"[!#$%&'*+.^`|~0-9a-z-]+"  # no "_": gunicorn drops or maps those
# Header lines (lower-cased): a token, a colon, a value without control
# characters but tab; anything else is gunicorn's to judge.
_HEADER_BLOCK = re.compile(rb"(?:\r\n" + _TOKEN + rb":[\t\x20-\x7e\x80-\xff]*)*")
_HEADER = re.compile(rb"\r\n(" + _TOKEN + rb"):[ \t]*([^\r\n]*?)[ \t]*(?=\r\n|\Z)")
_TARGET = re.compile(rb"/[!$&'()*+,./0-9:;=@A-Z_a-z~-]*")
_LENGTH = re.compile(rb"[0-9]{1,9}")
_VALID_ID = re.compile(rb"[A-Za-z0-9._-]{8,64}")
_REQUEST_ID = re.compile(
    rb"\r\nx-request-id:[ \t]*([^\r\n]*?)[ \t]*\r\n", re.IGNORECASE
)
# A request holding one of these goes to gunicorn: it changes how the body is
# read or what the connection becomes.
_RAW_REFUSED = frozenset(
    {b"transfer-encoding", b"expect", b"upgrade", b"http2-settings"}
)
# As gunicorn reads them at most (limit_request_line, limit_request_fields).
_MAX_LINE = 8190
_MAX_HEAD = 32768
# gunicorn takes PATH_INFO apart from SCRIPT_NAME when that is set: then
# the request target is not Django's path_info, and gunicorn answers.
_SCRIPT_NAME = os.environ.get("SCRIPT_NAME", "")


class _Raw:
    """What answer_raw reuses (per process): the header line the address is read
    from, and the refusal's fixed bytes."""

    def __init__(self):
        meta = getattr(settings, "RATELIMIT_IP_META_KEY", None)
        self.usable = meta is None or (
            isinstance(meta, str)
            and "." not in meta
            and (meta == "REMOTE_ADDR" or meta.startswith("HTTP_"))
        )
        self.meta = meta
        self.header = None
        if isinstance(meta, str) and meta.startswith("HTTP_"):
            self.header = meta[5:].replace("_", "-").lower().encode("latin-1")
        with translation.override(settings.LANGUAGE_CODE):
            response = too_many()
        lines = [f"{name}: {value}\r\n" for name, value in response.items()]
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        if policy:
            value = build_policy(config=default_config(policy["DIRECTIVES"]))
            lines.append(f"Content-Security-Policy: {value}\r\n")
        self.head = "".join(lines).encode("latin-1")
        self.body = response.content
        self.addresses: dict[tuple, str | None] = {}
        self.second = 0
        self.date = b""

    def address(self, remote: str | None, value: bytes | None) -> str | None:
        """The address as the rate limiter reads it (django_ratelimit's _get_ip
        itself, over what the WSGI environ would hold: REMOTE_ADDR, or the
        header's value), or None."""
        key = (remote, value)
        found = self.addresses.get(key, False)
        if found is not False:
            return found
        meta = {}
        if remote:
            meta["REMOTE_ADDR"] = remote
        if value is not None:
            try:
                meta[self.meta] = value.decode("latin-1")
            except (TypeError, UnicodeDecodeError):
                return None
        try:
            found = _get_ip(SimpleNamespace(META=meta)) if meta else None
        except Exception:  # the rate limiter could not read it either: Django's
            found = None
        if len(self.addresses) >= 10_000:
            self.addresses.clear()
        self.addresses[key] = found
        return found


_raw: _Raw | None = None


def answer_raw(data: bytes, server: bytes = b"gunicorn", peer=None):
    """The whole 429 for the first request in ``data`` and the bytes it took
    (with "close" third when the connection is to end after it), when that
    request is a POST from an address refused on its path; else None.

    ``peer`` is the connection's (address, port) as gunicorn's REMOTE_ADDR has
    it; None when that is not the client (a PROXY protocol header)."""
    global _raw
    if not _refused or _SCRIPT_NAME or not data.startswith(b"POST "):
        return None
    end = data.find(b"\r\n\r\n", 0, _MAX_HEAD)
    if end < 0:
        return None
    line_end = data.find(b"\r\n")
    if line_end > _MAX_LINE:
        return None
    request = data[:line_end].split(b" ")
    if len(request) != 3 or request[2] != b"HTTP/1.1":
        return None
    path = request[1].partition(b"?")[0]
    if _TARGET.fullmatch(path) is None or path.startswith(b"//") or b"#" in request[1]:
        return None  # a percent-escape, a fragment, an absolute form: gunicorn's
    block = data[line_end:end].lower()
    if _HEADER_BLOCK.fullmatch(block) is None:
        return None
    pairs = _HEADER.findall(block)
    headers = dict(pairs)
    if len(headers) != len(pairs) or not _RAW_REFUSED.isdisjoint(headers):
        return None  # a repeated header, a chunked body, an upgrade, ...
    if b"host" not in headers:
        return None
    connection = headers.get(b"connection")
    if connection is None or connection == b"keep-alive":
        close = False
    elif connection == b"close":
        close = True
    else:
        return None
    length = headers.get(b"content-length", b"0")
    if _LENGTH.fullmatch(length) is None:
        return None
    used = end + 4 + int(length)
    if len(data) < used or (close and len(data) > used):
        return None  # not all there yet (or more after a close): gunicorn reads it
    raw = _raw
    if raw is None:
        raw = _raw = _Raw()
    if not raw.usable or (peer is None and raw.header is None):
        return None
    if raw.header is None:
        address = raw.address(peer[0] if isinstance(peer, tuple) else None, None)
    else:
        address = raw.address(None, headers.get(raw.header))
    if address is None:
        return None
    key = (address, path.decode("ascii"))
    until = _refused.get(key)
    if until is None:
        return None
    now = time.time()
    if until <= now:
        _refused.pop(key, None)
        return None
    second = int(now)
    if second != raw.second:
        raw.date = (f"Date: {email.utils.formatdate(second, usegmt=True)}\r\n").encode()
        raw.second = second
    # As the request log does: a proxy's id when it looks like one.
    request_id = None
    if b"x-request-id" in headers:
        given = _REQUEST_ID.search(data, line_end, end + 2)
        if given is not None and _VALID_ID.fullmatch(given.group(1)):
            request_id = given.group(1)
    if request_id is None:
        request_id = uuid.uuid4().hex.encode()
    response = b"".join(
        (
            b"HTTP/1.1 429 Too Many Requests\r\nServer: ",
            server,
            b"\r\n",
            raw.date,
            b"Connection: close\r\n" if close else b"Connection: keep-alive\r\n",
            raw.head,
            b"X-Request-ID: ",
            request_id,
            b"\r\n\r\n",
            raw.body,
        )
    )
    logger.info(
        "request",
        extra={
            "host": headers[b"host"].decode("latin-1"),
            "method": "POST",
            "path": key[1],
            "status": 429,
            "early": True,  # answered before gunicorn parsed the request
            "duration_ms": 0.0,
            "request_id": request_id.decode(),
        },
    )
    if close:
        return response, used, "close"
    return response, used
