"""sitemap.xml and robots.txt: per site, on the site's host only."""

import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.utils import timezone
from wagtail.models import Page

from sites import routing, services
from tests.feeds.conftest import publish

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def sitemap_entries(site):
    response = Client(HTTP_HOST=site.host).get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own response
    return {
        url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
        for url in root.iter(f"{SITEMAP}url")
    }


def test_sitemap_lists_this_sites_pages_and_none_of_another_sites(site, other_site):
    mine = publish(site, "tzgg", "n1", "2019-05-12")
    theirs = publish(other_site, "tzgg", "n1", "2019-05-12")
    draft = Page.objects.get(pk=publish(site, "tzgg", "n2", "2019-05-13"))
    draft.unpublish()

    entries = sitemap_entries(site)

    assert f"http://{site.host}/" in entries
    assert f"http://{site.host}/news/tzgg/" in entries
    assert f"http://{site.host}/news/tzgg/201905/t20190512_{mine}.html" in entries
    assert all(loc.startswith(f"http://{site.host}/") for loc in entries)
    assert not any(loc.endswith(f"_{theirs}.html") for loc in entries)
    assert not any(loc.endswith(f"_{draft.pk}.html") for loc in entries)
    newest = Page.objects.get(pk=mine).last_published_at
    for loc in (f"http://{site.host}/", f"http://{site.host}/news/tzgg/"):
        assert entries[loc] == timezone.localdate(newest).isoformat()

    other_entries = sitemap_entries(other_site)
    assert (
        f"http://{other_site.host}/news/tzgg/201905/t20190512_{theirs}.html"
        in other_entries
    )
    assert not any(loc.endswith(f"_{mine}.html") for loc in other_entries)


def test_robots_txt_names_the_sitemap_and_keeps_out_of_the_admin(site):
    response = Client(HTTP_HOST=site.host).get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert [line for line in lines if line.startswith("Disallow")] == [
        "Disallow: /admin/"
    ]
    assert f"Sitemap: http://{site.host}/sitemap.xml" in lines


@pytest.mark.parametrize("path", ["/sitemap.xml", "/robots.txt"])
def test_platform_and_unknown_hosts_have_no_sitemap_or_robots(site, path):
    assert Client(HTTP_HOST="localhost").get(path).status_code == 404
    assert Client(HTTP_HOST="nobody.localhost").get(path).status_code == 404


@pytest.mark.parametrize("path", ["/sitemap.xml", "/robots.txt", "/news/rss.xml"])
def test_closed_site_answers_410(site, path):
    services.site_close(site=site)
    routing.invalidate()
    assert Client(HTTP_HOST=site.host).get(path).status_code == 410
