"""Subscribing by e-mail alone (double opt-in) through the public pages, the
messages a publication sends, and the links in them, without signing in."""

import time

import pytest
from django.core import mail, signing

from sites.tenancy import all_sites, use_site
from subscriptions.models import Delivery, Subscription
from tests.factories import ArticleFactory
from tests.factories.content import body
from tests.subscriptions.conftest import links, mails_to, public_client, run, subscribe

pytestmark = pytest.mark.django_db

ADDRESS = "citizen@example.org"


def _confirm_all(client, address=ADDRESS):
    for message in mails_to(address):
        for link in links(message, "/subscriptions/confirm/"):
            assert client.get(link).status_code == 200


def test_column_and_keyword_subscriptions_send_one_message_per_item(county, tzgg):
    client = public_client(county)
    answer = subscribe(client, kind="column", column=str(tzgg.pk), email=ADDRESS)
    assert answer.status_code == 200
    assert "确认" in answer.content.decode()
    subscribe(client, kind="keyword", keyword="供暖", email=ADDRESS)
    run()
    assert len(mails_to(ADDRESS)) == 2  # two confirmation links, nothing else yet
    _confirm_all(client)
    with use_site(county):
        assert Subscription.objects.filter(confirmed_at__isnull=False).count() == 2
    mail.outbox.clear()

    page = ArticleFactory(
        parent=tzgg,
        title="关于今冬供暖时间的通知",
        body=body("全县集中供暖将于11月1日开始。"),
        publish=True,
    )
    run()
    messages = mails_to(ADDRESS)
    assert len(messages) == 1
    assert "供暖" in messages[0].subject
    assert messages[0].extra_headers["List-Unsubscribe-Post"] == (
        "List-Unsubscribe=One-Click"
    )
    assert messages[0].extra_headers["List-Unsubscribe"].startswith("<http")

    # Published again (an edit), and the task run again: no second message.
    page.save_revision().publish()
    run()
    assert len(mails_to(ADDRESS)) == 1
    with use_site(county):
        assert Delivery.objects.filter(item=page).count() == 1


def test_unsubscribe_link_works_without_signing_in(county, tzgg):
    client = public_client(county)
    subscribe(client, kind="column", column=str(tzgg.pk), email=ADDRESS)
    run()
    _confirm_all(client)
    mail.outbox.clear()
    ArticleFactory(parent=tzgg, title="停水通知", publish=True)
    run()
    (message,) = mails_to(ADDRESS)
    (link,) = links(message, "/subscriptions/unsubscribe/")
    stranger = public_client(county)
    page = stranger.get(link)
    assert page.status_code == 200
    assert "退订" in page.content.decode()
    # The form posts without a CSRF token (RFC 8058 one-click does too).
    token = link.split("?t=")[1]
    answer = stranger.post("/subscriptions/unsubscribe/", {"t": token})
    assert answer.status_code == 200
    with use_site(county):
        assert not Subscription.objects.exists()
    # A second click: still a friendly answer.
    assert stranger.post("/subscriptions/unsubscribe/", {"t": token}).status_code == 200


def test_manage_link_lists_and_changes_subscriptions(county, tzgg):
    client = public_client(county)
    subscribe(client, kind="column", column=str(tzgg.pk), email=ADDRESS)
    subscribe(client, kind="keyword", keyword="供暖", email=ADDRESS)
    run()
    _confirm_all(client)
    mail.outbox.clear()
    page = client.get("/subscriptions/manage/link/")
    from tests.interaction.helpers import form_fields

    fields = form_fields(page.content.decode())
    client.post("/subscriptions/manage/link/", {**fields, "email": ADDRESS})
    run()
    (message,) = mails_to(ADDRESS)
    (link,) = links(message, "/subscriptions/manage/")
    listing = client.get(link)
    html = listing.content.decode()
    assert "通知公告" in html and "供暖" in html
    with use_site(county):
        keyword = Subscription.objects.get(kind="keyword")
    csrf = form_fields(html)["csrfmiddlewaretoken"]
    token = link.split("?t=")[1]
    client.post(
        "/subscriptions/manage/",
        {"csrfmiddlewaretoken": csrf, "t": token, "id": keyword.pk, "action": "delete"},
    )
    with use_site(county):
        assert list(Subscription.objects.values_list("kind", flat=True)) == ["column"]


