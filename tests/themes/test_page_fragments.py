"""What one page shows, kept per site generation and live page (themes.fragments:
``page``, ``content``, ``path`` and ``list``): its page tags, an article's
rendered content, the side navigation of its place, a column's list and the home
page's content. A publish shows on the next uncached render; a page whose
content reads other rows that change without the site's generation moving (a
document, a link to a page, another site's column) is rendered every time; one
site's page never shows on another."""

import re
import uuid

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client

from sites import generation
from tests.factories.content import ArticleFactory, column
from themes import fragments

from .conftest import path_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(site):
    return ArticleFactory(
        parent=column(site, "zwyw"),
        title="全省优化营商环境工作会议召开",
        body=[("paragraph", "<p>全省各地各部门认真贯彻落实优化营商环境条例。</p>")],
        publish=True,
    )


def _html(site, path: str) -> str:
    response = Client(HTTP_HOST=site.host).get(path)
    assert response.status_code == 200
    return response.content.decode()


def _meta(html: str, name: str) -> str:
    match = re.search(rf'<meta name="{name}" content="([^"]*)">', html)
    assert match, f"no meta {name}"
    return match.group(1)


def _body(html: str) -> str:
    match = re.search(r'<div class="body">.*?</div>', html, flags=re.DOTALL)
    assert match, "no body"
    return match.group(0)


def _sql(statement: str, params: list) -> None:
    """A change behind the platform's back: no signal, no generation moved."""
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _body_json(text: str) -> str:
    import json

    return json.dumps(
        [{"type": "paragraph", "value": text, "id": str(uuid.uuid4())}],
        ensure_ascii=False,
    )


def _another_process_moves_the_generation(site) -> None:
    elsewhere = caches.create_connection("default")
    elsewhere.set(fragments.GENERATION_KEY.format(site.pk), uuid.uuid4().hex, None)


def test_an_articles_content_and_tags_are_kept_until_the_generation_moves(
    site, article
):
    path = path_of(article)
    first = _html(site, path)
    assert "优化营商环境条例" in _body(first)
    assert "优化营商环境条例" in _meta(first, "Description")
    _sql(
        "UPDATE cms_articlepage SET body = %s WHERE page_ptr_id = %s",
        [_body_json("<p>改写的正文。</p>"), article.pk],
    )
    _sql(
        "UPDATE wagtailcore_page SET title = %s WHERE id = %s",
        ["改写的标题", article.pk],
    )
    # Kept: the page tags and the content are the ones rendered first, while
    # what is not kept (the page's <title>) reads the row.
    stale = _html(site, path)
    assert "<title>改写的标题" in stale
    assert _body(stale) == _body(first)
    assert _meta(stale, "ArticleTitle") == article.title
    assert "<h1>全省优化营商环境工作会议召开</h1>" in stale
    _another_process_moves_the_generation(site)
    fresh = _html(site, path)
    assert "改写的正文" in _body(fresh) and "优化营商环境条例" not in fresh
    assert _meta(fresh, "ArticleTitle") == "改写的标题"
    assert _meta(fresh, "Description") == "改写的正文。"
    assert "<h1>改写的标题</h1>" in fresh


def test_a_published_revision_shows_on_the_next_render(site, article):
    path = path_of(article)
    assert "优化营商环境条例" in _body(_html(site, path))
    article.title = "营商环境会议（更新）"
    article.body = [("paragraph", "<p>更新后的正文。</p>")]
    article.tags.add("营商环境")
    article.save_revision().publish()
    html = _html(site, path)
    assert "更新后的正文" in _body(html) and "优化营商环境条例" not in html
    assert "<h1>营商环境会议（更新）</h1>" in html
    assert _meta(html, "ArticleTitle") == "营商环境会议（更新）"
    assert _meta(html, "Keywords") == "营商环境"
    assert '<p class="tags">' in html and "<span>营商环境</span>" in html


def test_a_new_live_revision_is_not_served_from_the_old_one(site, article):
    """Keyed by the live revision and time too: a publish whose generation move
    this process has not seen yet (a syndicated source's, say) still shows."""
    path = path_of(article)
    _html(site, path)
    held = generation.site_generation(site_id=site.pk)
    article.body = [("paragraph", "<p>新修订的正文。</p>")]
    article.save_revision().publish()
    caches["default"].set(fragments.GENERATION_KEY.format(site.pk), held, None)
    assert "新修订的正文" in _body(_html(site, path))


