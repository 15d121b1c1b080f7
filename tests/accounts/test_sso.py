"""Single sign-on across hosts through the identity host: plain redirects, back to
the page the person came from; forged redirect addresses, replayed or foreign
tickets, sign-in CSRF, signed-out and deactivated sessions are refused."""

from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from accounts import selectors, services
from accounts.models import IdentitySession, SsoClient, SsoTicket
from sites.services import site_close, site_reopen
from tests.factories import SiteFactory, UserFactory

from .conftest import IDENTITY, query
from .helpers import register_by_phone

pytestmark = pytest.mark.django_db


def _signed_in_on(browser, site, path="/accounts/me/letters/"):
    """Visit ``path`` on the site's host, following every redirect."""
    response = browser.get(f"http://{site.host}{path}")
    return browser.follow(response, site.host)


def test_provisioning_registers_the_site_host_and_closing_removes_it(site):
    client = SsoClient.objects.get(site=site)
    assert client.hostname == site.host and client.active
    site_close(site=site)
    assert selectors.sso_client_get(client_id=client.client_id) is None
    site_reopen(site=site)
    assert selectors.sso_client_get(client_id=client.client_id) == client


def test_sign_in_once_recognised_on_another_sites_host(
    browser_client, sms, site, other_site
):
    # Not signed in: the site's page sends the visitor to the identity host.
    first = browser_client.get(f"http://{site.host}/accounts/me/letters/")
    assert first.status_code == 302
    response, _, host = browser_client.follow(first, site.host)
    assert host == IDENTITY and "登录 / 注册" in response.content.decode()
    # Registering there brings them back to the page they came from.
    done = register_by_phone(browser_client, sms)
    final, _, host = browser_client.follow(done, IDENTITY)
    assert host == site.host
    assert final.status_code == 200 and "我的信件" in final.content.decode()
    assert final.wsgi_request.path == "/accounts/me/letters/"
    # Another site (an unrelated host): signed in with redirects only.
    final, redirects, host = _signed_in_on(browser_client, other_site)
    assert host == other_site.host and final.status_code == 200
    assert final.wsgi_request.user.is_authenticated
    assert redirects == 4  # login, identity, callback, back to the page


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "http://evil.example/accounts/sso/callback/",
        "http://{host}.evil.example/accounts/sso/callback/",
        "http://{host}@evil.example/accounts/sso/callback/",
        "http://evil.example\\@{host}/accounts/sso/callback/",
        "http://{host}/accounts/me/",
        "http://{host}/accounts/sso/callback/?next=//evil.example",
        "http://{host}:8443/accounts/sso/callback/",
        "javascript://{host}/accounts/sso/callback/",
        "http://{other}/accounts/sso/callback/",  # another site's host
        "",
    ],
)
def test_forged_or_unregistered_redirect_is_refused(
    browser_client, sms, site, other_site, redirect_uri
):
    register_by_phone(browser_client, sms)
    tickets = SsoTicket.objects.count()
    uri = redirect_uri.format(host=site.host, other=other_site.host)
    response = browser_client.get(
        f"http://{IDENTITY}/accounts/sso/authorize/?"
        + urlencode({"client_id": site.code, "redirect_uri": uri, "state": "abc123"})
    )
    assert response.status_code == 400
    assert "回跳地址未在本平台登记" in response.content.decode()
    assert SsoTicket.objects.count() == tickets


def test_closed_sites_client_is_refused(browser_client, sms, site):
    register_by_phone(browser_client, sms)
    site_close(site=site)
    response = browser_client.get(
        f"http://{IDENTITY}/accounts/sso/authorize/?"
        + urlencode(
            {
                "client_id": site.code,
                "redirect_uri": f"http://{site.host}/accounts/sso/callback/",
                "state": "abc123",
            }
        )
    )
    assert response.status_code == 400
    assert not SsoTicket.objects.exists()


def _ticket_url(browser, site):
    """Start sign-in on ``site`` for a browser signed in on the identity host; the
    callback address with its ticket (not yet visited)."""
    start = browser.get(f"http://{site.host}/accounts/login/?next=/accounts/me/")
    authorize = browser.get(start["Location"])
    assert authorize.status_code == 302
    return authorize["Location"]


def test_replayed_ticket_is_refused(browser_client, sms, site):
    register_by_phone(browser_client, sms)
    callback = _ticket_url(browser_client, site)
    assert browser_client.get(callback).status_code == 302
    attacker = type(browser_client)()
    # The attacker's own sign-in on the site, with the victim's used ticket.
    start = attacker.get(f"http://{site.host}/accounts/login/")
    state = query(start["Location"])["state"]
    ticket = query(callback)["ticket"]
    replay = attacker.get(
        f"http://{site.host}/accounts/sso/callback/?ticket={ticket}&state={state}"
    )
    assert replay.status_code == 400 and "已失效或已被使用" in replay.content.decode()
    assert not replay.wsgi_request.user.is_authenticated


def test_ticket_for_one_site_is_refused_by_another(
    browser_client, sms, site, other_site
):
    register_by_phone(browser_client, sms)
    ticket = query(_ticket_url(browser_client, site))["ticket"]
    start = browser_client.get(f"http://{other_site.host}/accounts/login/")
    state = query(start["Location"])["state"]
    response = browser_client.get(
        f"http://{other_site.host}/accounts/sso/callback/?ticket={ticket}&state={state}"
    )
    assert response.status_code == 400
    assert not response.wsgi_request.user.is_authenticated


