"""A parent column's feeds carry the items of its sub-columns (issue 13)."""

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
    """Items in two sub-columns of 新闻动态 (/news/), and in the other site's."""
    return {
        "old": publish(site, "tzgg", "old", "2019-05-10", title="较早的通知"),
        "new": publish(site, "tzgg", "new", "2019-05-12T08:00:00", title="最新通知"),
        "news": publish(site, "zwyw", "zwyw", "2019-05-13", title="要闻"),
        "other": publish(other_site, "zwyw", "oth", "2019-05-14", title="他站要闻"),
    }


def test_parent_column_rss_lists_its_sub_columns_items_newest_first(site, items):
    response = Client(HTTP_HOST=site.host).get("/news/rss.xml")

    assert response.status_code == 200
    links = [entry.findtext("link") for entry in parse(response).iter("item")]
    assert links == [
        f"http://{site.host}/news/zwyw/201905/t20190513_{items['news']}.html",
        f"http://{site.host}/news/tzgg/201905/t20190512_{items['new']}.html",
        f"http://{site.host}/news/tzgg/201905/t20190510_{items['old']}.html",
    ]


def test_parent_column_atom_lists_the_same_items(site, items):
    response = Client(HTTP_HOST=site.host).get("/news/atom.xml")

    entries = parse(response).findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "要闻",
        "最新通知",
        "较早的通知",
    ]


def test_items_of_an_unpublished_sub_column_stay_out_of_the_parent_feed(site, items):
    column(site, "zwyw").unpublish()

    response = Client(HTTP_HOST=site.host).get("/news/rss.xml")
    titles = [entry.findtext("title") for entry in parse(response).iter("item")]
    assert titles == ["最新通知", "较早的通知"]
