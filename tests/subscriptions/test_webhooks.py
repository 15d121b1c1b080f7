"""Webhooks: registered from the command line or the admin (scoped to the sites
one administers), deliveries signed, retried with back-off, logged with their
answers, and refused for internal addresses unless a platform admin allowed it."""

import hashlib
import hmac
import json
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sites.models import SiteRole
from sites.tenancy import use_site
from subscriptions import webhooks
from subscriptions.models import Webhook, WebhookDelivery, WebhookDeliveryStatus
from tests.conftest import _member, admin_client_for
from tests.factories import ArticleFactory, column
from tests.subscriptions.conftest import run
from tests.subscriptions.receiver import Receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.close()


def _hook(site, url, allow_private=True, events=("item.published",)):
    hook, secret = webhooks.webhook_create(
        site=site,
        name="12345",
        url=url,
        events=list(events),
        allow_private=allow_private,
    )
    return hook, secret


def _deliveries(site):
    with use_site(site):
        return list(WebhookDelivery.objects.order_by("pk"))


def test_create_webhook_command_prints_the_secret_once(county):
    out = StringIO()
    call_command(
        "create_webhook",
        "--site",
        county.code,
        "--url",
        "https://hotline.example.org/hook",
        "--events",
        "item.published,item.withdrawn",
        stdout=out,
    )
    with use_site(county):
        hook = Webhook.objects.get()
    assert hook.events == ["item.published", "item.withdrawn"]
    assert f"secret (shown only now): {hook.secret}" in out.getvalue()
    assert not hook.allow_private


def test_create_webhook_command_refuses_unknown_events(county):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command(
            "create_webhook",
            "--site",
            county.code,
            "--url",
            "https://x.example.org/",
            "--events",
            "item.eaten",
            stdout=StringIO(),
        )


