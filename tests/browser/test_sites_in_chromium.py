"""The platform in a real headless Chromium: public pages at their hosts, an editor
who sees only their site, and a platform admin provisioning a county site that then
answers at its own host."""

import pytest

from accounts.staff.models import StaffRole
from accounts.staff.services import role_group
from sites.models import GovSite
from sites.services import site_groups
from tests.browser.staff import sign_in_staff
from tests.factories import SiteFactory, UserFactory

# Transactional (the live server is another thread); the serialized rollback puts
# back Wagtail's root page and collection, which the flush after each test removes.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "pw-for-tests-1"


def site_url(live_server, site, path="/"):
    port = live_server.url.rsplit(":", 1)[1]
    return f"http://{site.host}:{port}{path}"


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, live_server, user):
    sign_in_staff(page, live_server, user, PASSWORD)


def test_public_home_and_column_pages_at_the_sites_host(page, live_server):
    site = SiteFactory(name="辽宁省人民政府")
    page.goto(site_url(live_server, site))
    assert page.title() == "辽宁省人民政府"
    assert page.locator("h1").inner_text() == "辽宁省人民政府"
    assert site.code in page.locator("footer").inner_text()
    page.get_by_role("navigation", name="主导航").get_by_role(
        "link", name="新闻动态"
    ).click()
    page.wait_for_url(site_url(live_server, site, "/news/"))
    assert page.locator("h1").inner_text() == "新闻动态"
    assert (
        page.locator('meta[name="ColumnName"]').get_attribute("content") == "新闻动态"
    )


def test_pages_fit_a_phone_screen(browser, live_server):
    site = SiteFactory()
    context = browser.new_context(viewport={"width": 375, "height": 800})
    phone = context.new_page()
    try:
        for path in ("/", "/news/", "/xxgk/zcwj/"):
            phone.goto(site_url(live_server, site, path))
            overflow = phone.evaluate(
                "document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
    finally:
        context.close()


def test_unknown_host_never_shows_a_site(page, live_server):
    SiteFactory()
    port = live_server.url.rsplit(":", 1)[1]
    response = page.goto(f"http://nobody.localhost:{port}/")
    assert response.status == 404


def test_editor_signs_in_and_sees_only_their_own_site(page, live_server):
    mine, theirs = SiteFactory(), SiteFactory()
    editor = UserFactory()
    site_groups(site=mine)["editor"].user_set.add(editor)
    sign_in(page, live_server, editor)
    # Chinese first, although this browser asks for English.
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert "我的站点" in page.locator("nav").first.inner_text()
    page.goto(f"{live_server.url}/admin/pages/")
    text = page.locator("main").inner_text()
    assert mine.name in text
    assert theirs.name not in text
    page.goto(f"{live_server.url}/admin/pages/{theirs.wagtail_site.root_page_id}/edit/")
    assert f"/pages/{theirs.wagtail_site.root_page_id}/edit/" not in page.url


def test_platform_admin_provisions_a_county_that_answers_at_its_host(page, live_server):
    province = SiteFactory(
        code="2100000001", division_code="210000", name="辽宁省人民政府"
    )
    city = SiteFactory(
        level="city", parent_code=province.code, code="2101000001",
        division_code="210100", name="沈阳市人民政府", host="sy.test.localhost",
    )  # fmt: skip
    # A system administrator (三员分立): the superuser does not sign in here.
    admin = UserFactory()
    admin.groups.add(role_group(StaffRole.SYSTEM_ADMIN))
    sign_in(page, live_server, admin)
    page.goto(f"{live_server.url}/admin/govsites/new/")
    page.fill("input[name=name]", "沈阳市浑南区人民政府")
    page.fill("input[name=code]", "2101120001")
    page.select_option("select[name=level]", "county")
    page.select_option("select[name=parent]", str(city.pk))
    page.fill("input[name=division_code]", "210112")
    page.fill("input[name=host]", "hunnan.sy.test.localhost")
    # A mistake first: the form keeps what was typed and says what is wrong.
    page.fill("input[name=division_code]", "210199x")
    page.get_by_role("button", name="开通站点").click()
    assert "行政区划代码" in page.locator("main").inner_text()
    assert page.input_value("input[name=name]") == "沈阳市浑南区人民政府"
    assert not GovSite.objects.filter(code="2101120001").exists()
    page.fill("input[name=division_code]", "210112")
    page.get_by_role("button", name="开通站点").click()
    page.wait_for_url(f"{live_server.url}/admin/govsites/")
    assert "沈阳市浑南区人民政府" in page.locator("main").inner_text()

    county = GovSite.objects.get(code="2101120001")
    assert county.parent == city
    page.goto(site_url(live_server, county))
    assert page.locator("h1").inner_text() == "沈阳市浑南区人民政府"
