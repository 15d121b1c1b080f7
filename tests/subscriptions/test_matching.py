"""Matching one item against many subscriptions in a few queries, the same
answer as checking each; one delivery and one notice per person and item;
digests; the suppression list; mail that fails is tried again."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sites.tenancy import use_site
from subscriptions import delivery, services
from subscriptions.matching import (
    item_facts,
    matching_subscriptions,
    subscription_matches_one_by_one,
)
from subscriptions.models import (
    Delivery,
    DeliveryStatus,
    Notification,
    Subscription,
    SubscriptionToken,
    Suppression,
)
from subscriptions.services import keyword_tokens
from subscriptions.tasks import digests_enqueue
from tests.factories import ArticleFactory, PolicyDocumentFactory, UserFactory, column
from tests.factories.content import body
from tests.subscriptions.conftest import mails_to, run

pytestmark = pytest.mark.django_db

PAST = timezone.now() - datetime.timedelta(days=1)


def _subscribe(site, kind, key, email, frequency="instant", user=None):
    """A confirmed subscription written directly (the public path is tested in
    test_public.py)."""
    with use_site(site):
        row = Subscription.objects.create(
            site=site,
            kind=kind,
            key=key,
            email=email,
            user=user,
            frequency=frequency,
            confirmed_at=PAST,
        )
        if kind == "keyword":
            words = keyword_tokens(key)
            SubscriptionToken.objects.bulk_create(
                [SubscriptionToken(site=site, subscription=row, token=w) for w in words]
            )
            row.token_count = len(words)
            row.save()
    return row


def test_set_based_matching_agrees_with_checking_each(county):
    tzgg, gzdt = column(county, "tzgg"), column(county, "gzdt")
    rows = []
    for n in range(12):
        rows += [
            _subscribe(county, "column", str(tzgg.pk), f"c{n}@example.org"),
            _subscribe(county, "column", str(gzdt.pk), f"g{n}@example.org"),
            _subscribe(county, "keyword", "供暖", f"k{n}@example.org"),
            _subscribe(county, "keyword", "城市供暖", f"kk{n}@example.org"),
            _subscribe(county, "keyword", "燃气", f"gas{n}@example.org"),
            _subscribe(county, "document_kind", "normative", f"n{n}@example.org"),
            _subscribe(county, "document_kind", "article", f"a{n}@example.org"),
            _subscribe(county, "subject", "health", f"h{n}@example.org"),
            _subscribe(county, "site", "", f"s{n}@example.org"),
        ]
    page = ArticleFactory(
        parent=tzgg,
        title="关于今冬城市供暖的通知",
        body=body("供暖时间调整。"),
        publish=True,
    )
    facts = item_facts(page)
    with use_site(county), CaptureQueriesContext(connection) as queries:
        matched = set(matching_subscriptions(facts).values_list("pk", flat=True))
    assert len(queries) == 1
    expected = {r.pk for r in rows if subscription_matches_one_by_one(r, facts)}
    assert matched == expected
    kinds = {r.kind for r in rows if r.pk in matched}
    assert kinds == {"column", "keyword", "document_kind", "site"}
    # 燃气 is not in the item; a keyword needs all its tokens.
    assert not any(r.key == "燃气" for r in rows if r.pk in matched)
    assert any(r.key == "城市供暖" for r in rows if r.pk in matched)


def test_normative_document_and_subject_match(province):
    column_page = column(province, "zcwj") if _has(province, "zcwj") else None
    parent = column_page or _first_column(province)
    kind = _subscribe(province, "document_kind", "normative", "n@example.org")
    subject = _subscribe(province, "subject", "health", "h@example.org")
    other = _subscribe(province, "subject", "finance", "f@example.org")
    page = PolicyDocumentFactory(
        parent=parent, is_normative=True, subject_category="health", publish=True
    )
    with use_site(province):
        matched = set(
            matching_subscriptions(item_facts(page)).values_list("pk", flat=True)
        )
    assert kind.pk in matched and subject.pk in matched and other.pk not in matched


def _has(site, code):
    from cms.models import ColumnPage

    return ColumnPage.objects.descendant_of(site.root_page).filter(code=code).exists()


def _first_column(site):
    from cms.models import ColumnPage

    return ColumnPage.objects.descendant_of(site.root_page).first()


def test_other_sites_subscriptions_do_not_match(county, city):
    _subscribe(city, "site", "", "city@example.org")
    _subscribe(city, "keyword", "供暖", "citykw@example.org")
    ArticleFactory(parent=column(county, "tzgg"), title="供暖通知", publish=True)
    run()
    assert mails_to("city@example.org") == mails_to("citykw@example.org") == []


def test_one_message_and_one_notice_per_person_and_item(county):
    tzgg = column(county, "tzgg")
    user = UserFactory(email="person@example.org")
    services.subscription_create(
        site=county, kind="column", key=str(tzgg.pk), user=user
    )
    services.subscription_create(site=county, kind="keyword", key="供暖", user=user)
    # The same address also subscribed without signing in, and confirmed.
    _subscribe(county, "site", "", "person@example.org")
    page = ArticleFactory(parent=tzgg, title="供暖通知", publish=True)
    # Published again before the worker ran: two matching tasks queued.
    page.save_revision().publish()
    run()
    assert len(mails_to("person@example.org")) == 1
    assert Notification.objects.filter(user=user).count() == 1
    with use_site(county):
        assert Delivery.objects.filter(item=page).count() == 1


def test_subscription_made_after_publishing_gets_nothing_on_republish(county):
    tzgg = column(county, "tzgg")
    page = ArticleFactory(parent=tzgg, title="旧通知", publish=True)
    run()
    with use_site(county):
        Subscription.objects.create(
            site=county,
            kind="column",
            key=str(tzgg.pk),
            email="late@example.org",
            confirmed_at=timezone.now(),
        )
    page.save_revision().publish()
    run()
    assert mails_to("late@example.org") == []


def test_daily_digest_gathers_items_in_one_message_once(county):
    tzgg = column(county, "tzgg")
    _subscribe(county, "column", str(tzgg.pk), "daily@example.org", "daily")
    ArticleFactory(parent=tzgg, title="通知甲", publish=True)
    ArticleFactory(parent=tzgg, title="通知乙", publish=True)
    run()
    assert mails_to("daily@example.org") == []
    assert digests_enqueue(frequency="daily") >= 1
    run()
    (message,) = mails_to("daily@example.org")
    assert "通知甲" in message.body and "通知乙" in message.body
    assert "List-Unsubscribe" in message.extra_headers
    digests_enqueue(frequency="daily")
    run()
    assert len(mails_to("daily@example.org")) == 1


def test_bounced_address_gets_no_more_mail(county):
    tzgg = column(county, "tzgg")
    _subscribe(county, "column", str(tzgg.pk), "bounce@example.org")
    call_command("record_bounce", "Bounce@Example.org", "--reason", "bounce")
    assert Suppression.objects.filter(address="bounce@example.org").exists()
    page = ArticleFactory(parent=tzgg, title="通知", publish=True)
    run()
    assert mails_to("bounce@example.org") == []
    with use_site(county):
        assert Delivery.objects.get(item=page).status == DeliveryStatus.SUPPRESSED


def test_failed_mail_is_tried_again_later_not_lost(county, monkeypatch):
    tzgg = column(county, "tzgg")
    _subscribe(county, "column", str(tzgg.pk), "flaky@example.org")
    calls = []

    def broken_send(self, fail_silently=False):
        calls.append(self.to)
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken_send)
    page = ArticleFactory(parent=tzgg, title="通知", publish=True)
    run()
    assert calls == [["flaky@example.org"]]
    with use_site(county):
        row = Delivery.objects.get(item=page)
    assert (row.status, row.attempts) == (DeliveryStatus.PENDING, 1)
    retry = DBTaskResult.objects.filter(task_path__endswith="send_deliveries_task")
    assert retry.count() == 1 and retry.get().run_after > timezone.now()
    monkeypatch.undo()
    # The retry's time comes: sent once.
    failed = delivery.deliveries_send(site=county, delivery_ids=[row.pk])
    assert failed == []
    assert len(mails_to("flaky@example.org")) == 1
    assert delivery.deliveries_send(site=county, delivery_ids=[row.pk]) == []
    assert len(mail.outbox) == 1
