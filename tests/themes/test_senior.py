"""Senior-friendly mode without JavaScript: a query parameter sets a cookie, the
per-visitor stylesheet follows the cookie, links to related sites carry the choice
to hosts the cookie does not reach."""

import pytest
from django.test import Client

from tests.factories import SiteFactory
from tests.themes.conftest import set_theme

pytestmark = pytest.mark.django_db


def test_the_query_parameter_sets_the_cookie_and_redirects_to_the_clean_address(
    site,
):
    client = Client(HTTP_HOST=site.host)
    response = client.get("/news/?page=2&senior=1")
    assert response.status_code == 302
    assert response["Location"] == "/news/?page=2"
    cookie = response.cookies["gov_senior"]
    assert cookie.value == "1"
    assert int(cookie["max-age"]) >= 30 * 24 * 3600
    assert cookie["samesite"] == "Lax"
    assert not cookie["domain"]  # no shared domain configured
    assert "no-store" in response["Cache-Control"]
    assert client.get("/news/?page=2").status_code == 200
    off = client.get("/news/?senior=0")
    assert off.status_code == 302 and off["Location"] == "/news/"
    assert off.cookies["gov_senior"].value == ""
    assert off.cookies["gov_senior"]["max-age"] == 0


# Percent-encoded, or the test client would read "//evil…" as a host; the server
# decodes both to a path starting with "//" or "/\\".
@pytest.mark.parametrize("path", ["/%2Fevil.example.com/", "/%5Cevil.example.com/"])
def test_the_switch_redirects_only_to_this_host(site, path):
    response = Client(HTTP_HOST=site.host).get(path, {"senior": "1"})
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\"))
    assert "evil.example.com" in location  # kept as a path on this host


def test_other_values_and_the_admin_are_left_alone(site):
    client = Client(HTTP_HOST=site.host)
    assert client.get("/news/?senior=yes").status_code == 200
    assert "gov_senior" not in client.cookies
    admin = Client(HTTP_HOST="localhost")  # the admin is on the platform's host
    assert admin.get("/admin/login/?senior=1").status_code == 200
    assert "gov_senior" not in admin.cookies


def test_the_mode_stylesheet_follows_the_cookie(site):
    client = Client(HTTP_HOST=site.host)
    plain = client.get("/themes/mode.css")
    assert plain.status_code == 200
    assert plain["Content-Type"].startswith("text/css")
    assert plain.content == b""
    assert "private" in plain["Cache-Control"]
    assert "Cookie" in plain["Vary"]
    client.get("/?senior=1")
    senior = client.get("/themes/mode.css")
    css = senior.content.decode()
    assert "font-size: 22px" in css and "line-height: 1.8" in css
    assert ".floating" in css and "display: none" in css
    assert "Cookie" in senior["Vary"]
    assert client.post("/themes/mode.css").status_code == 405


def test_a_shared_cookie_domain_carries_the_choice_across_sites(settings):
    settings.THEMES_SENIOR_COOKIE_DOMAIN = ".gov.localhost"
    inside = SiteFactory(host="county.gov.localhost")
    outside = SiteFactory(host="dept.other.localhost")
    response = Client(HTTP_HOST=inside.host).get("/?senior=1")
    assert response.cookies["gov_senior"]["domain"] == ".gov.localhost"
    response = Client(HTTP_HOST=outside.host).get("/?senior=1")
    assert not response.cookies["gov_senior"]["domain"]


def test_links_to_related_sites_carry_the_choice_to_other_hosts(db):
    province = SiteFactory(name="辽宁省人民政府")
    city = SiteFactory.child(province, "city", name="沈阳市人民政府")
    html = Client(HTTP_HOST=city.host).get("/").content.decode()
    assert f'href="/themes/go/{province.code}/"' in html
    assert "上级网站" in html
    up = Client(HTTP_HOST=city.host).get(f"/themes/go/{province.code}/")
    assert up.status_code == 302
    assert up["Location"] == f"http://{province.host}/"
    senior = Client(HTTP_HOST=city.host)
    senior.cookies["gov_senior"] = "1"
    carried = senior.get(f"/themes/go/{province.code}/")
    assert carried["Location"] == f"http://{province.host}/?senior=1"
    assert "Cookie" in carried["Vary"]
    # The province's host turns the parameter into its own cookie.
    arrival = Client(HTTP_HOST=province.host).get("/?senior=1")
    assert arrival.cookies["gov_senior"].value == "1"
    province_html = Client(HTTP_HOST=province.host).get("/").content.decode()
    assert f'href="/themes/go/{city.code}/"' in province_html
    assert Client(HTTP_HOST=city.host).get("/themes/go/0000000000/").status_code == 404


def test_every_theme_serves_the_senior_rules(site):
    for theme in ("portal", "county", "department"):
        set_theme(site, theme)
        client = Client(HTTP_HOST=site.host)
        client.cookies["gov_senior"] = "1"
        assert b"line-height: 1.8" in client.get("/themes/mode.css").content
