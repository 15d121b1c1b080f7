"""In a real Chromium: an editor of a province pushes a notice to the counties of
a city; a county's page shows it, with its source."""

from urllib.parse import urlsplit

import pytest

from sites.models import SiteRole
from sites.tenancy import all_sites
from syndication.models import SyndicationTarget, TargetState
from tests.browser.staff import sign_in_staff
from tests.factories import ArticleFactory, SiteFactory, column

from .conftest import member, run_queued_tasks

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_editor_pushes_a_provincial_notice_to_a_citys_counties(browser, live_server):
    province = SiteFactory(name="辽宁省人民政府")
    city = SiteFactory.child(province, "city", name="沈阳市人民政府")
    counties = [
        SiteFactory.child(city, "county", name=name)
        for name in ("沈阳市和平区人民政府", "沈阳市沈河区人民政府")
    ]
    notice = ArticleFactory(
        parent=column(province, "tzgg"),
        publish=True,
        title="关于做好冬季供暖工作的通知",
    )
    editor = member(province, SiteRole.EDITOR)
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    sign_in_staff(page, live_server, editor, "pw-for-tests-1")
    # The page's header menu links here (tests/syndication/test_admin.py).
    page.goto(f"{live_server.url}/admin/syndication/pages/{notice.pk}/push/")
    page.check("text=沈阳市人民政府的所有区县")
    page.fill("input[name=column_code]", "tzgg")
    page.check("input[name=mandatory]")
    page.click("button[type=submit]:has-text('信息推送')")
    page.wait_for_url(f"**/syndication/pages/{notice.pk}/status/")
    assert "已发送至 2 个网站" in page.content()
    run_queued_tasks()  # the worker's fan-out
    with all_sites():
        targets = list(SyndicationTarget.objects.filter(item__source_page=notice))
    assert {t.site_id for t in targets} == {c.pk for c in counties}
    assert {t.state for t in targets} == {TargetState.LIVE}
    target = next(t for t in targets if t.site_id == counties[0].pk)
    port = live_server.url.rsplit(":", 1)[1]
    address = target.address_path(urlsplit(target.column.get_url()).path)
    public = context.new_page()
    public.goto(f"http://{counties[0].host}:{port}{address}")
    assert public.locator("h1").inner_text() == "关于做好冬季供暖工作的通知"
    source = public.locator(".syndication-source")
    assert source.inner_text() == "来源：辽宁省人民政府"
    assert "沈阳市和平区人民政府" in public.title()
    context.close()
