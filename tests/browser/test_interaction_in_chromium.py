"""Issue 7's "done when", in a real headless Chromium: a person files a complaint on
a county site (double-clicking submit), a county handler transfers it to the city,
the city replies, the person looks it up and rates it, and the county's public
listing shows it with personal data masked."""

import re

import pytest

from interaction.models import Case
from sites.models import SiteRole
from sites.tenancy import all_sites
from tests.browser.test_sites_in_chromium import PASSWORD, sign_in, site_url
from tests.conftest import _member
from tests.factories import SiteFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _solve_captcha(page):
    question = page.locator(".captcha-question").inner_text()
    a, b = (int(n) for n in re.findall(r"\d+", question)[:2])
    page.fill("input[name=captcha_0]", str(a + b))


def test_complaint_on_a_county_site_transferred_replied_rated_and_listed_masked(
    browser, live_server
):
    province = SiteFactory(name="演示省人民政府")
    city = SiteFactory.child(province, "city", name="演示市人民政府")
    county = SiteFactory.child(city, "county", name="演示县人民政府")
    county_handler = _member(county, SiteRole.EDITOR)
    city_handler = _member(city, SiteRole.EDITOR)

    person = browser.new_context().new_page()
    person.goto(
        site_url(live_server, county, "/interaction/cases/new/?channel=complaints")
    )
    assert person.locator("h1").inner_text() == "投诉举报"
    person.select_option("select[name=kind]", "complaint")
    person.fill("input[name=title]", "小区噪音扰民")
    person.fill(
        "textarea[name=content]",
        "我是张三，电话13812345678。工地夜间施工<script>alert(1)</script>，请处理。",
    )
    person.fill("input[name=name]", "张三")
    person.fill("input[name=phone]", "13812345678")
    person.check("input[name=allow_public]")
    _solve_captcha(person)
    person.dblclick("form.interaction-form button[type=submit]")
    person.wait_for_url(re.compile(r".*/interaction/cases/submitted/.*"))
    tracking_number = person.locator("#tracking-number").inner_text()
    query_code = person.locator("#query-code").inner_text()
    assert tracking_number.startswith(county.code)
    with all_sites():
        assert Case.objects.count() == 1  # the double click stored one case
        case = Case.objects.get()

    county_page = browser.new_context().new_page()
    sign_in(county_page, live_server, county_handler)
    county_page.goto(f"{live_server.url}/admin/interaction/cases/")
    county_page.click(f"text={tracking_number}")
    county_page.select_option("select[name=transfer-to_site]", str(city.pk))
    county_page.fill("textarea[name=transfer-message]", "属市级事权，转市政府办理")
    # Transferring cannot be undone: the button asks first, in a dialog.
    county_page.click("#transfer-form [data-a11y-dialog-show]")
    county_page.click("button[form=transfer-form]")
    county_page.wait_for_url(f"{live_server.url}/admin/interaction/cases/")
    # Gone from the county's list (the message above it names where it went).
    assert tracking_number not in county_page.locator("#listing-results").inner_text()
    assert "已转办至演示市人民政府" in county_page.content()

    city_page = browser.new_context().new_page()
    sign_in(city_page, live_server, city_handler)
    city_page.goto(f"{live_server.url}/admin/interaction/cases/{case.pk}/")
    assert (
        "演示县人民政府 → 演示市人民政府"
        in city_page.locator("#case-history").inner_text()
    )
    city_page.click("button[name=accept]")
    city_page.fill("textarea[name=reply-message]", "张三您好，已责令工地停止夜间施工。")
    city_page.click("#reply-form button[type=submit]")
    city_page.wait_for_selector("text=已答复")

    person.goto(site_url(live_server, county, "/interaction/cases/lookup/"))
    person.fill("input[name=tracking_number]", tracking_number)
    person.fill("input[name=query_code]", query_code)
    person.click("form.interaction-form button[type=submit]")
    assert "已责令工地停止夜间施工" in person.locator("#case-reply").inner_text()
    assert person.locator("#case-status").inner_text() == "已答复"
    person.check("input[name=rating][value=satisfied]")
    person.fill("textarea[name=comment]", "处理及时")
    person.click("text=提交评价")
    person.wait_for_selector("text=您的评价")

    person.goto(site_url(live_server, county, "/interaction/cases/"))
    listing = person.locator("main").inner_text()
    assert "小区噪音扰民" in listing and "已责令工地停止夜间施工" in listing
    assert "张**" in listing and "138****5678" in listing
    assert "张三" not in listing and "13812345678" not in listing
    assert "演示市人民政府" in listing  # who replied
    with all_sites():
        assert Case.objects.get().rating == "satisfied"
    assert PASSWORD
