from django.test import Client

from accounts import services
from accounts.middleware import IDENTITY_SESSION_KEY
from accounts.views import BACKEND

from .conftest import IDENTITY, last_code


def register_by_phone(browser, outbox, phone="13800138000", **extra):
    """Register (or sign in) on the identity host with a code; the response."""
    browser.post(
        f"http://{IDENTITY}/accounts/login/", {"action": "send", "target": phone}
    )
    return browser.post(
        f"http://{IDENTITY}/accounts/login/",
        {
            "action": "verify",
            "target": phone,
            "code": last_code(outbox),
            "consent": "on",
            **extra,
        },
    )


def make_account(phone="13900139000", username="", password=""):
    return services.account_register(
        channel="phone", address=phone, username=username, password=password
    )


def signed_in_client(site, user, **kwargs):
    """A browser on ``site``'s host signed in as ``user`` through an identity
    session (what the single sign-on callback leaves behind)."""
    client = Client(HTTP_HOST=site.host, **kwargs)
    client.force_login(user, backend=BACKEND)
    session = client.session
    session[IDENTITY_SESSION_KEY] = str(
        services.identity_session_start(user=user, user_agent="test").pk
    )
    session.save()
    return client
