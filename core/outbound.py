"""Outbound HTTP to addresses the platform does not own: link checks, webhooks,
peer platforms, an upstream identity provider.

One door, so that every caller gets the same safety:

- only ``http`` and ``https``;
- the host is resolved once and the connection goes to the address that was
  checked (no second lookup a hostile DNS server could answer differently);
- addresses that are not globally routable (private, loopback, link-local,
  shared, reserved, multicast) are refused unless the caller allows them;
- every redirect hop is checked again, and a caller can refuse hops to another
  host altogether;
- short timeouts, a total deadline (a server that drips one byte a second does
  not hold a worker), a cap on the body, and few requests per host at a time;
- a user agent that says who is asking.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings
from django.utils.translation import gettext_lazy as _

USER_AGENT = (
    "GovPlatform-LinkCheck/1.0 (government website platform; +https://www.gov.cn/)"
)
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class OutboundError(Exception):
    """A request that could not be made or finished; ``reason`` is a stable code
    for callers and logs, ``message`` is for people."""

    reason = "error"

    def __init__(self, message, *, url: str = ""):
        super().__init__(str(message))
        self.message = message
        self.url = url


class OutboundRefused(OutboundError):
    """Refused before a byte was sent: a scheme, an address or a hop not allowed."""

    reason = "refused"


class OutboundTimeout(OutboundError):
    reason = "timeout"


@dataclass(frozen=True)
class OutboundResponse:
    status: int
    url: str  # the last address asked, after redirects
    headers: Mapping[str, str]
    body: bytes
    truncated: bool  # the body was longer than max_bytes and was cut there
    hops: tuple[str, ...]  # every address asked, the first one included
    elapsed: float  # seconds, all hops together

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def text(self, encoding: str = "utf-8") -> str:
        return self.body.decode(encoding, errors="replace")


def _is_public(address: Address) -> bool:
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped
    return address.is_global and not address.is_multicast


def check_address(
    address: Address, *, allow_private: bool = False, allowed_networks=()
) -> None:
    """Raise OutboundRefused unless ``address`` may be asked."""
    if allow_private or _is_public(address):
        return
    if any(address in network for network in allowed_networks):
        return
    raise OutboundRefused(
        _(
            "The address %(address)s is on an internal network; "
            "outbound requests there are refused."
        )
        % {"address": address}
    )


def resolve(host: str, port: int) -> list[Address]:
    """Every address ``host`` resolves to (an IP literal resolves to itself)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise OutboundError(
            _("The host name %(host)s could not be resolved.") % {"host": host}
        ) from error
    addresses: list[Address] = []
    for *_rest, sockaddr in infos:
        address = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


class _HostSlots:
    """At most ``limit`` requests in flight per host, per process."""

    def __init__(self):
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}

    def get(self, host: str, limit: int) -> threading.BoundedSemaphore:
        with self._lock:
            slot = self._slots.get(host)
            if slot is None:
                slot = self._slots[host] = threading.BoundedSemaphore(limit)
            return slot


_host_slots = _HostSlots()


def _networks(values: Iterable) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(value, strict=False) for value in values)