def test_published_item_is_delivered_signed_once(county, receiver):
    _hook_row, secret = _hook(county, receiver.url())
    page = ArticleFactory(parent=column(county, "tzgg"), title="供暖通知", publish=True)
    run()
    ((path, headers, body),) = receiver.seen
    assert path == "/hook"
    timestamp = headers["X-Gov-Timestamp"]
    expected = hmac.new(
        secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    assert headers["X-Gov-Signature"] == f"sha256={expected}"
    assert abs(int(timestamp) - time.time()) < 300
    payload = json.loads(body)
    assert payload["event"] == "item.published"
    assert payload["data"]["id"] == page.pk and payload["data"]["title"] == "供暖通知"
    (delivery,) = _deliveries(county)
    assert delivery.status == WebhookDeliveryStatus.SUCCEEDED
    assert (delivery.response_status, delivery.response_body) == (200, "ok")
    # The task run again (a retry after a worker died): nothing sent again.
    webhooks.delivery_attempt(site=county, delivery_id=delivery.pk)
    assert len(receiver.seen) == 1


def test_updates_and_withdrawals_are_their_own_events(county, receiver):
    _hook(county, receiver.url(), events=["item.updated", "item.withdrawn"])
    page = ArticleFactory(parent=column(county, "tzgg"), publish=True)
    run()
    assert receiver.seen == []  # item.published was not asked for
    page.save_revision().publish()
    page.refresh_from_db()
    page.unpublish()
    run()
    events = [json.loads(body)["event"] for _p, _h, body in receiver.seen]
    assert events == ["item.updated", "item.withdrawn"]


def test_answer_500_is_retried_later_and_logged(county, receiver):
    receiver.httpd.route = Receiver.answer(500, b"database down")
    _hook(county, receiver.url())
    ArticleFactory(parent=column(county, "tzgg"), publish=True)
    run()
    (delivery,) = _deliveries(county)
    assert delivery.status == WebhookDeliveryStatus.RETRYING
    assert (delivery.attempts, delivery.response_status) == (1, 500)
    assert delivery.response_body == "database down"
    retry = DBTaskResult.objects.get(task_path__endswith="webhook_deliver_task")
    assert retry.run_after > timezone.now()
    # Next attempt succeeds.
    receiver.httpd.route = Receiver.answer(204)
    assert webhooks.delivery_attempt(site=county, delivery_id=delivery.pk) is None
    (delivery,) = _deliveries(county)
    assert (delivery.status, delivery.attempts) == ("succeeded", 2)


def test_endpoint_that_hangs_times_out_and_is_retried(county, receiver, settings):
    settings.WEBHOOK_TIMEOUT = 0.5

    def hang(handler):
        time.sleep(3)

    receiver.httpd.route = hang
    _hook(county, receiver.url())
    ArticleFactory(parent=column(county, "tzgg"), publish=True)
    run()
    # Given up at the timeout (its error says so), not answered after the 3 s hang.
    (delivery,) = _deliveries(county)
    assert delivery.status == WebhookDeliveryStatus.RETRYING
    assert delivery.error.startswith("timeout")


def test_gives_up_after_the_last_attempt(county, receiver, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    receiver.httpd.route = Receiver.answer(500)
    _hook(county, receiver.url())
    ArticleFactory(parent=column(county, "tzgg"), publish=True)
    run()
    (delivery,) = _deliveries(county)
    assert webhooks.delivery_attempt(site=county, delivery_id=delivery.pk) is None
    (delivery,) = _deliveries(county)
    assert (delivery.status, delivery.attempts) == ("failed", 2)


def test_loopback_address_refused_unless_allowed(county, receiver):
    _hook(county, receiver.url(), allow_private=False)
    ArticleFactory(parent=column(county, "tzgg"), publish=True)
    run()
    assert receiver.seen == []
    (delivery,) = _deliveries(county)
    assert delivery.status == WebhookDeliveryStatus.FAILED
    assert delivery.error


def test_redirect_to_an_internal_address_not_followed(county, receiver):
    receiver.httpd.route = Receiver.answer(
        302, headers=[("Location", "http://10.0.0.1/admin")]
    )
    _hook(county, receiver.url())
    ArticleFactory(parent=column(county, "tzgg"), publish=True)
    run()
    assert len(receiver.seen) == 1
    (delivery,) = _deliveries(county)
    assert delivery.status == WebhookDeliveryStatus.FAILED
    assert "10.0.0.1" in delivery.error


def test_only_a_platform_admin_allows_a_private_address(county):
    admin = _member(county, SiteRole.ADMIN)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        webhooks.webhook_create(
            site=county,
            name="x",
            url="http://10.1.1.1/",
            events=["item.published"],
            allow_private=True,
            user=admin,
        )


def test_site_admin_sees_and_edits_only_their_sites_webhooks(county, other_site):
    mine, _secret = _hook(county, "https://a.example.org/", allow_private=False)
    theirs, _secret = _hook(other_site, "https://b.example.org/", allow_private=False)
    admin = _member(county, SiteRole.ADMIN)
    client = admin_client_for(admin)
    listing = client.get("/admin/webhooks/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "a.example.org" in html and "b.example.org" not in html
    assert client.get(f"/admin/webhooks/{mine.pk}/").status_code == 200
    assert client.get(f"/admin/webhooks/{theirs.pk}/").status_code == 404
    answer = client.post(
        f"/admin/webhooks/{theirs.pk}/",
        {
            "site": other_site.pk,
            "name": "taken",
            "url": "https://evil.example.org/",
            "events": ["item.published"],
            "active": "on",
        },
    )
    assert answer.status_code == 404
    with use_site(other_site):
        assert Webhook.objects.get().url == "https://b.example.org/"
    # Creating one for another site: that site is not among the choices.
    answer = client.post(
        "/admin/webhooks/new/",
        {
            "site": other_site.pk,
            "name": "x",
            "url": "https://c.example.org/",
            "events": ["item.published"],
        },
    )
    assert answer.status_code == 200
    with use_site(other_site):
        assert Webhook.objects.count() == 1


def test_site_admin_creates_a_webhook_and_sees_its_secret_once(county):
    admin = _member(county, SiteRole.ADMIN)
    client = admin_client_for(admin)
    answer = client.post(
        "/admin/webhooks/new/",
        {
            "site": county.pk,
            "name": "县融媒体中心",
            "url": "https://app.example.org/hook",
            "events": ["item.published", "consultation.opened"],
            "active": "on",
            "allow_private": "on",  # not a field for a site admin: ignored
        },
    )
    assert answer.status_code == 200
    with use_site(county):
        hook = Webhook.objects.get()
    assert hook.secret in answer.content.decode()
    assert not hook.allow_private
    assert hook.secret not in client.get(f"/admin/webhooks/{hook.pk}/").content.decode()


def test_editor_without_admin_role_cannot_open_webhooks(county):
    editor = _member(county, SiteRole.EDITOR)
    assert admin_client_for(editor).get("/admin/webhooks/").status_code in (302, 403)


def test_consultation_opened_and_closed_events_sent_once(county, receiver):
    import datetime

    from subscriptions.events import consultation_events_emit
    from tests.factories import ConsultationFactory

    _hook(county, receiver.url(), events=["consultation.opened", "consultation.closed"])
    today = timezone.localdate()
    ConsultationFactory(
        parent=column(county, "zjdc"),
        kind="other",
        starts_on=today - datetime.timedelta(days=2),
        ends_on=today + datetime.timedelta(days=30),
        publish=True,
    )
    closing = ConsultationFactory(
        parent=column(county, "zjdc"),
        kind="other",
        short_period_reason="测试",
        starts_on=today - datetime.timedelta(days=40),
        ends_on=today - datetime.timedelta(days=1),
        publish=True,
    )
    run()
    assert [json.loads(b)["event"] for _p, _h, b in receiver.seen] == [
        "consultation.opened"
    ]
    consultation_events_emit(today=today)
    consultation_events_emit(today=today)
    run()
    events = [json.loads(b) for _p, _h, b in receiver.seen]
    assert [e["event"] for e in events] == [
        "consultation.opened",
        "consultation.closed",
    ]
    assert events[1]["data"]["id"] == closing.pk


def test_webhook_admin_pages_speak_chinese(county, platform_admin):
    hook, _secret = _hook(county, "https://a.example.org/", allow_private=False)
    client = admin_client_for(platform_admin)
    for path in (
        "/admin/webhooks/",
        "/admin/webhooks/new/",
        f"/admin/webhooks/{hook.pk}/",
    ):
        html = client.get(path).content.decode()
        for english in ("Webhooks", "Address", "Events", "Allow a private", "Save"):
            assert f">{english}" not in html, (path, english)
    html = client.get("/admin/webhooks/new/").content.decode()
    assert "允许内网地址" in html and "信息发布" in html
