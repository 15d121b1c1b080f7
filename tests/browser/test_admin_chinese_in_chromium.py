"""The page editor's autosave indicator reads in Chinese in a real Chromium: an
editor changes an article's title, Wagtail's JavaScript autosaves it and labels the
indicator with strings from its catalogue at /admin/jsi18n/."""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from sites.services import site_groups
from tests.browser.staff import sign_in_staff
from tests.factories import ArticleFactory, SiteFactory, UserFactory, column

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "pw-for-tests-1"


def test_autosave_indicator_reads_chinese(browser, live_server):
    site = SiteFactory()
    editor = UserFactory()
    site_groups(site=site)["editor"].user_set.add(editor)
    article = ArticleFactory(parent=column(site, "tzgg"), title="停水通知")

    context = browser.new_context(
        viewport={"width": 1280, "height": 1000}, locale="zh-CN"
    )
    page = context.new_page()
    try:
        sign_in_staff(page, live_server, editor, PASSWORD)
        page.add_init_script(
            "document.addEventListener('w-unsaved:watch-edits',"
            " () => { window.watchingEdits = true; })"
        )
        page.goto(f"{live_server.url}/admin/pages/{article.pk}/edit/")
        # The editor notices changes only once it has taken the form's first state.
        # Polled from here: wait_for_function's string predicate needs eval,
        # which the admin's Content-Security-Policy refuses.
        for _ in range(600):
            if page.evaluate("window.watchingEdits === true"):
                break
            page.wait_for_timeout(100)
        else:
            raise AssertionError("the editor never started watching for edits")
        edit_url = f"{live_server.url}/admin/pages/{article.pk}/edit/"

        def autosave(response):
            return response.request.method == "POST" and response.url == edit_url

        # The edit starts the autosave; its request is awaited, not a fixed
        # time: on a busy machine the editor's checks and the save take long.
        # An edit made while the editor is still taking the form's first state
        # is taken as part of it (no change, no autosave): edit again until one
        # is autosaved, each time awaiting the request, not a fixed time.
        response = None
        for attempt in range(6):
            title = "停水通知（更新）" + "。" * attempt
            try:
                with page.expect_response(autosave, timeout=20_000) as saving:
                    page.fill("#id_title", title)
                response = saving.value
                break
            except PlaywrightTimeoutError:
                continue
        assert response is not None, "no edit of the title was autosaved"
        assert response.status == 200, response.text()[:2000]
        saved = response.json()
        assert saved["success"] is True, saved
        # The indicator changes as the response is handled (the next frame).
        indicator = page.locator("#w-autosave-indicator")
        page.wait_for_selector(
            "#w-autosave-indicator[data-w-autosave-state-value=saved]",
            state="attached",
            timeout=15000,
        )
        article.refresh_from_db()
        assert article.latest_revision.content["title"] == title

        assert (
            indicator.get_attribute("data-w-tooltip-content-value")
            == "更改已自动保存。"
        )
        assert (
            indicator.locator(".w-autosave-indicator__state--saved")
            .inner_text()
            .strip()
            == "已保存"
        )
    finally:
        context.close()
