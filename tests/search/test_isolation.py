"""Tenant isolation of search: a site's search, its API and its hot searches never
show another site's items or queries; the admin's statistics show a site's people
only their own sites' queries; synonyms are for platform admins only. Each check
has its positive control."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import strip_tags

from search import services
from search.models import Synonym
from tests.conftest import admin_client_for
from tests.factories import ArticleFactory, column
from tests.factories.content import body

pytestmark = pytest.mark.django_db

MINE, THEIRS = "本站独有的乡村振兴公告", "他站独有的乡村振兴公告"


@pytest.fixture
def two_sites(site, other_site, index):
    ArticleFactory(
        parent=column(site, "zwyw"), title=MINE, body=body("正文"), publish=True
    )
    ArticleFactory(
        parent=column(other_site, "zwyw"), title=THEIRS, body=body("正文"), publish=True
    )
    index()
    services.query_record(site=site, query="本站的搜索词", found=1)
    services.query_record(site=other_site, query="他站的秘密搜索词", found=1)
    return site, other_site


def _found(host, path):
    response = Client(HTTP_HOST=host).get(path)
    if "api" in path:
        return " ".join(r["title"] for r in response.json()["results"])
    return strip_tags(response.content.decode())


@pytest.mark.parametrize("path", ["/search/?q=乡村振兴", "/api/v1/search?q=乡村振兴"])
def test_site_search_never_returns_another_sites_items(two_sites, path):
    site, other_site = two_sites
    mine, theirs = _found(site.host, path), _found(other_site.host, path)
    assert MINE in mine and THEIRS not in mine
    assert THEIRS in theirs and MINE not in theirs
    # Positive control: the platform-wide scope sees both.
    everywhere = _found(site.host, path + "&scope=all")
    assert MINE in everywhere and THEIRS in everywhere


def test_hot_searches_stay_on_their_site(two_sites):
    site, other_site = two_sites
    data = Client(HTTP_HOST=site.host).get("/api/v1/search").json()
    assert data["hot_searches"] == ["本站的搜索词"]
    data = Client(HTTP_HOST=other_site.host).get("/api/v1/search").json()
    assert data["hot_searches"] == ["他站的秘密搜索词"]


def test_query_statistics_show_only_the_viewers_sites(
    two_sites, editor, other_editor, platform_admin
):
    site, other_site = two_sites
    url = reverse("search_query_statistics")
    mine = admin_client_for(editor).get(url).content.decode()
    assert "本站的搜索词" in mine and "他站的秘密搜索词" not in mine
    theirs = admin_client_for(other_editor).get(url).content.decode()
    assert "他站的秘密搜索词" in theirs and "本站的搜索词" not in theirs
    everything = admin_client_for(platform_admin).get(url).content.decode()
    assert "本站的搜索词" in everything and "他站的秘密搜索词" in everything
    # Asking for another site's statistics by its code is refused.
    assert (
        admin_client_for(editor).get(url, {"site": other_site.code}).status_code == 404
    )
    assert admin_client_for(editor).get(url, {"site": site.code}).status_code == 200


def test_synonyms_are_edited_by_platform_admins_only(editor, platform_admin):
    url = reverse("search_synonyms:add")
    refused = admin_client_for(editor).post(
        url, {"term": "医保", "synonyms": "医疗保险"}
    )
    assert refused.status_code in (302, 403)
    assert not Synonym.objects.exists()
    admin_client_for(platform_admin).post(url, {"term": "医保", "synonyms": "医疗保险"})
    assert Synonym.objects.get().words() == ["医保", "医疗保险"]