def test_a_body_with_a_link_to_a_page_is_rendered_every_time(site, article):
    target = ArticleFactory(parent=column(site, "zcwj"), title="链接目标", publish=True)
    article.body = [
        (
            "paragraph",
            f'<p>详见<a linktype="page" id="{target.pk}">链接目标</a>。</p>',
        )
    ]
    article.save_revision().publish()
    path = path_of(article)
    assert "详见" in _body(_html(site, path))
    _sql(
        "UPDATE wagtailcore_page SET title = %s WHERE id = %s",
        ["改写的标题", article.pk],
    )
    assert "<h1>改写的标题</h1>" in _html(site, path)


def test_an_article_with_attachments_is_rendered_every_time(
    site, article, settings, tmp_path
):
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document

    settings.MEDIA_ROOT = tmp_path / "media"
    document = Document.objects.create(
        title="实施方案",
        file=ContentFile(b"%PDF-1.4\n", name="plan.pdf"),
        collection=site.collection,
    )
    article.attachments = [("attachment", {"document": document, "title": ""})]
    article.save_revision().publish()
    path = path_of(article)
    assert "实施方案" in _html(site, path)
    # A document renamed in the library moves no site's generation.
    document.title = "实施方案（修订）"
    document.save()
    assert "实施方案（修订）" in _html(site, path)


def test_one_sites_page_never_shows_on_another(site, other_site, article):
    # Even with the same generation value on both sites.
    for each in (site, other_site):
        caches["default"].set(fragments.GENERATION_KEY.format(each.pk), "same", None)
    alias = article.create_alias(parent=column(other_site, "zwyw"))
    own = _html(site, path_of(article))
    foreign = _html(other_site, path_of(alias))
    assert _meta(own, "SiteName") == site.name
    assert _meta(foreign, "SiteName") == other_site.name
    assert site.host in _meta(own, "Url") and other_site.host in _meta(foreign, "Url")
    assert _html(site, path_of(article)) == own


def test_the_side_navigation_marks_each_pages_place(site):
    top = column(site, "zwyw").get_parent().specific
    sub = column(site, "zwyw")
    on_top = _html(site, path_of(top))
    on_sub = _html(site, path_of(sub))
    assert re.search(rf'aria-current="page">{top.title}</a></h2>', on_top)
    assert not re.search(rf'aria-current="page">{sub.title}</a>', on_top)
    assert re.search(rf'aria-current="page">{sub.title}</a>', on_sub)
    # Kept per place: a sub-column renamed behind the platform's back shows once
    # the generation moves.
    _sql(
        "UPDATE wagtailcore_page SET title = %s WHERE id = %s",
        ["要闻改名", sub.pk],
    )
    assert "要闻改名</a></li>" not in _html(site, path_of(sub))
    _another_process_moves_the_generation(site)
    assert "要闻改名</a></li>" in _html(site, path_of(sub))


def _list(html: str) -> str:
    match = re.search(r'<ul class="item-list.*?</ul>', html, flags=re.DOTALL)
    assert match, "no item list"
    return match.group(0)


def test_a_columns_list_is_kept_until_the_generation_moves(site, article):
    listed = column(site, "zwyw")
    path = path_of(listed)
    assert article.title in _list(_html(site, path))
    _sql(
        "UPDATE wagtailcore_page SET title = %s WHERE id = %s",
        ["列表改名", article.pk],
    )
    assert "列表改名" not in _html(site, path)
    # A page parameter that is not a page number is rendered, not kept.
    assert "列表改名" in _list(_html(site, path + "?page=x"))
    _another_process_moves_the_generation(site)
    assert "列表改名" in _list(_html(site, path))