def test_manage_link_for_an_unknown_address_says_the_same_and_mails_nothing(county):
    from tests.interaction.helpers import form_fields

    client = public_client(county)
    fields = form_fields(client.get("/subscriptions/manage/link/").content.decode())
    answer = client.post(
        "/subscriptions/manage/link/", {**fields, "email": "nobody@example.org"}
    )
    assert answer.status_code == 200
    run()
    assert mails_to("nobody@example.org") == []


@pytest.mark.parametrize("path", ["confirm", "unsubscribe", "manage"])
def test_forged_token_refused_in_chinese(county, path):
    answer = public_client(county).get(f"/subscriptions/{path}/?t=eyJmYWtlIjoxfQ:x:y")
    assert answer.status_code == 400
    assert "链接无效或已过期" in answer.content.decode()


def test_expired_and_misdirected_tokens_refused(county, city, tzgg, monkeypatch):
    client = public_client(county)
    subscribe(client, kind="column", column=str(tzgg.pk), email=ADDRESS)
    run()
    (message,) = mails_to(ADDRESS)
    (link,) = links(message, "/subscriptions/confirm/")
    token = link.split("?t=")[1]
    # The same token on another site's host, or for another purpose: refused.
    assert public_client(city).get(link).status_code == 400
    assert client.get(f"/subscriptions/unsubscribe/?t={token}").status_code == 400
    # Made long ago: expired.
    with use_site(county):
        subscription = Subscription.objects.get()
    from subscriptions import tokens

    real_time = time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() - 30 * 86400)
    old = tokens.confirm_token(subscription)
    monkeypatch.setattr(signing.time, "time", real_time)
    answer = client.get(f"/subscriptions/confirm/?t={old}")
    assert answer.status_code == 400
    with use_site(county):
        assert Subscription.objects.get().confirmed_at is None
    # The genuine one still works.
    assert client.get(link).status_code == 200


def test_keyword_of_ten_thousand_characters_refused(county):
    answer = subscribe(
        public_client(county), kind="keyword", keyword="供" * 10000, email=ADDRESS
    )
    assert answer.status_code == 200
    assert "关键词最多30个字" in answer.content.decode()
    with all_sites():
        assert not Subscription.objects.exists()
    run()
    assert mails_to(ADDRESS) == []


def test_address_subscribed_by_someone_else_gets_only_the_confirmation(county, tzgg):
    victim = "victim@example.org"
    subscribe(public_client(county), kind="column", column=str(tzgg.pk), email=victim)
    run()
    assert len(mails_to(victim)) == 1  # the confirmation request, once
    ArticleFactory(parent=tzgg, title="通知一则", publish=True)
    run()
    assert len(mails_to(victim)) == 1
    with use_site(county):
        assert not Delivery.objects.exists()


def test_confirmation_mail_cannot_be_used_to_flood_an_address(county):
    from subscriptions import services

    victim = "flooded@example.org"
    for _ in range(3):  # the same subscription sent again and again
        services.subscription_create(
            site=county, kind="keyword", key="供暖", email=victim
        )
    for word in ("燃气", "供水", "交通", "教育", "医疗", "养老"):
        services.subscription_create(
            site=county, kind="keyword", key=word, email=victim
        )
    run()
    assert len(mails_to(victim)) == services.CONFIRMATIONS_PER_HOUR


def test_one_click_unsubscribe_from_the_list_unsubscribe_header(county, tzgg):
    from subscriptions import services

    row = services.subscription_create(
        site=county, kind="column", key=str(tzgg.pk), email=ADDRESS
    )
    from subscriptions import tokens

    tokens_url = f"/subscriptions/confirm/?t={tokens.confirm_token(row)}"
    client = public_client(county)
    client.get(tokens_url)
    mail.outbox.clear()
    ArticleFactory(parent=tzgg, title="通知", publish=True)
    run()
    (message,) = mails_to(ADDRESS)
    header = message.extra_headers["List-Unsubscribe"].strip("<>")
    path = header.split("://", 1)[1].split("/", 1)[1]
    # What a mail client sends (RFC 8058): a POST with this body, no cookies.
    answer = client.post(f"/{path}", {"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    with use_site(county):
        assert not Subscription.objects.exists()
