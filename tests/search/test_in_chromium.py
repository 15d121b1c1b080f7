"""The search page in a real headless Chromium: a visitor types a query into the
labelled box, gets highlighted results of this site, pages through them, widens
the search to every site and narrows it by a facet."""

import pytest

from tests.factories import ArticleFactory, SiteFactory, column
from tests.factories.content import body
from tests.tasks import run_queued_tasks

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def site_url(live_server, site, path="/"):
    port = live_server.url.rsplit(":", 1)[1]
    return f"http://{site.host}:{port}{path}"


def test_a_visitor_searches_pages_widens_and_narrows(browser, live_server):
    mine, theirs = SiteFactory(), SiteFactory()
    for n in range(12):
        ArticleFactory(
            parent=column(mine, "zwyw"),
            title=f"本站办事指南第{n}期",
            body=body("介绍不动产登记一网通办的办理流程。"),
            publish=True,
        )
    ArticleFactory(
        parent=column(theirs, "zwyw"),
        title="他站不动产登记办事指南",
        body=body("他站的正文。"),
        publish=True,
    )
    run_queued_tasks()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(site_url(live_server, mine, "/search/"))
        page.get_by_label("搜索内容").fill("不动产登记")
        page.locator("main").get_by_role("button", name="搜索").click()
        page.wait_for_url("**/search/?q=*")
        heading = page.get_by_role("heading", level=2).first.inner_text()
        assert "12" in heading and "不动产登记" in heading
        results = page.locator("ol.search-results > li")
        assert results.count() == 10
        marks = page.locator("ol.search-results mark").all_inner_texts()
        assert marks and all(m in "不动产登记" for m in marks)
        assert "他站" not in page.locator("ol.search-results").inner_text()
        page.get_by_role("link", name="下一页").click()
        assert page.locator("ol.search-results > li").count() == 2
        # Every site, then only the other site through its facet.
        page.goto(site_url(live_server, mine, "/search/?q=不动产登记"))
        page.get_by_label("搜索范围").select_option("all")
        page.locator("main").get_by_role("button", name="搜索").click()
        page.wait_for_url("**scope=all*")
        page.get_by_role("link", name=theirs.name).click()
        text = page.locator("ol.search-results").inner_text()
        assert "他站不动产登记办事指南" in text and "本站" not in text
        # The result links to the item's address on its own site (the site's
        # port, not the test server's: follow it on the test server's port).
        href = page.get_by_role("link", name="他站不动产登记办事指南").get_attribute(
            "href"
        )
        assert href.startswith(f"http://{theirs.host}/")
        page.goto(site_url(live_server, theirs, "/" + href.split("/", 3)[3]))
        assert (
            page.get_by_role("heading", level=1).inner_text()
            == "他站不动产登记办事指南"
        )
    finally:
        context.close()
