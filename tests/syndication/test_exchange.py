"""Exchange with another platform: signed, replay-proof, idempotent, sanitised."""

import http.server
import json
import threading
import time

import pytest
from django.test import Client

from sites.models import SiteRole
from sites.tenancy import use_site
from syndication import exchange, services
from syndication.models import (
    ExchangeState,
    OutboxMessage,
    OutboxState,
    Peer,
    ReceivedItem,
)
from tests.conftest import admin_client_for

from .conftest import client_for, member

pytestmark = pytest.mark.django_db

URL = "/api/v1/exchange/items"


@pytest.fixture
def client():
    """The platform's own host (where peers call)."""
    return Client(HTTP_HOST="localhost")


@pytest.fixture
def peer(county):
    return Peer.objects.create(
        code="peer-city",
        name="某市平台",
        base_url="https://peer.example.cn",
        secret="s3cret-for-tests",
        site=county,
    )


def item(**fields):
    data = {
        "remote_id": "2101000001:42",
        "revision": 7,
        "title": "来自外平台的通知",
        "body_html": (
            '<p>正文<script>alert(1)</script><a href="javascript:x">链</a></p>'
        ),
        "source_name": "某市人民政府",
        "source_url": "https://peer.example.cn/tzgg/1.html",
        "column_code": "tzgg",
    }
    data.update(fields)
    return json.dumps(data, ensure_ascii=False).encode()


def post(client, body, peer, *, secret=None, timestamp=None, nonce=None, tamper=b""):
    timestamp = timestamp or str(int(time.time()))
    nonce = nonce or f"nonce-{time.monotonic_ns()}"
    signature = exchange.sign(
        secret=secret or peer.secret, timestamp=timestamp, nonce=nonce, body=body
    )
    return client.post(
        URL,
        data=body + tamper,
        content_type="application/json",
        HTTP_X_PEER=peer.code,
        HTTP_X_TIMESTAMP=timestamp,
        HTTP_X_NONCE=nonce,
        HTTP_X_SIGNATURE=signature,
    )


def received(county):
    with use_site(county):
        return list(ReceivedItem.objects.all())


def test_received_item_lands_sanitised_in_the_sites_inbox_once(
    client, peer, county, county_editor, other_editor
):
    first = post(client, item(), peer)
    assert first.status_code == 201, first.content
    again = post(client, item(), peer)  # the same revision, a new nonce
    assert (again.status_code, again.json()["status"]) == (200, "duplicate")
    [stored] = received(county)
    assert "script" not in stored.body and "javascript" not in stored.body
    assert "正文" in stored.body
    # A new revision is a new entry.
    assert post(client, item(revision=8), peer).status_code == 201
    assert len(received(county)) == 2
    inbox = admin_client_for(county_editor).get("/admin/syndication/inbox/")
    assert "来自外平台的通知" in inbox.content.decode()
    other = admin_client_for(other_editor).get("/admin/syndication/inbox/")
    assert "来自外平台的通知" not in other.content.decode()
    response = admin_client_for(other_editor).post(
        f"/admin/syndication/received/{stored.pk}/take/"
    )
    assert response.status_code == 404
    # The county takes it: a page of its own, with the source named (an
    # editor's take is a draft for review; a site admin's goes live).
    [newer] = [r for r in received(county) if r.revision == 8]
    services.received_take(user=county_editor, item=newer)
    newer.refresh_from_db()
    assert newer.state == ExchangeState.DRAFT
    taken = admin_client_for(member(county, SiteRole.ADMIN)).post(
        f"/admin/syndication/received/{stored.pk}/take/", follow=True
    )
    assert "已完成" in taken.content.decode()
    stored.refresh_from_db()
    assert stored.state == ExchangeState.LIVE
    page = stored.page.specific
    assert page.live and page.source == "某市人民政府"
    assert client_for(county).get(page.url).status_code == 200


