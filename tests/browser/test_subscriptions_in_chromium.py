"""Issue 18's "done when", in a real headless Chromium: a visitor subscribes by
e-mail to a county's 通知公告 column and to the keyword 供暖, confirms both through
the mailed links, a notice about 供暖 is published in that column, exactly one
message arrives, and its unsubscribe link works without signing in."""

import re

import pytest
from django.core import mail

from sites.tenancy import all_sites
from subscriptions.models import Subscription
from tests.browser.test_sites_in_chromium import site_url
from tests.factories import ArticleFactory, SiteFactory, column
from tests.factories.content import body
from tests.subscriptions.conftest import links, mails_to, run

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
