"""Stable, readable addresses and honest publication dates."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from tests.conftest import admin_client_for
from tests.factories import ArticleFactory, column

pytestmark = pytest.mark.django_db


def _path(page):
    url = page.get_url()
    return "/" + url.split("//", 1)[1].split("/", 1)[1] if "//" in url else url


def test_an_article_lives_at_column_month_and_id(site, site_client):
    article = ArticleFactory(parent=column(site, "zwyw"), publish=True)
    day = timezone.localdate(article.first_published_at)
    expected = f"/news/zwyw/{day:%Y%m}/t{day:%Y%m%d}_{article.pk}.html"
    assert _path(article) == expected
    response = site_client.get(expected)
    assert response.status_code == 200
    assert article.title in response.content.decode()


def test_renaming_an_article_keeps_its_address(site, site_client):
    article = ArticleFactory(parent=column(site, "zwyw"), publish=True)
    before = _path(article)
    article.title = "更正后的标题"
    article.slug = "renamed"
    article.save_revision().publish()
    article.refresh_from_db()
    assert _path(article) == before
    assert "更正后的标题" in site_client.get(before).content.decode()


def test_the_slug_address_redirects_to_the_stable_one(site, site_client):
    article = ArticleFactory(parent=column(site, "zwyw"), slug="abc", publish=True)
    response = site_client.get("/news/zwyw/abc/")
    assert response.status_code == 301
    assert response["Location"].endswith(_path(article))


def test_addresses_of_other_columns_or_unpublished_pages_are_not_found(
    site, site_client
):
    article = ArticleFactory(parent=column(site, "zwyw"), publish=True)
    draft = ArticleFactory(parent=column(site, "zwyw"))
    day = timezone.localdate(article.first_published_at)
    name = f"{day:%Y%m}/t{day:%Y%m%d}"
    assert site_client.get(f"/news/tzgg/{name}_{article.pk}.html").status_code == 404
    assert site_client.get(f"/news/zwyw/{name}_{draft.pk}.html").status_code == 404
    assert site_client.get(f"/news/zwyw/{name}_999999.html").status_code == 404


def test_another_sites_article_is_not_served_on_this_host(site, other_site):
    theirs = ArticleFactory(parent=column(other_site, "zwyw"), publish=True)
    response = Client(HTTP_HOST=site.host).get(_path(theirs))
    assert response.status_code == 404


def test_the_publication_date_is_when_it_first_went_live(site):
    article = ArticleFactory(parent=column(site, "zwyw"), publish=True)
    first = article.first_published_at
    assert article.published_at == first
    article.title = "再次发布"
    article.save_revision().publish()
    article.refresh_from_db()
    assert article.first_published_at == first
    assert article.last_published_at >= first


def test_the_editor_cannot_set_the_publication_date(site, site_admin):
    article = ArticleFactory(parent=column(site, "zwyw"), publish=True)
    first = article.first_published_at
    client = admin_client_for(site_admin)
    edit = client.get(f"/admin/pages/{article.pk}/edit/").content.decode()
    assert 'name="first_published_at"' not in edit
    faked = datetime.datetime(2001, 1, 1, tzinfo=datetime.UTC)
    response = client.post(
        f"/admin/pages/{article.pk}/edit/",
        {
            "title": article.title,
            "slug": article.slug,
            "first_published_at": faked.isoformat(),
            "body-count": "0",
            "attachments-count": "0",
            "action-publish": "publish",
        },
    )
    assert response.status_code in (200, 302)
    article.refresh_from_db()
    assert article.first_published_at == first


def test_a_scheduled_page_goes_live_at_its_time_with_that_date(site):
    from django.core.management import call_command

    article = ArticleFactory(parent=column(site, "zwyw"))
    soon = timezone.now() + datetime.timedelta(seconds=1)
    article.go_live_at = soon
    article.save_revision().publish()
    article.refresh_from_db()
    assert not article.live and article.first_published_at is None
    assert article.published_at == soon  # shown as the date it will go live
    # Let the scheduled moment pass without waiting: move it into the past.
    revision = article.revisions.get(approved_go_live_at__isnull=False)
    past = timezone.now() - datetime.timedelta(minutes=1)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save()
    call_command("publish_scheduled")
    article.refresh_from_db()
    assert article.live
    assert article.first_published_at is not None


def test_a_page_past_its_expiry_is_taken_down_and_keeps_its_date(site):
    from django.core.management import call_command

    article = ArticleFactory(parent=column(site, "zwyw"), publish=True)
    first = article.first_published_at
    type(article).objects.filter(pk=article.pk).update(
        expire_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    call_command("publish_scheduled")
    article.refresh_from_db()
    assert not article.live and article.expired
    assert article.first_published_at == first
