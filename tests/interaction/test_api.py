"""The cases API on a site's host: key authentication, validation, idempotency,
rate limits, status look-up; and the schema it adds to /api/v1/openapi.json."""

import json

import pytest
from django.core.management import call_command
from django.test import Client

from interaction import services
from interaction.models import ApiClient, Case
from sites.tenancy import all_sites, use_site

pytestmark = pytest.mark.django_db

CASE = {
    "kind": "inquiry",
    "title": "社保卡补办",
    "content": "请问社保卡丢失后如何补办？我的电话13812345678。",
    "name": "李四",
    "phone": "13912345678",
}


@pytest.fixture
def api_key(county):
    _client, key = services.api_client_create(site=county, name="12345热线")
    return key


def _post(site, key, body, idem="hotline-0001", **headers):
    return Client(HTTP_HOST=site.host).post(
        "/api/v1/cases",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_X_API_KEY=key,
        HTTP_IDEMPOTENCY_KEY=idem,
        **headers,
    )


def _count():
    with all_sites():
        return Case.objects.count()


def test_a_client_submits_a_case_and_gets_number_and_code(county, api_key):
    response = _post(county, api_key, CASE)
    assert response.status_code == 201
    body = response.json()
    assert body["tracking_number"].startswith(county.code) and body["created"]
    assert len(body["query_code"]) == 8
    with use_site(county):
        case = Case.objects.get()
    assert case.channel == "api" and case.api_client.name == "12345热线"


def test_the_same_idempotency_key_returns_the_first_case(county, api_key):
    first = _post(county, api_key, CASE).json()
    again = _post(county, api_key, CASE)
    assert again.status_code == 200
    assert again.json()["tracking_number"] == first["tracking_number"]
    assert again.json()["query_code"] is None
    assert _count() == 1


def test_the_same_idempotency_key_with_other_content_is_refused(county, api_key):
    first = _post(county, api_key, CASE)
    assert first.status_code == 201
    other = _post(county, api_key, {**CASE, "content": "另一件事"})
    assert other.status_code == 409
    assert "different content" in other.json()["detail"]
    assert _count() == 1


@pytest.mark.parametrize(
    "headers",
    [{}, {"HTTP_X_API_KEY": "gov_deadbeef_wrong"}, {"HTTP_X_API_KEY": ""}],
)
def test_requests_without_a_valid_key_are_refused(county, api_key, headers):
    client = Client(HTTP_HOST=county.host)
    response = client.post(
        "/api/v1/cases",
        data=json.dumps(CASE),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="hotline-0002",
        **headers,
    )
    assert response.status_code == 401
    assert _count() == 0


def test_a_key_works_only_on_its_own_sites_host(county, city, api_key):
    assert _post(city, api_key, CASE).status_code == 401
    assert _post(county, api_key, CASE).status_code == 201


def test_a_deactivated_client_is_refused(county, api_key):
    with use_site(county):
        client = ApiClient.objects.get()
    services.api_client_deactivate(site=county, client=client)
    assert _post(county, api_key, CASE).status_code == 401


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"content": "长" * 100_000}, "content"),
        ({"title": "<p></p>"}, "title"),
        ({"phone": "not a phone"}, "phone"),
        ({"email": "nobody"}, "email"),
        ({"kind": "complaint", "about_own_staff": True}, "about_own_staff"),
    ],
)
def test_the_api_applies_the_forms_validation(county, api_key, change, field):
    response = _post(county, api_key, {**CASE, **change})
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert _count() == 0


def test_a_64_character_idempotency_key_is_stored_and_found_again(county, api_key):
    key = "hotline-" + "0123456789abcdef" * 3 + "01234567"
    assert len(key) == 64
    first = _post(county, api_key, CASE, idem=key)
    assert first.status_code == 201
    again = _post(county, api_key, CASE, idem=key)
    assert again.status_code == 200
    assert again.json()["tracking_number"] == first.json()["tracking_number"]
    assert again.json()["query_code"] is None
    assert _count() == 1
    with all_sites():
        stored = Case.objects.get().idempotency_key
    assert len(stored) <= 64 and key not in stored


def test_a_missing_or_bad_idempotency_key_is_refused(county, api_key):
    assert _post(county, api_key, CASE, idem="").status_code in (400, 422)
    assert _post(county, api_key, CASE, idem="<script>").status_code == 400
    assert _count() == 0


def test_markup_is_stored_as_plain_text(county, api_key):
    body = {**CASE, "content": "<script>alert(1)</script><b>请回电</b>"}
    assert _post(county, api_key, body).status_code == 201
    with use_site(county):
        assert Case.objects.get().content == "alert(1)请回电"


def test_api_clients_are_rate_limited(county, api_key, settings):
    settings.INTERACTION_API_RATE = "2/m"
    assert _post(county, api_key, CASE, idem="k-00000001").status_code == 201
    assert _post(county, api_key, CASE, idem="k-00000002").status_code == 201
    assert _post(county, api_key, CASE, idem="k-00000003").status_code == 429
    assert _count() == 2


def test_status_look_up_needs_the_query_code_in_a_header(county, api_key):
    receipt = _post(county, api_key, CASE).json()
    client = Client(HTTP_HOST=county.host)
    url = f"/api/v1/cases/{receipt['tracking_number']}"
    ok = client.get(
        url, HTTP_X_API_KEY=api_key, HTTP_X_QUERY_CODE=receipt["query_code"]
    )
    assert ok.status_code == 200
    assert ok.json()["status"] == "submitted"
    assert "13912345678" not in ok.content.decode()
    wrong = client.get(url, HTTP_X_API_KEY=api_key, HTTP_X_QUERY_CODE="ZZZZZZZZ")
    forged = client.get(
        f"/api/v1/cases/{county.code}2026010199999",
        HTTP_X_API_KEY=api_key,
        HTTP_X_QUERY_CODE="ZZZZZZZZ",
    )
    assert wrong.status_code == forged.status_code == 404
    assert wrong.json()["detail"] == forged.json()["detail"]


def test_the_schema_describes_the_cases_api(db):
    schema = Client(HTTP_HOST="localhost").get("/api/v1/openapi.json").json()
    assert "/api/v1/cases" in schema["paths"]
    assert "/api/v1/cases/{tracking_number}" in schema["paths"]
    post = schema["paths"]["/api/v1/cases"]["post"]
    assert any(p["name"] == "Idempotency-Key" for p in post["parameters"])


def test_create_api_client_prints_the_key_once(county, capsys):
    call_command("create_api_client", "--site", county.code, "--name", "8890热线")
    key = capsys.readouterr().out.strip().splitlines()[-1]
    assert key.startswith("gov_")
    assert _post(county, key, CASE).status_code == 201
    with use_site(county):
        stored = ApiClient.objects.get(name="8890热线")
    assert key not in (stored.key_hash, stored.key_prefix)


def test_create_api_client_refuses_an_unknown_site(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no site"):
        call_command("create_api_client", "--site", "0000000000", "--name", "x")
    with all_sites():
        assert not ApiClient.objects.exists()
