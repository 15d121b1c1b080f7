"""Signing staff in through the real forms: password, then the second factor
(every admin sign-in asks for one; accounts.staff)."""

from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories.staff import enrol_second_factor, totp_code


def sign_in_staff(page, live_server, user, password: str) -> None:
    """Sign ``user`` in at /admin/login/ and pass the second factor (enrolling
    them first if they have none), ending on the dashboard."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = enrol_second_factor(user)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/second-factor/**")
    page.fill("input[name=code]", totp_code(device))
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
