"""Wagtail 8's autosave and the platform's checks, in a real Chromium: a draft
left behind by autosave does not block the next try, and a validation error of
the checks leaves the editor able to carry on in its one window.

Wagtail's editor notices changes only once it has taken the form's first state
(``w-unsaved:watch-edits``, a moment after the page loads): text typed before
that is not autosaved, on the create view as on the edit view. The tests wait
for it as a person would by starting to type a moment later."""

import threading

import pytest

from cms import publishing as publishing_rules
from cms.contentchecks.models import PlatformTerm
from cms.models import ArticlePage
from sites.services import site_groups
from tests.browser.staff import sign_in_staff
from tests.factories import ArticleFactory, SiteFactory, UserFactory, column

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "pw-for-tests-1"
TITLE = "全县召开安全生产工作会议"


def sign_in(browser, live_server, user):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    sign_in_staff(page, live_server, user, PASSWORD)
    page.add_init_script(
        "document.addEventListener('w-unsaved:watch-edits',"
        " () => { window.watchingEdits = true; })"
    )
    return context, page


def press(page, name):
    page.evaluate(f"document.querySelector('button[name=\"{name}\"]').click()")


def wait_until(page, condition, tries=300):
    for _ in range(tries):
        if condition():
            return True
        page.wait_for_timeout(100)
    return False


def watching_edits(page):
    # Polled from here: wait_for_function's string predicate needs eval, which
    # the admin's Content-Security-Policy refuses.
    return wait_until(page, lambda: page.evaluate("window.watchingEdits === true"))


def write_article(page, live_server, news, text):
    page.goto(f"{live_server.url}/admin/pages/add/cms/articlepage/{news.pk}/")
    assert watching_edits(page), "the editor never started watching for edits"
    page.fill("#id_title", TITLE)
    page.locator("[data-contentpath=body] button.c-sf-add-button").first.click()
    page.get_by_role("option", name="段落").click()
    page.locator(".public-DraftEditor-content").first.click()
    page.keyboard.insert_text(text)


@pytest.fixture
def newsroom(db):
    site = SiteFactory()
    editor = UserFactory()
    site_groups(site=site)["editor"].user_set.add(editor)
    return editor, column(site, "zwyw")


def test_a_draft_left_by_autosave_does_not_block_the_next_try(
    browser, live_server, newsroom
):
    editor, news = newsroom
    context, page = sign_in(browser, live_server, editor)
    try:
        write_article(page, live_server, news, "会议今天召开。")
        # Autosave creates the page, and the editor moves to its edit view.
        assert wait_until(page, lambda: "/edit/" in page.url)
        page.goto(f"{live_server.url}/admin/")  # abandoned
        write_article(page, live_server, news, "会议今天召开。")
        assert wait_until(page, lambda: ArticlePage.objects.count() == 2)
        page.wait_for_timeout(1000)
        press(page, "action-submit")
        page.wait_for_url(f"{live_server.url}/admin/pages/{news.pk}/")
        assert "已在使用" not in page.content() and "in use" not in page.content()
    finally:
        context.close()
    articles = ArticlePage.objects.filter(title=TITLE)
    assert articles.count() == 2
    assert len(set(articles.values_list("slug", flat=True))) == 2


def test_after_a_validation_error_the_editor_carries_on_in_one_window(
    browser, live_server, newsroom
):
    PlatformTerm.objects.create(term="沈阳市长", action="warn", category="name")
    editor, news = newsroom
    context, page = sign_in(browser, live_server, editor)
    try:
        write_article(page, live_server, news, "沈阳市长出席会议。")
        assert wait_until(page, lambda: "/edit/" in page.url)
        page.wait_for_timeout(1000)
        with page.expect_navigation():
            press(page, "action-submit")  # the warning must be confirmed first
        assert wait_until(page, lambda: "页面未能保存" in page.inner_text("body"))
        assert "沈阳市长" in page.locator("form[data-edit-form]").inner_text()
        # Editing goes on in the same window: the editing sessions ping (every
        # 10 seconds) sees no "new version in another window", though Wagtail
        # autosaves the form once right after the error page loads.
        page.locator(".public-DraftEditor-content").first.click()
        page.keyboard.press("End")
        page.keyboard.insert_text("会议强调安全。")
        page.wait_for_timeout(11_000)
        sessions = page.locator("#w-editing-sessions").inner_text()
        assert "另一个窗口" not in sessions and "another window" not in sessions
        page.locator("#id_confirm_warnings").check()
        press(page, "action-submit")
        page.wait_for_url(f"{live_server.url}/admin/pages/{news.pk}/")
        assert page.locator("dialog[open]").count() == 0
    finally:
        context.close()
    article = ArticlePage.objects.get(title=TITLE)
    assert "会议强调安全。" in str(article.get_latest_revision_as_object().body)
    assert article.get_latest_revision_as_object().confirmed_warnings == [
        "term:沈阳市长"
    ]


