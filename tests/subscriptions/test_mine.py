"""A signed-in person's side: subscriptions without confirmation, notices of new
items and of their letters' status, the header's count (JSON, never cached), the
list, and 「我的主页」 with pins. Nobody reaches another person's rows."""

import json

import pytest
from django.test import Client

from interaction import services as interaction_services
from sites.models import SiteRole
from sites.tenancy import use_site
from subscriptions.models import Notification, Pin, Subscription
from tests.conftest import _member
from tests.factories import ArticleFactory, UserFactory, column
from tests.interaction.conftest import case_input
from tests.interaction.helpers import form_fields
from tests.subscriptions.conftest import mails_to, run

pytestmark = pytest.mark.django_db


def _client(site, user=None):
    client = Client(HTTP_HOST=site.host)
    if user is not None:
        client.force_login(user)
    return client


def test_signed_in_subscription_is_active_at_once(county):
    user = UserFactory(email="reader@example.org")
    client = _client(county, user)
    fields = form_fields(client.get("/subscriptions/").content.decode())
    assert "captcha_0" not in fields  # no check question when signed in
    answer = client.post(
        "/subscriptions/",
        {**fields, "kind": "keyword", "keyword": "供暖", "frequency": "instant"},
    )
    assert answer.status_code == 302
    with use_site(county):
        row = Subscription.objects.get()
    assert row.user == user and row.confirmed_at is not None
    run()
    assert mails_to("reader@example.org") == []  # no confirmation needed
    ArticleFactory(parent=column(county, "gzdt"), title="供暖保障工作", publish=True)
    run()
    assert len(mails_to("reader@example.org")) == 1
    (notice,) = Notification.objects.filter(user=user)
    assert notice.title == "供暖保障工作" and notice.url.startswith("http")
    page = client.get("/subscriptions/mine/").content.decode()
    assert "供暖" in page


def test_notification_count_is_json_never_cached_and_personal(county):
    user = UserFactory()
    other = UserFactory()
    Notification.objects.create(user=user, kind="item", title="一", dedupe_key="a")
    Notification.objects.create(user=user, kind="item", title="二", dedupe_key="b")
    Notification.objects.create(user=other, kind="item", title="三", dedupe_key="a")
    anonymous = _client(county).get("/subscriptions/notifications/count.json")
    assert json.loads(anonymous.content) == {"count": 0}
    assert "no-cache" in anonymous["Cache-Control"]
    mine = _client(county, user).get("/subscriptions/notifications/count.json")
    assert json.loads(mine.content) == {"count": 2}
    assert "private" in mine["Cache-Control"] or "no-store" in mine["Cache-Control"]
    # The list shows only mine; reading them all clears the count.
    client = _client(county, user)
    html = client.get("/subscriptions/notifications/").content.decode()
    assert "一" in html and "三" not in html
    client.post("/subscriptions/notifications/")
    assert json.loads(
        client.get("/subscriptions/notifications/count.json").content
    ) == {"count": 0}
    assert Notification.objects.filter(user=other, read_at=None).count() == 1


def test_signed_in_pages_ask_to_sign_in(county):
    for path in ("/subscriptions/mine/", "/subscriptions/notifications/"):
        answer = _client(county).get(path)
        assert answer.status_code == 302


def test_letter_status_changes_notify_the_signed_in_submitter(county):
    user = UserFactory()
    handler = _member(county, SiteRole.EDITOR)
    case, _code = interaction_services.case_submit(
        site=county,
        data=case_input(email=""),
        idempotency_key="subscriptions-test-0001",
        user=user,
    )
    interaction_services.case_accept(site=county, case=case, user=handler)
    interaction_services.case_reply(
        site=county, case=case, user=handler, reply="已安排维修。"
    )
    titles = list(
        Notification.objects.filter(user=user, kind="case")
        .order_by("pk")
        .values_list("title", flat=True)
    )
    assert len(titles) == 2
    assert case.tracking_number in titles[0]


def test_pins_on_my_home_page(county, city):
    user = UserFactory()
    client = _client(county, user)
    tzgg = column(county, "tzgg")
    fields = form_fields(client.get("/subscriptions/home/").content.decode())
    client.post("/subscriptions/home/", {**fields, "kind": "column", "target": tzgg.pk})
    client.post("/subscriptions/home/", {**fields, "kind": "site"})
    # The same column again: still one pin.
    client.post("/subscriptions/home/", {**fields, "kind": "column", "target": tzgg.pk})
    # A column of another site, pinned on this site's host: refused.
    other_column = column(city, "tzgg")
    refused = client.post(
        "/subscriptions/home/",
        {**fields, "kind": "column", "target": other_column.pk},
    )
    assert refused.status_code == 400
    assert "请选择本网站的栏目" in refused.content.decode()
    assert Pin.objects.filter(user=user).count() == 2
    html = client.get("/subscriptions/home/").content.decode()
    assert "通知公告" in html and county.name in html
    # Someone else cannot unpin mine.
    pin = Pin.objects.filter(user=user, kind="column").get()
    stranger = _client(county, UserFactory())
    stranger.post("/subscriptions/home/", {"action": "unpin", "id": pin.pk})
    assert Pin.objects.filter(pk=pin.pk).exists()
    client.post("/subscriptions/home/", {"action": "unpin", "id": pin.pk})
    assert not Pin.objects.filter(pk=pin.pk).exists()


def test_manage_page_of_one_address_never_shows_anothers(county):
    from subscriptions import services, tokens

    services.subscription_create(
        site=county, kind="keyword", key="供暖", email="a@example.org"
    )
    theirs = services.subscription_create(
        site=county, kind="keyword", key="燃气", email="b@example.org"
    )
    token = tokens.manage_token(site_id=county.pk, email="a@example.org")
    client = _client(county)
    html = client.get(f"/subscriptions/manage/?t={token}").content.decode()
    assert "供暖" in html and "燃气" not in html
    csrf = form_fields(html)["csrfmiddlewaretoken"]
    answer = client.post(
        "/subscriptions/manage/",
        {"csrfmiddlewaretoken": csrf, "t": token, "id": theirs.pk, "action": "delete"},
    )
    assert answer.status_code == 404
    with use_site(county):
        assert Subscription.objects.filter(pk=theirs.pk).exists()