def test_sign_in_csrf_callback_without_this_browsers_state_is_refused(
    browser_client, sms, site
):
    """An attacker's valid ticket pushed into a victim's browser does not sign the
    victim in as the attacker: the state was not started by that browser."""
    register_by_phone(browser_client, sms)
    callback = _ticket_url(browser_client, site)
    victim = Client(HTTP_HOST=site.host)
    response = victim.get(callback.split(site.host, 1)[1])
    assert response.status_code == 400
    assert not response.wsgi_request.user.is_authenticated
    assert SsoTicket.objects.get().used_at is None


def test_sign_in_form_refuses_posts_without_csrf_token(sms):
    client = Client(HTTP_HOST=IDENTITY, enforce_csrf_checks=True)
    response = client.post(
        "/accounts/login/", {"action": "send", "target": "13800138000"}
    )
    assert response.status_code == 403
    assert not sms


def test_sign_out_on_one_site_signs_out_everywhere(
    browser_client, sms, site, other_site
):
    register_by_phone(browser_client, sms)
    _signed_in_on(browser_client, site)
    _signed_in_on(browser_client, other_site)
    response = browser_client.post(f"http://{other_site.host}/accounts/logout/", {})
    assert response.status_code == 302
    assert IdentitySession.objects.get().ended_at is not None
    # The first site's own session is refused on its next request.
    first = browser_client.get(f"http://{site.host}/accounts/me/")
    assert first.status_code == 302 and "/accounts/login/" in first["Location"]
    identity = browser_client.get(f"http://{IDENTITY}/accounts/login/")
    assert not identity.wsgi_request.user.is_authenticated


def test_deactivated_accounts_old_session_is_refused(browser_client, sms, site):
    register_by_phone(browser_client, sms)
    final, _, _ = _signed_in_on(browser_client, site)
    assert final.status_code == 200
    get_user_model().objects.update(is_active=False)
    again = browser_client.get(f"http://{site.host}/accounts/me/")
    assert again.status_code == 302
    assert not again.wsgi_request.user.is_authenticated
    # Nor can it get a new ticket.
    start = browser_client.get(f"http://{site.host}/accounts/login/")
    authorize = browser_client.get(start["Location"])
    assert authorize["Location"] == "/accounts/login/"


def test_signing_out_a_device_ends_its_sessions(browser_client, sms, site):
    register_by_phone(browser_client, sms)
    _signed_in_on(browser_client, site)
    session = IdentitySession.objects.get()
    services.identity_session_end(user=session.user, session_id=session.pk)
    response = browser_client.get(f"http://{site.host}/accounts/me/")
    assert response.status_code == 302


def test_public_account_never_reaches_the_admin(browser_client, sms):
    register_by_phone(browser_client, sms)
    identity = browser_client.client(IDENTITY)
    for path in ("/admin/", "/admin/pages/", "/admin/users/"):
        response = identity.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/admin/login/")
    # Nor by signing in at the admin's own form with a password.
    user = get_user_model().objects.get()
    user.set_password("Qz!8vLm#2026")
    user.save()
    admin = Client(HTTP_HOST=IDENTITY)
    refused = admin.post(
        "/admin/login/", {"username": user.username, "password": "Qz!8vLm#2026"}
    )
    # Answered like a wrong password: the form again, no session.
    assert refused.status_code == 200
    assert refused.context["form"].errors["__all__"]
    assert "_auth_user_id" not in admin.session
    response = admin.get("/admin/")
    assert response.status_code == 302
    assert not user.is_staff and not user.has_perm("wagtailadmin.access_admin")


def test_staff_session_on_the_identity_host_is_not_handed_to_sites(site):
    staff = UserFactory(is_staff=True)
    browser = Client(HTTP_HOST=IDENTITY)
    browser.force_login(staff)
    response = browser.get(
        "/accounts/sso/authorize/?"
        + urlencode(
            {
                "client_id": site.code,
                "redirect_uri": f"http://{site.host}/accounts/sso/callback/",
                "state": "abc123",
            }
        )
    )
    assert response["Location"] == "/accounts/login/"
    assert not SsoTicket.objects.exists()


def test_a_new_site_is_a_client_at_once(browser_client, sms):
    new = SiteFactory(host="dept.other-domain.localhost")
    register_by_phone(browser_client, sms)
    final, _, host = _signed_in_on(browser_client, new)
    assert host == new.host and final.status_code == 200


def test_a_malformed_device_or_session_id_changes_nothing(browser_client, sms, site):
    register_by_phone(browser_client, sms)
    _signed_in_on(browser_client, site)
    client = browser_client.client(site.host)
    response = client.post(
        "/accounts/me/security/", {"action": "device", "session": "not-a-uuid"}
    )
    assert response.status_code == 302
    assert IdentitySession.objects.get().ended_at is None
    session = client.session
    session["accounts_identity"] = "garbage"
    session.save()
    assert client.get("/accounts/me/").status_code == 302  # refused, not a 500


@pytest.mark.parametrize("state", ["", "a b", "x" * 65, "état", "<script>"])
def test_a_malformed_state_is_refused(browser_client, sms, site, state):
    register_by_phone(browser_client, sms)
    response = browser_client.get(
        f"http://{IDENTITY}/accounts/sso/authorize/?"
        + urlencode(
            {
                "client_id": site.code,
                "redirect_uri": f"http://{site.host}/accounts/sso/callback/",
                "state": state,
            }
        )
    )
    assert response.status_code == 400
    assert not SsoTicket.objects.exists()


def test_public_pages_stay_cacheable_for_visitors_without_an_identity_session(site):
    response = Client(HTTP_HOST=site.host).get("/")
    assert "Cookie" not in response.headers.get("Vary", "")
    assert "Set-Cookie" not in response.headers