def test_replayed_tampered_stale_or_unknown_requests_are_refused(client, peer, county):
    body = item()
    timestamp = str(int(time.time()))
    assert (
        post(client, body, peer, timestamp=timestamp, nonce="n-000001").status_code
        == 201
    )
    replay = post(client, body, peer, timestamp=timestamp, nonce="n-000001")
    assert replay.status_code == 409
    assert post(client, body, peer, tamper=b" ").status_code == 401
    assert post(client, body, peer, secret="wrong").status_code == 401
    old = str(int(time.time()) - 3600)
    assert post(client, body, peer, timestamp=old).status_code == 401
    stranger = Peer(code="nobody", secret="x", site=county)
    assert post(client, body, stranger).status_code == 401
    assert post(client, b"{not json", peer).status_code == 422
    assert (
        post(client, item(remote_id="x:1", column_code="nosuch"), peer).status_code
        == 422
    )
    assert len(received(county)) == 1


def test_exchange_api_is_in_the_openapi_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/exchange/items" in schema["paths"]


def _outbox(site):
    with use_site(site):
        return list(OutboxMessage.objects.all())


def test_sender_refuses_loopback_unless_the_peer_is_configured_so(
    province, notice, run_tasks
):
    peer = Peer.objects.create(
        code="loop",
        name="本机",
        base_url="http://127.0.0.1:9",
        secret="s",
        site=province,
    )
    message = services.outbox_add(page=notice, peer=peer, column_code="tzgg")
    assert services.outbox_add(page=notice, peer=peer, column_code="tzgg") == message
    state = exchange.outbox_deliver(site_id=province.pk, message_id=message.pk)
    [stored] = _outbox(province)
    assert state == OutboxState.PENDING and stored.attempts == 1
    assert stored.last_error.startswith("refused")


class _Handler(http.server.BaseHTTPRequestHandler):
    answer = b"garbage"
    delay = 0.0

    def do_POST(self):
        time.sleep(self.delay)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(self.answer)

    def log_message(self, *args):
        pass


@pytest.fixture
def odd_peer_server():
    """A loopback server answering garbage, or slowly (bounded, stops itself)."""
    servers = []

    def start(*, answer=b"garbage", delay=0.0):
        handler = type("H", (_Handler,), {"answer": answer, "delay": delay})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("answer", "delay", "error"),
    [(b"<html>oops</html>", 0.0, "not JSON"), (b"{}", 2.0, "timeout")],
)
def test_a_peer_answering_garbage_or_slowly_is_retried_later_not_lost(
    province, notice, odd_peer_server, answer, delay, error
):
    peer = Peer.objects.create(
        code="odd",
        name="异常平台",
        base_url=odd_peer_server(answer=answer, delay=delay),
        secret="s",
        site=province,
        allow_private=True,
    )
    message = services.outbox_add(page=notice, peer=peer, column_code="tzgg")
    state = exchange.outbox_deliver(
        site_id=province.pk, message_id=message.pk, timeout=0.5
    )
    [stored] = _outbox(province)
    assert state == OutboxState.PENDING
    assert stored.attempts == 1 and error in stored.last_error
    assert (
        exchange.retry_delay(1).total_seconds()
        < exchange.retry_delay(3).total_seconds()
    )


def test_only_platform_admins_configure_peers(platform_admin, province, site_admin):
    assert (
        admin_client_for(platform_admin).get("/admin/syndication/peers/").status_code
        == 200
    )
    for user in (site_admin,):
        response = admin_client_for(user).get("/admin/syndication/peers/")
        assert response.status_code in (302, 403)
        response = admin_client_for(user).post(
            "/admin/syndication/peers/new/",
            {
                "code": "x",
                "name": "x",
                "base_url": "https://x.cn",
                "secret": "s",
                "site": province.pk,
            },
        )
        assert response.status_code in (302, 403)
    assert not Peer.objects.filter(code="x").exists()
