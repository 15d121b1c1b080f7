"""Page views counted from real requests in Chromium: the beacon of the public
pages reaches /stats/hit, and the admin's chart (chart.js from our own static
files) shows the views, and the items published per month beside them."""

import pytest

from sites.models import SiteRole
from tests.browser.test_sites_in_chromium import sign_in, site_url
from tests.conftest import _member
from tests.factories import ArticleFactory, SiteFactory, column

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_views_in_the_browser_show_in_the_admin_chart(browser, live_server):
    site = SiteFactory(name="统计测试县")
    article = ArticleFactory(parent=column(site, "zwyw"), publish=True)
    admin = _member(site, SiteRole.ADMIN)

    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    hits = []
    page.on(
        "response",
        lambda response: (
            hits.append(response.status) if "/stats/hit" in response.url else None
        ),
    )
    for path in ("/", article.url, article.url):
        page.goto(site_url(live_server, site, path))
        page.wait_for_load_state("networkidle")
    assert hits == [200, 200, 200]
    assert context.cookies() == []  # nothing set to count a visitor

    sign_in(page, live_server, admin)
    page.goto(f"{live_server.url}/admin/supervision/statistics/?site={site.pk}&days=7")
    page.wait_for_load_state("load")  # deferred scripts draw the chart
    data = page.evaluate("window.pageViewsChart.data.datasets[0].data")
    assert data[-1] == 3
    assert sum(data) == 3
    # The publishing chart beside it: the article, in this month.
    published = page.evaluate("window.publishingChart.data.datasets[0].data")
    assert len(published) == 12 and sum(published) == 1
    assert page.locator("#publishing-table").inner_text().count("统计测试县") == 1
    context.close()
