"""RSS and Atom feeds of a column, on the column's own site."""

import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from tests.feeds.conftest import column, publish

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def parse(response):
    return ET.fromstring(response.content)  # noqa: S314 - our own response


@pytest.fixture
def items(site, other_site):
    """Three items in 通知公告, one in 政务要闻, one in the other site's 通知公告."""
    ids = {
        "old": publish(site, "tzgg", "old", "2019-05-10", title="较早的通知"),
        "new": publish(site, "tzgg", "new", "2019-05-12T08:00:00", title="最新通知"),
        "mid": publish(
            site,
            "tzgg",
            "mid",
            "2019-05-11",
            title="中间的通知 & 附件",
            body="<p>关于做好&amp;2019年<b>端午节</b>放假安排的通知正文。</p>",
        ),
        "elsewhere": publish(site, "zwyw", "zwyw", "2019-05-13", title="要闻"),
        "other": publish(other_site, "tzgg", "oth", "2019-05-14", title="他站通知"),
    }
    return ids


def test_rss_lists_the_columns_items_newest_first_with_absolute_links(site, items):
    response = Client(HTTP_HOST=site.host).get("/news/tzgg/rss.xml")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    channel = parse(response).find("channel")
    assert channel.findtext("link") == f"http://{site.host}/news/tzgg/"
    assert site.name in channel.findtext("title")
    entries = channel.findall("item")
    assert [entry.findtext("link") for entry in entries] == [
        f"http://{site.host}/news/tzgg/201905/t20190512_{items['new']}.html",
        f"http://{site.host}/news/tzgg/201905/t20190511_{items['mid']}.html",
        f"http://{site.host}/news/tzgg/201905/t20190510_{items['old']}.html",
    ]
    assert entries[0].findtext("pubDate") == "Sun, 12 May 2019 08:00:00 +0800"
    mid = entries[1]
    # RSS readers read titles as HTML: escaped once more, as Django does.
    assert mid.findtext("title") == "中间的通知 &amp; 附件"
    assert mid.findtext("description") == ("关于做好&2019年端午节放假安排的通知正文。")


def test_atom_feed_of_the_same_column(site, items):
    response = Client(HTTP_HOST=site.host).get("/news/tzgg/atom.xml")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = parse(response)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}link").get("href") for e in entries] == [
        f"http://{site.host}/news/tzgg/201905/t20190512_{items['new']}.html",
        f"http://{site.host}/news/tzgg/201905/t20190511_{items['mid']}.html",
        f"http://{site.host}/news/tzgg/201905/t20190510_{items['old']}.html",
    ]
    assert entries[1].findtext(f"{ATOM}title") == "中间的通知 & 附件"
    assert entries[0].findtext(f"{ATOM}published") == "2019-05-12T08:00:00+08:00"


def test_feed_holds_the_latest_twenty(site):
    ids = [
        publish(site, "bmdt", f"b{day}", f"2019-06-{day:02d}") for day in range(1, 23)
    ]
    response = Client(HTTP_HOST=site.host).get("/news/bmdt/rss.xml")

    links = [entry.findtext("link") for entry in parse(response).iter("item")]
    assert len(links) == 20
    assert links[0].endswith(f"/t20190622_{ids[-1]}.html")
    assert links[-1].endswith(f"/t20190603_{ids[2]}.html")


def test_feed_of_an_empty_column_is_valid(site):
    response = Client(HTTP_HOST=site.host).get("/news/bmdt/atom.xml")
    assert response.status_code == 200
    assert parse(response).findall(f"{ATOM}entry") == []


def test_a_column_feed_is_not_served_on_another_sites_host(site, other_site, items):
    # Both provincial sites have /news/tzgg/; each host shows its own.
    response = Client(HTTP_HOST=other_site.host).get("/news/tzgg/rss.xml")
    links = [e.findtext("link") for e in parse(response).iter("item")]
    assert links == [
        f"http://{other_site.host}/news/tzgg/201905/t20190514_{items['other']}.html"
    ]


def test_unknown_host_gets_no_feed(site, items):
    assert Client(HTTP_HOST="nobody.localhost").get(
        "/news/tzgg/rss.xml"
    ).status_code == (404)


def test_an_unpublished_column_has_no_feed(site, items):
    column(site, "tzgg").unpublish()
    response = Client(HTTP_HOST=site.host).get("/news/tzgg/rss.xml")
    assert response.status_code == 404
