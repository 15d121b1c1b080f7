"""Static publishing: a change writes the page, its lists and the home page, once."""

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult
from wagtail.models import Page

from delivery import publishing, selectors, tree
from delivery.models import PendingPublish
from sites.signals import public_pages_changed_send
from tests.factories import ArticleFactory
from tests.factories.content import column
from tests.tasks import run_static_publishing as _run

pytestmark = pytest.mark.django_db


def _address(page):
    return selectors.page_address(page.specific)


def test_publishing_an_article_writes_it_its_column_and_the_home_page(
    site, static_root, renders
):
    publishing.site_publish(site=site)
    news = column(site, "zwyw")
    renders.clear()

    article = ArticleFactory(parent=news, title="静态化发布测试稿件", publish=True)
    assert _run() >= 1

    path = _address(article)
    body = tree.read(site.host, path)
    assert body is not None and "静态化发布测试稿件" in body.decode()
    column_file = tree.read(site.host, selectors.page_address(news))
    assert "静态化发布测试稿件" in column_file.decode()
    rendered = [p for _host, p in renders]
    assert "/" in rendered
    assert f"{selectors.page_address(news)}rss.xml" in rendered
    # Its parent columns and the site-wide lists, and nothing unrelated.
    parent = selectors.page_address(news.get_parent().specific)
    assert parent in rendered
    assert "/sitemap.xml" in rendered and "/sitemap.html" in rendered
    assert "/xxgk/" not in rendered
    sitemap = tree.read(site.host, "/sitemap.xml").decode()
    assert path in sitemap
    assert not PendingPublish.objects.filter(site=site).exists()


def test_unpublishing_removes_the_file_and_the_list_entry(site, static_root):
    news = column(site, "zwyw")
    article = ArticleFactory(parent=news, title="即将撤下的稿件", publish=True)
    publishing.site_publish(site=site)
    path = _address(article)
    assert tree.read(site.host, path) is not None

    article.refresh_from_db()
    article.unpublish()
    _run()

    assert tree.read(site.host, path) is None
    assert "即将撤下的稿件" not in tree.read(site.host, "/").decode()
    column_file = tree.read(site.host, selectors.page_address(news)).decode()
    assert "即将撤下的稿件" not in column_file


def test_deleting_a_live_page_removes_its_file(site, static_root):
    article = ArticleFactory(parent=column(site, "tzgg"), publish=True)
    publishing.site_publish(site=site)
    path = _address(article)
    assert tree.read(site.host, path) is not None

    Page.objects.get(pk=article.pk).delete()
    _run()

    assert tree.read(site.host, path) is None


def test_many_publishes_render_the_lists_once(site, static_root, renders):
    news = column(site, "zwyw")
    articles = [ArticleFactory(parent=news, publish=True) for _ in range(12)]
    _run()

    rendered = [p for _host, p in renders]
    assert rendered.count("/") == 1
    assert rendered.count(selectors.page_address(news)) == 1
    for article in articles:
        assert rendered.count(_address(article)) == 1
        assert tree.read(site.host, _address(article)) is not None


def test_running_the_work_again_writes_nothing(site, static_root):
    first = publishing.site_publish(site=site)
    again = publishing.site_publish(site=site)
    assert first.written
    assert again.written == [] and again.removed == []


def test_moving_an_article_removes_the_old_address(site, static_root):
    article = ArticleFactory(parent=column(site, "zwyw"), publish=True)
    publishing.site_publish(site=site)
    old = _address(article)

    article.refresh_from_db()
    article.move(column(site, "tzgg"), pos="last-child")
    _run()

    new = _address(Page.objects.get(pk=article.pk))
    assert new != old
    assert tree.read(site.host, old) is None
    assert tree.read(site.host, new) is not None


def test_a_syndication_signal_rewrites_the_named_pages(site, static_root, renders):
    news = column(site, "zwyw")
    public_pages_changed_send(sender=None, site_id=site.pk, page_ids=[news.pk])
    _run()
    rendered = [p for _host, p in renders]
    assert selectors.page_address(news) in rendered
    assert "/" in rendered
    assert tree.read(site.host, selectors.page_address(news)) is not None


def test_another_sites_change_leaves_this_site_alone(
    site, other_site, static_root, renders
):
    ArticleFactory(parent=column(other_site, "zwyw"), publish=True)
    _run()
    assert {host for host, _path in renders} == {other_site.host}
    assert not tree.addresses(site.host)


def test_a_closed_site_keeps_no_files(site, static_root):
    publishing.site_publish(site=site)
    assert tree.addresses(site.host)
    site.status = "closed"
    publishing.site_publish(site=site)
    assert not tree.addresses(site.host)


