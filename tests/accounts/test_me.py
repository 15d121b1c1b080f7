"""「我的」 pages on every site host: my letters (filed signed in, or claimed with
the tracking number and query code), my comments, profile, security, export and
deletion; forms filled in from the account, no captcha when signed in."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from accounts.models import Consent, IdentitySession
from interaction.models import Case, Comment
from sites.tenancy import all_sites
from tests.interaction.conftest import file_case, open_consultation  # noqa: F401
from tests.interaction.helpers import form_fields

from .helpers import make_account, signed_in_client

pytestmark = pytest.mark.django_db
FORM = "/interaction/cases/new/?channel=mailbox"


@pytest.fixture
def citizen():
    account = make_account(phone="13900139000", username="li-lei")
    account.name = "李雷"
    account.email = "lilei@example.org"
    account.save()
    return account.user


def _cases():
    with all_sites():
        return list(Case.objects.all())


def test_cases_mine_sends_strangers_to_sign_in(county):
    response = Client(HTTP_HOST=county.host).get("/interaction/cases/mine/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    start = Client(HTTP_HOST=county.host).get(response["Location"])
    assert start.status_code == 302 and "/accounts/sso/authorize/" in start["Location"]


def test_a_signed_in_letter_is_prefilled_skips_the_captcha_and_is_mine(
    county, department, citizen
):
    client = signed_in_client(county, citizen, enforce_csrf_checks=True)
    html = client.get(FORM).content.decode()
    assert 'value="李雷"' in html and 'value="13900139000"' in html
    assert "captcha" not in html
    fields = form_fields(html)
    response = client.post(
        FORM,
        {
            **fields,
            "kind": "inquiry",
            "title": "办证咨询",
            "content": "请问需要什么材料？",
            "name": "李雷",
            "phone": "13900139000",
            "email": "",
        },
    )
    assert response.status_code == 302
    (case,) = _cases()
    assert case.user == citizen
    # Seen under 我的信件 on another site's host too.
    elsewhere = signed_in_client(department, citizen)
    for path in ("/accounts/me/letters/", "/interaction/cases/mine/"):
        page = elsewhere.get(path).content.decode()
        assert case.tracking_number in page and "办证咨询" in page, path


def test_rate_limits_per_account_still_apply(settings, county, citizen):
    settings.INTERACTION_SUBMIT_RATE = "1/h"
    client = signed_in_client(county, citizen)
    statuses = []
    for n in range(2):
        fields = form_fields(client.get(FORM).content.decode())
        response = client.post(
            FORM,
            {**fields, "kind": "inquiry", "title": f"咨询{n}", "content": "内容"},
        )
        statuses.append(response.status_code)
    assert statuses == [302, 429]
    assert len(_cases()) == 1


def test_claim_an_anonymous_letter_with_its_number_and_code(county, citizen):
    case, code = file_case(county)
    client = signed_in_client(county, citizen)
    wrong = client.post(
        "/accounts/me/letters/",
        {"tracking_number": case.tracking_number, "query_code": "WRONG1"},
    )
    assert wrong.status_code == 400 and "不正确" in wrong.content.decode()
    assert _cases()[0].user is None
    response = client.post(
        "/accounts/me/letters/",
        {"tracking_number": case.tracking_number, "query_code": code},
    )
    assert response.status_code == 200
    assert _cases()[0].user == citizen
    assert case.tracking_number in response.content.decode()
    # Nobody else can take it afterwards.
    other = make_account(phone="13700137000").user
    again = signed_in_client(county, other).post(
        "/accounts/me/letters/",
        {"tracking_number": case.tracking_number, "query_code": code},
    )
    assert again.status_code == 400 and "已关联账号" in again.content.decode()
    assert _cases()[0].user == citizen


def test_a_letter_is_claimed_only_on_the_host_it_was_filed_on(
    county, department, citizen
):
    case, code = file_case(county)
    response = signed_in_client(department, citizen).post(
        "/accounts/me/letters/",
        {"tracking_number": case.tracking_number, "query_code": code},
    )
    assert response.status_code == 400
    assert _cases()[0].user is None


def test_my_letters_show_only_my_own(county, citizen):
    mine, _code = file_case(county)
    theirs, _code = file_case(county)
    other = make_account(phone="13700137000").user
    with all_sites():
        Case.objects.filter(pk=mine.pk).update(user=citizen)
        Case.objects.filter(pk=theirs.pk).update(user=other)
    page = signed_in_client(county, citizen).get("/accounts/me/letters/")
    html = page.content.decode()
    assert mine.tracking_number in html and theirs.tracking_number not in html


def test_my_comments_prefilled_and_listed(county, citizen, open_consultation):  # noqa: F811
    client = signed_in_client(county, citizen)
    url = f"/interaction/consultations/{open_consultation.pk}/comment/"
    html = client.get(url).content.decode()
    assert 'value="李雷"' in html and "captcha" not in html
    fields = form_fields(html)
    response = client.post(
        url,
        {
            **fields,
            "name": "李雷",
            "contact": "13900139000",
            "text": "建议延长开放时间",
        },
    )
    assert response.status_code == 200
    with all_sites():
        assert Comment.objects.get().user == citizen
    page = client.get("/accounts/me/comments/").content.decode()
    assert "建议延长开放时间" in page


def test_profile_update_and_refusal(county, citizen):
    client = signed_in_client(county, citizen)
    response = client.post(
        "/accounts/me/", {"name": "李小雷", "email": "new@example.org"}
    )
    assert response.status_code == 302
    citizen.public_account.refresh_from_db()
    assert citizen.public_account.name == "李小雷"
    bad = client.post("/accounts/me/", {"name": "x", "email": "not-an-address"})
    assert bad.status_code == 400 and "有效的电子邮箱" in bad.content.decode()
    citizen.public_account.refresh_from_db()
    assert citizen.public_account.email == "new@example.org"


def test_security_password_devices_and_weak_password_refused(county, citizen):
    client = signed_in_client(county, citizen)
    weak = client.post(
        "/accounts/me/security/",
        {"action": "password", "password1": "123", "password2": "123"},
    )
    assert weak.status_code == 400
    assert not get_user_model().objects.get(pk=citizen.pk).has_usable_password()
    ok = client.post(
        "/accounts/me/security/",
        {
            "action": "password",
            "password1": "Qz!8vLm#2026",
            "password2": "Qz!8vLm#2026",
        },
    )
    assert ok.status_code == 200 and "密码已修改" in ok.content.decode()
    assert client.get("/accounts/me/").status_code == 200  # still signed in
    other_device = signed_in_client(county, citizen)
    sessions = IdentitySession.objects.filter(user=citizen, ended_at__isnull=True)
    assert sessions.count() == 2
    newest = sessions.first()
    client.post("/accounts/me/security/", {"action": "device", "session": newest.pk})
    assert other_device.get("/accounts/me/").status_code == 302
    assert client.get("/accounts/me/").status_code == 200


def test_export_holds_my_data(county, citizen):
    case, _code = file_case(county, name="李雷")
    with all_sites():
        Case.objects.filter(pk=case.pk).update(user=citizen)
    response = signed_in_client(county, citizen).get("/accounts/me/export/")
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["account"]["mobile"] == "13900139000"
    assert data["letters"][0]["tracking_number"] == case.tracking_number
    assert data["consents"][0]["version"] == "2026-01"


def test_delete_account_anonymises_letters_and_keeps_them(county, citizen):
    case, _code = file_case(county, name="李雷", phone="13900139000")
    with all_sites():
        Case.objects.filter(pk=case.pk).update(user=citizen)
    client = signed_in_client(county, citizen)
    refused = client.post(
        "/accounts/me/security/", {"action": "delete", "confirm": "no"}
    )
    assert refused.status_code == 400
    assert get_user_model().objects.filter(pk=citizen.pk).exists()
    done = client.post(
        "/accounts/me/security/", {"action": "delete", "confirm": "注销"}
    )
    assert done.status_code == 200 and "账号已注销" in done.content.decode()
    assert not get_user_model().objects.filter(pk=citizen.pk).exists()
    assert not Consent.objects.filter(user_id=citizen.pk).exists()
    (kept,) = _cases()
    assert kept.pk == case.pk and kept.user is None
    assert kept.phone == "" and kept.anonymised_at is not None
    assert kept.title == case.title


def test_me_pages_are_not_served_on_the_identity_host(citizen):
    client = Client(HTTP_HOST="localhost")
    client.force_login(citizen, backend="accounts.backends.PublicAccountBackend")
    assert client.get("/accounts/me/").status_code == 404
