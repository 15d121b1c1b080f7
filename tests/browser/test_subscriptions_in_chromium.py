"""Issue 18's "done when", in a real headless Chromium.

A visitor subscribes by e-mail to a county's 通知公告 column and to the keyword
供暖, confirms both through the mailed links, a notice about 供暖 is published in
that column, exactly one message arrives, and its unsubscribe link works without
signing in.

A citizen signs in (a code mailed to their address), subscribes to the same two;
a registered webhook (a real receiver on a loopback address the platform admin
allowed) wants item.published; an editor writes the notice in the admin and the
site's review workflow publishes it; the durable queue's tasks run; the citizen
gets one message and one in-site notice (the header's count, the 「我的」 list),
the receiver one signed event; the message's unsubscribe link works in a browser
that never signed in."""

import json
import re

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from cms.models import ArticlePage
from sites.services import site_groups
from sites.tenancy import all_sites, use_site
from subscriptions import webhooks
from subscriptions.models import Notification, Subscription, WebhookDelivery
from tests.browser.test_publishing_in_chromium import approve, press, sign_in
from tests.browser.test_sites_in_chromium import site_url
from tests.factories import ArticleFactory, SiteFactory, UserFactory, column
from tests.factories.content import body
from tests.subscriptions.conftest import links, mails_to, run
from tests.subscriptions.receiver import Receiver, signature_valid

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ADDRESS = "citizen@example.org"


def _solve_captcha(page):
    question = page.locator(".captcha-question").inner_text()
    a, b = (int(n) for n in re.findall(r"\d+", question)[:2])
    page.fill("input[name=captcha_0]", str(a + b))


def _subscribe(page, url, **choices):
    page.goto(url)
    assert page.locator("h1").inner_text() == "订阅"
    page.check(f"input[name=kind][value={choices['kind']}]")
    if "column" in choices:
        page.select_option("select[name=column]", str(choices["column"]))
    if "keyword" in choices:
        page.fill("input[name=keyword]", choices["keyword"])
    page.check("input[name=frequency][value=instant]")
    page.fill("input[name=email]", ADDRESS)
    _solve_captcha(page)
    page.click("form.subscribe-form button[type=submit]")
    page.wait_for_load_state()
    assert "确认链接" in page.locator("main").inner_text()


def test_subscribe_confirm_receive_once_and_unsubscribe(browser, live_server, settings):
    settings.SUBSCRIPTIONS_SUBSCRIBE_RATE = "1000/h"
    province = SiteFactory(name="演示省人民政府")
    city = SiteFactory.child(province, "city", name="演示市人民政府")
    county = SiteFactory.child(city, "county", name="演示县人民政府")
    tzgg = column(county, "tzgg")

    visitor = browser.new_context().new_page()
    _subscribe(
        visitor,
        site_url(live_server, county, "/subscriptions/"),
        kind="column",
        column=tzgg.pk,
    )
    _subscribe(
        visitor,
        site_url(live_server, county, "/subscriptions/"),
        kind="keyword",
        keyword="供暖",
    )
    run()
    confirmations = mails_to(ADDRESS)
    assert len(confirmations) == 2
    for message in confirmations:
        (path,) = links(message, "/subscriptions/confirm/")
        visitor.goto(site_url(live_server, county, path))
        assert "订阅成功" in visitor.locator("main").inner_text()
    with all_sites():
        assert Subscription.objects.filter(confirmed_at__isnull=False).count() == 2
    mail.outbox.clear()

    # An editor's notice about 供暖 goes live in 通知公告 (the workflow's last
    # approval publishes the revision, as here).
    ArticleFactory(
        parent=tzgg,
        title="关于今冬供暖开始时间的通知",
        body=body("全县集中供暖11月1日开始。"),
        publish=True,
    )
    run()
    (message,) = mails_to(ADDRESS)
    assert "关于今冬供暖开始时间的通知" in message.subject

    # Unsubscribing from the message's link, in a browser that never signed in.
    (path,) = links(message, "/subscriptions/unsubscribe/")
    stranger = browser.new_context().new_page()
    stranger.goto(site_url(live_server, county, path))
    stranger.click("main form button[type=submit]")
    stranger.wait_for_load_state()
    assert "退订成功" in stranger.locator("main").inner_text()
    with all_sites():
        assert Subscription.objects.count() == 1


CITIZEN = "reader@example.org"
NOTICE = "关于今冬集中供暖开始时间的通知"


def _sign_in_citizen(browser, live_server, county):
    """A new account registered with a code mailed to CITIZEN, through the
    platform's identity host, ending on the county's 「我的订阅」."""
    person = browser.new_context().new_page()
    person.goto(site_url(live_server, county, "/subscriptions/mine/"))
    assert "/accounts/login/" in person.url
    person.fill("input[name=target]", CITIZEN)
    person.click("button[value=send]")
    person.wait_for_selector("#code-sent")
    code = re.search(r"\d{6}", mails_to(CITIZEN)[-1].body).group(0)
    person.fill("input[name=target]", CITIZEN)
    person.fill("input[name=code]", code)
    person.check("input[name=consent]")
    person.click("button[value=verify]")
    person.wait_for_url(site_url(live_server, county, "/subscriptions/mine/"))
    return person