def test_check_reports_missing_stale_and_orphaned_files(site, static_root, capsys):
    news = column(site, "zwyw")
    article = ArticleFactory(parent=news, publish=True)
    publishing.site_publish(site=site)
    assert publishing.tree_check(site=site).ok

    (static_root / site.host / "sitemap.html").unlink()
    stale = static_root / site.host / _address(article).lstrip("/")
    stale.write_bytes(b"<html>old</html>")
    tree.write(site.host, "/news/202001/t20200101_1.html", b"<html>gone</html>")

    report = publishing.tree_check(site=site)
    assert report.missing == ["/sitemap.html"]
    assert report.stale == [_address(article)]
    assert report.orphaned == ["/news/202001/t20200101_1.html"]

    with pytest.raises(SystemExit) as exit_info:
        call_command("publish_static", "check", "--site", site.code)
    assert exit_info.value.code == 1
    out = capsys.readouterr().out
    assert f"missing  {site.host}/sitemap.html" in out
    assert "orphaned" in out and "stale" in out

    call_command("publish_static", "--site", site.code)
    call_command("publish_static", "check", "--site", site.code)
    assert "up to date" in capsys.readouterr().out


def test_a_private_page_is_never_written(site, static_root):
    from wagtail.models import PageViewRestriction

    article = ArticleFactory(parent=column(site, "zwyw"), publish=True)
    PageViewRestriction.objects.create(
        page=Page.objects.get(pk=article.pk),
        restriction_type=PageViewRestriction.LOGIN,
    )
    publishing.site_publish(site=site)
    assert tree.read(site.host, _address(article)) is None


def test_a_consultation_is_written_again_when_it_opens_and_closes(site, static_root):
    import datetime

    from django.utils import timezone

    from tests.factories import ConsultationFactory

    today = timezone.localdate()
    consultation = ConsultationFactory(
        parent=column(site, "yjzj"),
        starts_on=today + datetime.timedelta(days=2),
        ends_on=today + datetime.timedelta(days=40),
        publish=True,
    )
    later = PendingPublish.objects.filter(
        site=site, page_id=consultation.pk, due_at__gt=timezone.now()
    )
    days = {timezone.localtime(row.due_at).date() for row in later}
    assert days == {
        today + datetime.timedelta(days=2),
        today + datetime.timedelta(days=41),
    }
    assert {row.kind for row in later} == {"page", "lists"}


def test_an_error_answer_leaves_the_file_and_the_work(site, static_root, monkeypatch):
    from delivery import rendering

    article = ArticleFactory(parent=column(site, "zwyw"), publish=True)
    publishing.site_publish(site=site)
    path = _address(article)
    before = tree.read(site.host, path)
    PendingPublish.objects.all().delete()
    DBTaskResult.objects.all().delete()

    def outage(host, address):
        return rendering.Rendered(503, "text/html", b"down", False)

    monkeypatch.setattr(rendering, "render", outage)
    monkeypatch.setattr(publishing, "RETRY_PAUSES", (0, 0))
    article.refresh_from_db()
    article.unpublish()
    _run()
    assert tree.read(site.host, path) == before
    assert PendingPublish.objects.filter(site=site).exists()
    assert publishing.tree_check(site=site).failed


def test_a_page_that_keeps_failing_is_not_worked_again_at_once(
    site, static_root, monkeypatch
):
    """A 5xx answer (with the database up) leaves the rows for the worker's sweep:
    the task does not queue itself again at once, in a loop."""
    import datetime

    from delivery import rendering, services, tasks

    article = ArticleFactory(parent=column(site, "zwyw"), publish=True)
    DBTaskResult.objects.all().delete()  # the worker has taken the site's task

    def broken(host, address):
        return rendering.Rendered(500, "text/html", b"bug", False)

    monkeypatch.setattr(rendering, "render", broken)
    monkeypatch.setattr(publishing, "RETRY_PAUSES", (0, 0))
    tasks.publish_changes_task.func(site.pk)

    assert PendingPublish.objects.filter(site=site, page_id=article.pk).exists()
    assert tasks.queued_site_ids() == set()
    # The sweep queues the site again once its rows are overdue.
    assert services.pending_requeue(older_than=datetime.timedelta(0)) == 1
    assert tasks.queued_site_ids() == {site.pk}


