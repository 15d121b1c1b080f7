"""A staff sign-in with a second factor in a real headless Chromium: the first
sign-in enrols (QR code, key, recovery codes), the next one asks for a code, and
a wrong code keeps the admin closed."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from sites.models import SiteRole
from sites.services import site_groups
from tests.browser.staff import sign_in_staff
from tests.factories import SiteFactory, UserFactory
from tests.factories.staff import totp_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "pw-for-tests-1"


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def staff_member():
    site = SiteFactory()
    user = UserFactory()
    site_groups(site=site)[SiteRole.EDITOR].user_set.add(user)
    return user


def test_first_sign_in_enrols_then_every_sign_in_asks_for_a_code(
    page, live_server, staff_member
):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", staff_member.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/second-factor/enrol/**")
    assert page.locator("h1").inner_text() == "设置双因素认证"
    assert page.locator(".staff-mfa-qr svg").count() == 1
    assert page.locator("[data-staff-secret]").inner_text().strip()

    device = TOTPDevice.objects.get(user=staff_member, confirmed=False)
    page.fill("input[name=code]", totp_code(device))
    page.click("button[type=submit]")
    page.wait_for_selector(".staff-recovery-codes")
    assert page.locator(".staff-recovery-codes li").count() == 10
    page.get_by_role("link", name="继续").click()
    page.wait_for_url(f"{live_server.url}/admin/")

    # Signed out, the next sign-in asks for a code; a wrong one is refused.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", staff_member.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/second-factor/**")
    wrong = "000000" if totp_code(device) != "000000" else "111111"
    page.fill("input[name=code]", wrong)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "验证码错误" in page.content()
    page.goto(f"{live_server.url}/admin/pages/")
    assert "/admin/second-factor/" in page.url


def test_an_enrolled_account_signs_in_with_its_code(page, live_server, staff_member):
    sign_in_staff(page, live_server, staff_member, PASSWORD)
    assert page.url == f"{live_server.url}/admin/"
