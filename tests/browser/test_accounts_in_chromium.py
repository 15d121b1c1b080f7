"""Issue 14's public half in a real headless Chromium: a citizen registers on a
county's host (through the identity host), files a letter, opens a department site
on another domain and is already signed in there with the letter under 我的信件;
signs out there and is signed out on the county's host too."""

import re

import pytest

from accounts.senders import MemorySmsGateway
from interaction.models import Case
from sites.tenancy import all_sites
from tests.browser.test_sites_in_chromium import site_url
from tests.factories import SiteFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_register_on_a_county_file_a_letter_seen_and_signed_out_on_a_department(
    browser, live_server, settings
):
    settings.ACCOUNTS_SMS_GATEWAY = "accounts.senders.MemorySmsGateway"
    MemorySmsGateway.outbox.clear()
    province = SiteFactory(name="演示省人民政府")
    city = SiteFactory.child(province, "city", name="演示市人民政府")
    county = SiteFactory.child(city, "county", name="演示县人民政府")
    department = SiteFactory.child(
        city, "department", name="演示市教育局", host="jyj.another-domain.localhost"
    )
    port = live_server.url.rsplit(":", 1)[1]
    identity = f"http://localhost:{port}"

    person = browser.new_context().new_page()
    person.goto(site_url(live_server, county, "/interaction/cases/mine/"))
    # Sent to the platform's identity host by plain redirects.
    assert person.url.startswith(f"{identity}/accounts/login/")
    assert person.locator("h1").inner_text() == "登录 / 注册"
    person.fill("input[name=target]", "13812345678")
    person.click("button[value=send]")
    person.wait_for_selector("#code-sent")
    code = re.search(r"\d{6}", MemorySmsGateway.outbox[-1]["text"]).group(0)
    person.fill("input[name=target]", "13812345678")
    person.fill("input[name=code]", code)
    person.check("input[name=consent]")
    person.click("button[value=verify]")
    # Back on the county's host, on the page the person asked for.
    person.wait_for_url(site_url(live_server, county, "/interaction/cases/mine/"))
    assert person.locator("h1").inner_text() == "我的信件"

    person.goto(site_url(live_server, county, "/interaction/cases/new/"))
    assert person.locator("input[name=captcha_0]").count() == 0  # signed in
    assert person.input_value("input[name=phone]") == "13812345678"
    person.fill("input[name=title]", "学校门口交通拥堵")
    person.fill("textarea[name=content]", "上下学时段车辆拥堵，建议增设交通协管。")
    person.fill("input[name=name]", "王五")
    person.click("form.interaction-form button[type=submit]")
    person.wait_for_url(re.compile(r".*/interaction/cases/submitted/.*"))
    tracking_number = person.locator("#tracking-number").inner_text()

    # A department site on another domain: already signed in, the letter listed.
    person.goto(site_url(live_server, department, "/accounts/me/letters/"))
    assert person.url == site_url(live_server, department, "/accounts/me/letters/")
    letters = person.locator("#my-letters").inner_text()
    assert tracking_number in letters and "学校门口交通拥堵" in letters

    # Signing out there signs out on the county's host too.
    person.click("#sign-out")
    person.goto(site_url(live_server, county, "/accounts/me/letters/"))
    assert person.url.startswith(f"{identity}/accounts/login/")
    assert person.locator("#code-sign-in").count() == 1
    with all_sites():
        assert Case.objects.get().user.public_account.phone == "13812345678"