def test_an_autosave_still_running_when_the_editor_submits_is_no_other_window(
    browser, live_server, newsroom, monkeypatch
):
    """The editor types and presses 提交审核 while the autosave of what they typed
    is still in the platform's checks; the checks refuse the submission. The page
    that comes back is drawn after that autosave (cms/edit_locks.py), so its own
    autosave goes on and the sessions ping reports no other window."""
    PlatformTerm.objects.create(term="沈阳市长", action="warn", category="name")
    editor, news = newsroom
    article = ArticleFactory(parent=news, title=TITLE, publish=True)

    # The first autosave's checks end only once the refused submission has been
    # answered (or after 5 seconds, while the submission waits for them).
    answered = threading.Event()
    held = []
    check_before_saving = publishing_rules.check_before_saving

    def slow_first_autosave(*, page, parent, publishing, migrating=False):
        if not publishing and not held:
            held.append(page.pk)
            answered.wait(timeout=5)
        return check_before_saving(
            page=page, parent=parent, publishing=publishing, migrating=migrating
        )

    monkeypatch.setattr(publishing_rules, "check_before_saving", slow_first_autosave)

    context, page = sign_in(browser, live_server, editor)
    autosaves, pings = [], []

    def is_edit_post(request):
        return request.method == "POST" and f"/pages/{article.pk}/edit/" in request.url

    def on_request(request):
        if is_edit_post(request) and "json" in (request.headers.get("accept") or ""):
            autosaves.append(request.url)

    def on_response(response):
        if "/editing-sessions/ping/" in response.url:
            pings.append(response.json())
        elif is_edit_post(response.request) and "text/html" in (
            response.headers.get("content-type") or ""
        ):
            answered.set()

    page.on("request", on_request)
    page.on("response", on_response)
    try:
        page.goto(f"{live_server.url}/admin/pages/{article.pk}/edit/")
        assert watching_edits(page)
        page.locator(".public-DraftEditor-content").first.click()
        page.keyboard.press("End")
        page.keyboard.insert_text("沈阳市长出席会议。")
        assert wait_until(page, lambda: autosaves)
        with page.expect_navigation():
            press(page, "action-submit")  # refused: the warning is not confirmed
        assert wait_until(page, lambda: "页面未能保存" in page.inner_text("body"))
        assert held, "the first autosave never reached the checks"

        # Wagtail autosaves the page that came back once, at once.
        def autosave_state():
            return page.locator("#w-autosave-indicator").get_attribute(
                "data-w-autosave-state-value"
            )

        assert wait_until(page, lambda: autosave_state() in ("saved", "paused"))
        assert autosave_state() == "saved"
        pinged = len(pings)
        assert wait_until(page, lambda: len(pings) > pinged, tries=150)
        own_revisions = [
            other
            for ping in pings
            for other in ping["other_sessions"]
            if other["revision_id"]
        ]
        assert own_revisions == []

        page.locator("#id_confirm_warnings").check()
        press(page, "action-submit")
        page.wait_for_url(f"{live_server.url}/admin/pages/{news.pk}/")
        assert page.locator("dialog[open]").count() == 0
    finally:
        context.close()
    article.refresh_from_db()
    latest = article.get_latest_revision_as_object()
    assert "沈阳市长出席会议。" in str(latest.body)
    assert latest.confirmed_warnings == ["term:沈阳市长"]
