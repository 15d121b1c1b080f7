"""Publishing through review in a real Chromium, as the issue's "done when" says:
an editor of a county site writes an article in the page editor and submits it; the
reviewer and then the site admin approve it with a comment; it appears in its
column at the county's host."""

import pytest
from wagtail.models import PageLogEntry

from cms.models import ArticlePage
from sites.services import site_groups
from tests.browser.staff import sign_in_staff
from tests.factories import SiteFactory, UserFactory, column

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "pw-for-tests-1"
TITLE = "全县召开安全生产工作会议"


def site_url(live_server, site, path="/"):
    port = live_server.url.rsplit(":", 1)[1]
    return f"http://{site.host}:{port}{path}"


def sign_in(browser, live_server, user):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    sign_in_staff(page, live_server, user, PASSWORD)
    return context, page


def press(page, name):
    """Press an action of the editor's save menu (some sit in its dropdown)."""
    page.evaluate(f"document.querySelector('button[name=\"{name}\"]').click()")


def _approvals(article) -> int:
    return PageLogEntry.objects.filter(
        page=article, action="wagtail.workflow.approve"
    ).count()


def approve(browser, live_server, user, article, comment):
    context, page = sign_in(browser, live_server, user)
    try:
        page.goto(f"{live_server.url}/admin/pages/{article.pk}/edit/")
        # "Approve with comment", in the save menu's dropdown.
        page.locator(
            "button[data-workflow-action-name=approve][data-workflow-action-modal-url]"
        ).evaluate("button => button.click()")
        comment_box = page.locator("textarea[name=comment]")
        comment_box.wait_for()
        comment_box.fill(comment)
        approvals = _approvals(article)
        page.locator("form:has(textarea[name=comment]) [type=submit]").first.click()
        # The dialog posts in the background, then the browser moves on.
        for _ in range(100):
            if _approvals(article) > approvals:
                break
            page.wait_for_timeout(100)
        page.wait_for_load_state()
    finally:
        context.close()


def test_an_article_goes_through_review_and_appears_in_its_column(browser, live_server):
    province = SiteFactory()
    city = SiteFactory.child(province, "city")
    county = SiteFactory.child(city, "county")
    people = {role: UserFactory() for role in ("editor", "reviewer", "admin")}
    groups = site_groups(site=county)
    for role, user in people.items():
        groups[role].user_set.add(user)
    news = column(county, "gzdt")

    context, page = sign_in(browser, live_server, people["editor"])
    try:
        page.goto(f"{live_server.url}/admin/pages/add/cms/articlepage/{news.pk}/")
        page.fill("#id_title", TITLE)
        page.locator("[data-contentpath=body] button.c-sf-add-button").first.click()
        page.get_by_role("option", name="段落").click()
        editor = page.locator(".public-DraftEditor-content").first
        editor.click()
        page.keyboard.insert_text("全县安全生产工作会议今天召开。")
        page.wait_for_timeout(300)
        press(page, "action-submit")
        page.wait_for_url(f"{live_server.url}/admin/pages/{news.pk}/")
    finally:
        context.close()

    article = ArticlePage.objects.get(title=TITLE)
    assert not article.live
    approve(browser, live_server, people["reviewer"], article, "文字无误")
    article.refresh_from_db()
    assert not article.live
    approve(browser, live_server, people["admin"], article, "同意发布")
    article.refresh_from_db()
    assert article.live

    assert list(
        PageLogEntry.objects.filter(page=article, action="wagtail.workflow.approve")
        .order_by("timestamp")
        .values_list("data__comment", flat=True)
    ) == ["文字无误", "同意发布"]

    context = browser.new_context()
    public = context.new_page()
    try:
        public.goto(site_url(live_server, county, "/news/gzdt/"))
        public.get_by_role("link", name=TITLE).click()
        public.wait_for_load_state()
        assert public.locator("h1").inner_text() == TITLE
        assert "/news/gzdt/" in public.url and public.url.endswith(
            f"_{article.pk}.html"
        )
        assert (
            "全县安全生产工作会议今天召开。" in public.locator("article").inner_text()
        )
    finally:
        context.close()
