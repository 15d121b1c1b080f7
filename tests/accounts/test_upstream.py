"""Signing in through the province's identity provider: a fake OpenID Connect
provider served on loopback; the button only when configured; accounts linked by
verified mobile number, and refused without one."""

import base64
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from accounts import upstream
from accounts.models import PublicAccount

from .helpers import make_account

pytestmark = pytest.mark.django_db
CLIENT_ID, SECRET = "govplatform", "s3cret"


def _jwt(claims: dict) -> str:
    def part(data: dict) -> str:
        raw = base64.urlsafe_b64encode(json.dumps(data).encode()).decode()
        return raw.rstrip("=")

    return f"{part({'alg': 'RS256'})}.{part(claims)}.c2lnbmF0dXJl"


class FakeProvider(BaseHTTPRequestHandler):
    claims: dict = {}
    codes: set = set()
    nonce: str = ""
    id_token_overrides: dict = {}

    def log_message(self, *args):  # quiet
        pass

    def _json(self, status, data):
        body = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        base = f"http://127.0.0.1:{self.server.server_port}"
        if self.path == "/.well-known/openid-configuration":
            return self._json(
                200,
                {
                    "issuer": base,
                    "authorization_endpoint": f"{base}/authorize",
                    "token_endpoint": f"{base}/token",
                    "userinfo_endpoint": f"{base}/userinfo",
                },
            )
        if self.path == "/userinfo":
            if self.headers.get("Authorization") != "Bearer token-1":
                return self._json(401, {"error": "invalid_token"})
            return self._json(200, type(self).claims)
        return self._json(404, {})

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        form = parse_qs(self.rfile.read(length).decode())
        expected = base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
        if (
            self.path != "/token"
            or self.headers.get("Authorization") != f"Basic {expected}"
            or form.get("code", [""])[0] not in type(self).codes
        ):
            return self._json(400, {"error": "invalid_grant"})
        type(self).codes.discard(form["code"][0])
        id_token = {
            "iss": f"http://127.0.0.1:{self.server.server_port}",
            "aud": CLIENT_ID,
            "exp": int(time.time()) + 300,
            "nonce": type(self).nonce,
            "sub": type(self).claims.get("sub"),
            **type(self).id_token_overrides,
        }
        return self._json(
            200,
            {
                "access_token": "token-1",
                "token_type": "Bearer",
                "id_token": _jwt(id_token),
            },
        )


@pytest.fixture
def provider(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeProvider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.ACCOUNTS_UPSTREAM_OIDC = {
        "issuer": f"http://127.0.0.1:{server.server_port}",
        "client_id": CLIENT_ID,
        "client_secret": SECRET,
        "allowed_networks": ["127.0.0.0/8"],
    }
    FakeProvider.codes = {"code-1"}
    FakeProvider.id_token_overrides = {}
    yield FakeProvider
    server.shutdown()
    server.server_close()


def _round_trip(client, consent=True):
    start = client.post("/accounts/upstream/", {"consent": "on"} if consent else {})
    assert start.status_code == 302
    location = urlsplit(start["Location"])
    assert location.path == "/authorize"
    state = parse_qs(location.query)["state"][0]
    FakeProvider.nonce = parse_qs(location.query)["nonce"][0]
    return client.get(f"/accounts/upstream/callback/?code=code-1&state={state}")


def test_button_only_when_configured(settings):
    settings.ACCOUNTS_UPSTREAM_OIDC = {
        "issuer": "",
        "client_id": "",
        "client_secret": "",
        "allowed_networks": [],
    }
    html = Client(HTTP_HOST="localhost").get("/accounts/login/").content.decode()
    assert "使用省统一身份认证平台登录" not in html
    assert Client(HTTP_HOST="localhost").post("/accounts/upstream/").status_code == 404


def test_verified_mobile_links_the_existing_account(provider):
    account = make_account(phone="13900139000")
    provider.claims = {
        "sub": "prov-42",
        "phone_number": "+8613900139000",
        "phone_number_verified": True,
    }
    client = Client(HTTP_HOST="localhost")
    assert (
        "使用省统一身份认证平台登录" in client.get("/accounts/login/").content.decode()
    )
    response = _round_trip(client)
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.upstream_subject == "prov-42"
    assert response.wsgi_request.user == account.user
    assert PublicAccount.objects.count() == 1


def test_an_unverified_mobile_is_not_linked(provider):
    account = make_account(phone="13900139000")
    provider.claims = {
        "sub": "prov-42",
        "phone_number": "13900139000",
        "phone_number_verified": False,
    }
    client = Client(HTTP_HOST="localhost")
    response = _round_trip(client)
    assert response.status_code == 400
    assert "已验证的手机号" in response.content.decode()
    account.refresh_from_db()
    assert account.upstream_subject == ""
    assert not response.wsgi_request.user.is_authenticated


def test_a_new_person_registers_with_consent_only(provider):
    provider.claims = {
        "sub": "prov-7",
        "phone_number": "13700137000",
        "phone_number_verified": True,
    }
    refused = _round_trip(Client(HTTP_HOST="localhost"), consent=False)
    assert refused.status_code == 400 and not PublicAccount.objects.exists()
    provider.codes = {"code-1"}
    response = _round_trip(Client(HTTP_HOST="localhost"))
    assert response.status_code == 302
    account = PublicAccount.objects.get()
    assert account.phone == "13700137000" and account.upstream_subject == "prov-7"


def test_a_forged_state_is_refused(provider):
    provider.claims = {"sub": "x", "phone_number": "13700137000",
                       "phone_number_verified": True}  # fmt: skip
    client = Client(HTTP_HOST="localhost")
    client.post("/accounts/upstream/", {"consent": "on"})
    response = client.get("/accounts/upstream/callback/?code=code-1&state=forged")
    assert response.status_code == 400
    assert not PublicAccount.objects.exists()
    assert provider.codes == {"code-1"}  # the code was never exchanged


def test_the_linked_subject_signs_in_again_without_a_phone_claim():
    account = make_account(phone="13900139000")
    account.upstream_subject = "prov-42"
    account.save()
    user, created = upstream.upstream_sign_in(claims={"sub": "prov-42"}, consent=False)
    assert user == account.user and not created


def test_a_number_linked_to_another_subject_is_refused():
    account = make_account(phone="13900139000")
    account.upstream_subject = "prov-1"
    account.save()
    with pytest.raises(upstream.UpstreamError):
        upstream.upstream_sign_in(
            claims={"sub": "prov-2", "phone_number": "13900139000",
                    "phone_number_verified": True},
            consent=True,
        )  # fmt: skip
    account.refresh_from_db()
    assert account.upstream_subject == "prov-1"


@pytest.mark.parametrize(
    "override",
    [
        {"nonce": "replayed-from-another-sign-in"},
        {"aud": "another-client"},
        {"iss": "http://evil.example"},
        {"exp": 1},
        {"sub": "someone-else"},
    ],
    ids=["nonce", "audience", "issuer", "expired", "subject"],
)
def test_a_foreign_or_replayed_id_token_is_refused(provider, override):
    account = make_account(phone="13900139000")
    provider.claims = {
        "sub": "prov-42",
        "phone_number": "13900139000",
        "phone_number_verified": True,
    }
    provider.id_token_overrides = override
    response = _round_trip(Client(HTTP_HOST="localhost"))
    assert response.status_code == 400
    assert "拒绝" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated
    account.refresh_from_db()
    assert account.upstream_subject == ""


def test_an_unreadable_id_token_is_refused():
    with pytest.raises(upstream.UpstreamError):
        upstream.check_id_token(id_token="not-a-jwt", issuer="x", nonce="n")