def _break_connection():
    """End this test's database session from another connection, for real: the
    server closes it, as when PostgreSQL restarts."""
    import time

    import psycopg
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    params = connection.settings_dict
    with psycopg.connect(
        dbname=params["NAME"],
        user=params["USER"],
        password=params["PASSWORD"] or None,
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _ in range(100):
            gone = not other.execute(
                "SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]
            ).fetchone()
            if gone:
                return
            time.sleep(0.05)
    raise AssertionError("the session was not ended")


def test_the_database_gone_ends_the_work_at_the_first_address(
    site, static_root, renders
):
    """Rendering goes on through a lost connection would answer 503 for every
    other address, with pauses: the work stops at once and stays to be done."""
    addresses = ["/", "/sitemap.html", "/sitemap.xml"]
    _break_connection()
    with pytest.raises(publishing.DatabaseUnreachable):
        publishing.addresses_publish(site=site, addresses=addresses)
    assert len(renders) == 1
    assert not tree.addresses(site.host)


def test_a_live_page_changed_by_a_script_is_written_again(site, static_root):
    """No revision, no publish: ``page.title = …; page.save()`` on a live page."""
    news = column(site, "zwyw")
    article = ArticleFactory(parent=news, title="脚本修改前的标题", publish=True)
    _run()
    assert not PendingPublish.objects.filter(site=site).exists()

    page = Page.objects.get(pk=article.pk).specific
    page.title = "脚本修改后的标题"
    page.save()
    _run()

    assert "脚本修改后的标题" in tree.read(site.host, _address(article)).decode()
    assert "脚本修改后的标题" in tree.read(site.host, "/").decode()
    column_file = tree.read(site.host, selectors.page_address(news)).decode()
    assert "脚本修改后的标题" in column_file and "脚本修改前的标题" not in column_file


def test_a_draft_saved_or_a_page_locked_records_nothing(
    site, static_root, platform_admin
):
    from django.urls import reverse

    from tests.conftest import admin_client_for

    article = ArticleFactory(
        parent=column(site, "zwyw"), title="线上标题", publish=True
    )
    PendingPublish.objects.all().delete()

    page = Page.objects.get(pk=article.pk).specific
    page.title = "草稿里的新标题"
    page.save_revision(user=platform_admin)
    response = admin_client_for(platform_admin).post(
        reverse("wagtailadmin_pages:lock", args=[article.pk])
    )
    assert response.status_code == 302
    assert Page.objects.get(pk=article.pk).locked

    assert not PendingPublish.objects.filter(site=site).exists()


def test_a_publish_records_the_page_once(site, static_root):
    article = ArticleFactory(parent=column(site, "zwyw"), publish=True)
    PendingPublish.objects.all().delete()

    page = Page.objects.get(pk=article.pk).specific
    page.title = "再次发布"
    page.save_revision().publish()

    rows = PendingPublish.objects.filter(site=site, page_id=article.pk)
    assert sorted(rows.values_list("kind", flat=True)) == ["lists", "page"]


def test_a_page_created_live_by_a_script_is_written(site, static_root):
    """No revision, no publish: ``parent.add_child(instance=page)`` with
    ``live=True``. Its file, its column's lists and the home page are written,
    and the site's generation moves on (the chrome and the column map kept per
    generation are made again)."""
    from cms.models import ArticlePage
    from sites import generation
    from tests.factories.content import body

    news = column(site, "zwyw")
    publishing.site_publish(site=site)
    assert not PendingPublish.objects.filter(site=site).exists()
    before = generation.site_generation(site_id=site.pk)

    page = ArticlePage(title="脚本直接上线的稿件", body=body("正文。"), live=True)
    news.add_child(instance=page)

    assert generation.site_generation(site_id=site.pk) != before
    rows = PendingPublish.objects.filter(site=site, page_id=page.pk)
    assert sorted(rows.values_list("kind", flat=True)) == ["lists", "page"]
    _run()
    path = _address(page)
    assert "脚本直接上线的稿件" in tree.read(site.host, path).decode()
    assert "脚本直接上线的稿件" in tree.read(site.host, "/").decode()
    column_file = tree.read(site.host, selectors.page_address(news)).decode()
    assert "脚本直接上线的稿件" in column_file
    assert path in tree.read(site.host, "/sitemap.xml").decode()


def test_a_draft_created_by_a_script_records_nothing(site, static_root):
    from cms.models import ArticlePage

    publishing.site_publish(site=site)
    page = ArticlePage(title="脚本创建的草稿", live=False)
    column(site, "zwyw").add_child(instance=page)

    assert not PendingPublish.objects.filter(site=site).exists()


def test_a_page_under_an_alias_goes_when_the_aliass_source_is_made_private(
    site, other_site, static_root
):
    """Wagtail checks an alias's restrictions on its source, for the alias and
    every page below it (a page added under the alias is no alias itself). A
    restriction on the source, on its own site, takes the alias's and that
    page's files off the other site too."""
    from wagtail.models import PageViewRestriction

    source = column(site, "tzgg")
    alias = source.create_alias(parent=column(other_site, "zwyw"))
    article = ArticleFactory(parent=alias, title="别名栏目下的稿件", publish=True)
    publishing.site_publish(site=other_site)
    paths = [_address(alias), _address(article)]
    assert all(tree.read(other_site.host, path) is not None for path in paths)
    PendingPublish.objects.all().delete()

    PageViewRestriction.objects.create(
        page=Page.objects.get(pk=source.pk), restriction_type="login"
    )
    _run()

    assert [tree.read(other_site.host, path) for path in paths] == [None, None]
    assert "别名栏目下的稿件" not in tree.read(other_site.host, "/").decode()
    sitemap = tree.read(other_site.host, "/sitemap.xml").decode()
    assert paths[1] not in sitemap and paths[0] not in sitemap