def _subscribe_signed_in(page, url, **choices):
    page.goto(url)
    assert page.locator("input[name=email]").count() == 0  # the account's address
    assert page.locator("input[name=captcha_0]").count() == 0
    page.check(f"input[name=kind][value={choices['kind']}]")
    if "column" in choices:
        page.select_option("select[name=column]", str(choices["column"]))
    if "keyword" in choices:
        page.fill("input[name=keyword]", choices["keyword"])
    page.check("input[name=frequency][value=instant]")
    page.click("form.subscribe-form button[type=submit]")
    page.wait_for_url("**/subscriptions/mine/")


def _write_and_submit(browser, live_server, editor, parent):
    """The editor writes the notice in the page editor and submits it for review."""
    context, page = sign_in(browser, live_server, editor)
    try:
        page.goto(f"{live_server.url}/admin/pages/add/cms/articlepage/{parent.pk}/")
        page.fill("#id_title", NOTICE)
        page.locator("[data-contentpath=body] button.c-sf-add-button").first.click()
        page.get_by_role("option", name="段落").click()
        page.locator(".public-DraftEditor-content").first.click()
        page.keyboard.insert_text("全县集中供暖11月1日开始，请各单位做好准备。")
        page.wait_for_timeout(300)
        press(page, "action-submit")
        page.wait_for_url(f"{live_server.url}/admin/pages/{parent.pk}/")
    finally:
        context.close()


def test_signed_in_citizen_one_mail_one_notice_webhook_and_unsubscribe(
    browser, live_server, settings
):
    settings.SUBSCRIPTIONS_SUBSCRIBE_RATE = "1000/h"
    province = SiteFactory(name="演示省人民政府")
    city = SiteFactory.child(province, "city", name="演示市人民政府")
    county = SiteFactory.child(city, "county", name="演示县人民政府")
    tzgg = column(county, "tzgg")
    assert tzgg.title == "通知公告"
    staff = {role: UserFactory() for role in ("editor", "reviewer", "admin")}
    groups = site_groups(site=county)
    for role, user in staff.items():
        groups[role].user_set.add(user)

    # Another system registers for item.published; its address is on loopback,
    # which only a platform admin may allow.
    receiver = Receiver()
    try:
        platform_admin = UserFactory(is_superuser=True, is_staff=True)
        _hook, secret = webhooks.webhook_create(
            site=county,
            name="12345热线",
            url=receiver.url(),
            events=["item.published"],
            allow_private=True,
            user=platform_admin,
        )

        person = _sign_in_citizen(browser, live_server, county)
        subscribe = site_url(live_server, county, "/subscriptions/")
        _subscribe_signed_in(person, subscribe, kind="column", column=tzgg.pk)
        _subscribe_signed_in(person, subscribe, kind="keyword", keyword="供暖")
        mine = person.locator("main").inner_text()
        assert "通知公告" in mine and "供暖" in mine
        with all_sites():
            rows = list(Subscription.objects.order_by("pk"))
        assert [(r.kind, r.email) for r in rows] == [
            ("column", CITIZEN),
            ("keyword", CITIZEN),
        ]
        assert all(r.user_id and r.confirmed_at for r in rows)
        run()  # nothing queued for a signed-in subscriber (no confirmation)
        mail.outbox.clear()

        # The editor writes the notice; the reviewer and the site admin approve
        # it in the browser, and the last approval publishes it.
        _write_and_submit(browser, live_server, staff["editor"], tzgg)
        notice = ArticlePage.objects.get(title=NOTICE)
        approve(browser, live_server, staff["reviewer"], notice, "文字无误")
        approve(browser, live_server, staff["admin"], notice, "同意发布")
        notice.refresh_from_db()
        assert notice.live

        # Publishing only queued the work: nothing sent before the queue runs.
        assert mails_to(CITIZEN) == [] and receiver.seen == []
        assert not Notification.objects.exists()
        queued = set(DBTaskResult.objects.values_list("task_path", flat=True))
        assert "subscriptions.tasks.match_item_task" in queued
        assert "subscriptions.tasks.webhook_deliver_task" in queued
        run()
        run()  # again: nothing more is sent

        (message,) = mails_to(CITIZEN)
        assert NOTICE in message.subject
        (notice_row,) = Notification.objects.filter(user__email=CITIZEN)
        assert notice_row.title == NOTICE

        ((path, headers, raw),) = receiver.seen
        assert path == "/hook" and headers["X-Gov-Event"] == "item.published"
        assert signature_valid(secret, headers, raw)
        assert not signature_valid("another-secret", headers, raw)
        event = json.loads(raw)
        assert event["event"] == "item.published"
        assert event["data"]["title"] == NOTICE
        with use_site(county):
            assert WebhookDelivery.objects.get().status == "succeeded"
    finally:
        receiver.close()

    # The citizen sees one notice: the header's count, then the list under 我的.
    person.goto(site_url(live_server, county, "/"))
    count = person.locator("a.notification-count")
    count.wait_for(state="visible")
    assert count.locator("[data-count]").inner_text() == "1"
    count.click()
    person.wait_for_url("**/subscriptions/notifications/")
    items = person.locator("ul.notifications li")
    assert items.count() == 1 and NOTICE in items.first.inner_text()

    # The message's unsubscribe link, in a browser that never signed in.
    (path,) = links(message, "/subscriptions/unsubscribe/")
    stranger = browser.new_context().new_page()
    stranger.goto(site_url(live_server, county, path))
    assert "/accounts/login/" not in stranger.url
    stranger.click("main form button[type=submit]")
    stranger.wait_for_load_state()
    assert "退订成功" in stranger.locator("main").inner_text()
    with all_sites():
        assert Subscription.objects.count() == 1