def fetch(
    url: str,
    *,
    method: str = "GET",
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 5.0,
    max_bytes: int = 2_000_000,
    max_redirects: int = 5,
    allow_private: bool = False,
    allowed_networks: Iterable = (),
    same_host_redirects: bool = False,
    per_host: int = 2,
) -> OutboundResponse:
    """Ask ``url`` and return the answer, following at most ``max_redirects``
    redirects (none when 0: the redirect itself is returned).

    ``timeout`` bounds the whole exchange, every hop together (a read already
    waiting when the deadline passes may add up to ``timeout`` once more). A body
    longer than ``max_bytes`` is cut (``truncated``), not an error: a link checker
    only needs the status. Raises OutboundRefused before sending anything it may
    not send, OutboundTimeout when the deadline passes, OutboundError for
    everything else that stops an answer (no such host, connection refused, a broken TLS
    handshake, a redirect loop)."""
    networks = _networks(allowed_networks)
    deadline = time.monotonic() + timeout
    started = time.monotonic()
    hops: list[str] = []
    first_host = None
    request_headers = {
        "User-Agent": getattr(settings, "OUTBOUND_USER_AGENT", USER_AGENT)
    }
    request_headers.update(headers or {})
    while True:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise OutboundRefused(
                _("Only http and https addresses can be requested."), url=url
            )
        host = parts.hostname
        if first_host is None:
            first_host = host
        elif same_host_redirects and host != first_host:
            raise OutboundRefused(
                _("The answer redirected to another host (%(host)s); that is refused.")
                % {"host": host},
                url=url,
            )
        if len(hops) > max_redirects:
            raise OutboundError(_("Too many redirects."), url=url)
        hops.append(url)
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as error:
            raise OutboundRefused(
                _("The address has an invalid port."), url=url
            ) from error
        addresses = resolve(host, port)
        for address in addresses:
            check_address(
                address, allow_private=allow_private, allowed_networks=networks
            )
        status, response_headers, content, truncated = _ask(
            parts.scheme,
            host,
            addresses[0],
            port,
            method,
            parts.path or "/",
            parts.query,
            body,
            request_headers,
            deadline,
            max_bytes,
            per_host,
            url,
        )
        location = response_headers.get("location")
        if status in REDIRECT_STATUSES and location and max_redirects > 0:
            url = urljoin(url, location)
            if status == 303 or (status in (301, 302) and method == "POST"):
                method, body = "GET", None
            continue
        return OutboundResponse(
            status=status,
            url=url,
            headers=response_headers,
            body=content,
            truncated=truncated,
            hops=tuple(hops),
            elapsed=time.monotonic() - started,
        )


def _remaining(deadline: float, url: str) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise OutboundTimeout(_("The address did not answer in time."), url=url)
    return left


def _ask(
    scheme,
    host,
    address,
    port,
    method,
    path,
    query,
    body,
    headers,
    deadline,
    max_bytes,
    per_host,
    url,
):
    slot = _host_slots.get(host, per_host)
    if not slot.acquire(timeout=_remaining(deadline, url)):
        raise OutboundTimeout(_("The address did not answer in time."), url=url)
    try:
        left = _remaining(deadline, url)
        options = {
            "port": port,
            "timeout": urllib3.Timeout(connect=left, read=left),
            "retries": False,
            "maxsize": 1,
        }
        if scheme == "https":
            # Connect to the address that was checked, but verify the certificate
            # (and send SNI) for the host name that was asked.
            pool = urllib3.HTTPSConnectionPool(
                str(address),
                server_hostname=host,
                assert_hostname=host,
                cert_reqs="CERT_REQUIRED",
                **options,
            )
        else:
            pool = urllib3.HTTPConnectionPool(str(address), **options)
        target = path + (f"?{query}" if query else "")
        host_header = host if _default_port(scheme, port) else f"{host}:{port}"
        try:
            response = pool.urlopen(
                method,
                target,
                body=body,
                headers={"Host": host_header, **headers},
                redirect=False,
                preload_content=False,
                decode_content=True,
            )
            chunks: list[bytes] = []
            size = 0
            truncated = False
            try:
                # read1: whatever one read of the socket gives, so that the
                # deadline is checked between reads, not after 64 KB dripped in.
                while chunk := response.read1(_CHUNK):
                    _remaining(deadline, url)
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > max_bytes:
                        truncated = True
                        break
            finally:
                response.release_conn()
            content = b"".join(chunks)[:max_bytes]
            response_headers = {k.lower(): v for k, v in response.headers.items()}
            return response.status, response_headers, content, truncated
        except urllib3.exceptions.TimeoutError as error:
            raise OutboundTimeout(
                _("The address did not answer in time."), url=url
            ) from error
        except urllib3.exceptions.HTTPError as error:
            raise OutboundError(
                _("The address could not be reached: %(error)s")
                % {"error": type(error).__name__},
                url=url,
            ) from error
        finally:
            pool.close()
    finally:
        slot.release()


def _default_port(scheme: str, port: int) -> bool:
    return (scheme, port) in (("http", 80), ("https", 443))
