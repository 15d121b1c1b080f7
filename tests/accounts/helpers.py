from accounts import services

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