def test_a_published_article_shows_in_its_list_and_on_the_home_page(site, article):
    from tests.themes.conftest import furnish

    furnish(site, articles=1)
    listed = column(site, "zwyw")
    before_list = _html(site, path_of(listed))
    before_home = _html(site, "/")
    assert "新发布的文章" not in before_list + before_home
    ArticleFactory(parent=listed, title="新发布的文章", publish=True)
    assert "新发布的文章" in _list(_html(site, path_of(listed)))
    assert "新发布的文章" in _html(site, "/")


def test_each_page_of_a_list_is_kept_apart(site, article, monkeypatch):
    from cms.models import ColumnPage

    monkeypatch.setattr(ColumnPage, "per_page", 1)
    listed = column(site, "zwyw")
    older = ArticleFactory(parent=listed, title="较早的文章", publish=True)
    newest = ArticleFactory(parent=listed, title="最新的文章", publish=True)
    path = path_of(listed)
    first = _list(_html(site, path))
    second = _list(_html(site, path + "?page=2"))
    assert newest.title in first and older.title not in first
    assert older.title in second and newest.title not in second
    assert _list(_html(site, path + "?page=1")) == first
    assert _list(_html(site, path)) == first


def test_a_home_page_section_on_another_sites_column_is_rendered_every_time(
    site, other_site, article
):
    home = site.root_page.specific
    foreign = column(other_site, "zwyw")
    home.sections = [("column", {"column": foreign, "count": 3})]
    home.save_revision().publish()
    assert foreign.title in _html(site, "/")
    # Renamed on its own site: this site's generation does not move.
    foreign.title = "外站栏目改名"
    foreign.save_revision().publish()
    assert "外站栏目改名" in _html(site, "/")


def test_a_home_page_with_its_own_sections_is_kept(site, article):
    from tests.themes.conftest import furnish

    furnish(site, articles=1)
    own = column(site, "tzgg")
    assert own.title in _html(site, "/")
    _sql("UPDATE wagtailcore_page SET title = %s WHERE id = %s", ["通知改名", own.pk])
    assert "通知改名" not in _html(site, "/")
    _another_process_moves_the_generation(site)
    assert "通知改名" in _html(site, "/")


def test_a_home_page_introduction_with_a_link_is_rendered_every_time(
    site, other_site, article
):
    target = ArticleFactory(
        parent=column(other_site, "zwyw"), title="外站文章", publish=True
    )
    home = site.root_page.specific
    home.intro = f'<p>请看<a linktype="page" id="{target.pk}">外站文章</a></p>'
    home.save_revision().publish()
    assert "请看" in _html(site, "/")
    assert fragments.local.entries  # the chrome is kept
    # Nothing of the home page's own content was kept.
    assert not [key for key in fragments.pages.entries if "home_page.html" in key]


def _png(colour: str, name: str):
    import io

    from django.core.files.images import ImageFile
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (120, 40), colour).save(buffer, "PNG")
    return ImageFile(io.BytesIO(buffer.getvalue()), name=name)


def test_a_replaced_image_shows_in_a_kept_article(
    site, article, settings, tmp_path, django_capture_on_commit_callbacks
):
    """As Wagtail's image form replaces a file: the new file saved, then the old
    renditions deleted; a render in between must not keep the old rendition in
    the article's content or its page tags."""
    from wagtail.images.models import Image
    from wagtail.models import ReferenceIndex

    settings.MEDIA_ROOT = tmp_path / "media"
    photo = Image.objects.create(
        title="照片", file=_png("navy", "photo.png"), collection=site.collection
    )
    article.body = [("image", {"image": photo, "alt": "现场", "caption": ""})]
    article.save_revision().publish()
    ReferenceIndex.create_or_update_for_object(article)
    path = path_of(article)
    before = re.search(r"<img[^>]*>", _body(_html(site, path))).group(0)
    # Each step committed on its own (autocommit): the save's generation move
    # is over before the render in between.
    with django_capture_on_commit_callbacks(execute=True):
        photo.file = _png("maroon", "photo-new.png")
        photo._set_image_file_metadata()
        photo.save()
    _html(site, path)
    with django_capture_on_commit_callbacks(execute=True):
        photo.renditions.all().delete()
    html = _html(site, path)
    after = re.search(r"<img[^>]*>", _body(html)).group(0)
    assert after != before
    assert _meta(html, "Image").endswith(photo.get_rendition("fill-400x300").url)
