"""The chrome every page repeats, kept per site generation (themes.fragments):
a change shows on the very next uncached render, whichever process made it, and
one site's chrome never shows on another site."""

import re
import uuid

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client

from sites.services import site_update
from tests.factories.content import ArticleFactory, column
from themes import fragments
from themes.models import ThemeSettings

from .conftest import path_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(site):
    return ArticleFactory(
        parent=column(site, "zwyw"), title="全省优化营商环境工作会议召开", publish=True
    )


def _html(site, path: str) -> str:
    response = Client(HTTP_HOST=site.host).get(path)
    assert response.status_code == 200
    return response.content.decode()


def _part(html: str, tag: str, css_class: str) -> str:
    match = re.search(rf'<{tag} class="{css_class}".*?</{tag}>', html, flags=re.DOTALL)
    assert match, f"no {tag}.{css_class}"
    return match.group(0)


def _nav(html: str) -> str:
    return _part(html, "nav", "site-nav")


def _trail(html: str) -> str:
    return _part(html, "nav", "breadcrumbs")


def _footer(html: str) -> str:
    return _part(html, "footer", "site-footer")


def _top_column(site, code="zwyw"):
    return column(site, code).get_parent().specific


def _another_process_moves_the_generation(site) -> None:
    """What another gunicorn worker's change does to this site: a new
    generation written to the shared cache, through a cache connection of its
    own (nothing of this process's state involved)."""
    elsewhere = caches.create_connection("default")
    elsewhere.set(fragments.GENERATION_KEY.format(site.pk), uuid.uuid4().hex, None)


def test_kept_chrome_is_used_until_the_generation_moves_in_another_process(
    site, article
):
    top = _top_column(site)
    path = path_of(article)
    assert top.title in _nav(_html(site, path))
    # A title changed behind the platform's back (no signal, no generation
    # moved): the kept chrome still shows the old one, so it is really kept.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE wagtailcore_page SET title = %s WHERE id = %s",
            ["要闻动态改", top.pk],
        )
    stale = _html(site, path)
    assert top.title in _nav(stale) and "要闻动态改" not in _nav(stale)
    _another_process_moves_the_generation(site)
    fresh = _html(site, path)
    assert "要闻动态改" in _nav(fresh) and top.title not in _nav(fresh)
    assert "要闻动态改" in _trail(fresh)


def test_a_published_title_shows_on_the_next_render(site, article):
    path = path_of(article)
    top = _top_column(site)
    before = _html(site, path)
    assert top.title in _nav(before) and top.title in _trail(before)
    top.title = "新闻中心（新）"
    top.save_revision().publish()
    after = _html(site, path)
    assert "新闻中心（新）" in _nav(after)
    assert "新闻中心（新）" in _trail(after)


def test_a_column_taken_out_of_the_menu_leaves_the_navigation(site, article):
    path = path_of(article)
    other = _top_column(site, "zcwj")
    assert other.title in _nav(_html(site, path))
    other.show_in_menus = False
    other.save_revision().publish()
    assert other.title not in _nav(_html(site, path))


def test_the_current_column_is_marked_per_page(site, article):
    top = _top_column(site)
    other = _top_column(site, "zcwj")
    home_nav = _nav(_html(site, "/"))
    assert '<a href="/" aria-current="page">' in home_nav
    article_nav = _nav(_html(site, path_of(article)))
    assert '<a href="/" aria-current="page">' not in article_nav
    assert re.search(rf'aria-current="true">{top.title}</a>', article_nav)
    column_nav = _nav(_html(site, path_of(other)))
    assert re.search(rf'aria-current="page">{other.title}</a>', column_nav)
    # The same fragment for every page below the same column.
    assert _nav(_html(site, path_of(column(site, "zwyw")))) == article_nav


def test_a_theme_setting_shows_on_the_next_render(site, article):
    path = path_of(article)
    assert "https://mark.example.cn/" not in _footer(_html(site, path))
    settings = ThemeSettings.for_site(site.wagtail_site)
    settings.organ_mark_url = "https://mark.example.cn/"
    settings.save()
    assert 'href="https://mark.example.cn/"' in _footer(_html(site, path))


def test_a_site_setting_shows_on_the_next_render(
    site, article, django_capture_on_commit_callbacks
):
    path = path_of(article)
    assert "024-86881234" not in _footer(_html(site, path))
    with django_capture_on_commit_callbacks(execute=True):
        site_update(site=site, contact_phone="024-86881234")
    assert "024-86881234" in _footer(_html(site, path))


def test_the_generation_moves_at_once_and_again_on_commit(
    site, django_capture_on_commit_callbacks
):
    first = fragments.site_generation(site_id=site.pk)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        fragments.site_changed(site_id=site.pk)
        during = fragments.site_generation(site_id=site.pk)
    assert during != first
    for callback in callbacks:
        callback()
    assert fragments.site_generation(site_id=site.pk) not in (first, during)


def test_one_sites_chrome_never_shows_on_another(site, other_site):
    # Even with the same generation value and the same theme.
    for each in (site, other_site):
        caches["default"].set(fragments.GENERATION_KEY.format(each.pk), "same", None)
    assert site.theme == other_site.theme
    own = _html(site, "/")
    foreign = _html(other_site, "/")
    assert site.name in _footer(own) and other_site.name not in _footer(own)
    assert other_site.name in _footer(foreign) and site.name not in _footer(foreign)
    assert site.code in _footer(own) and site.code not in _footer(foreign)
    assert _html(site, "/") == own


def test_nothing_is_kept_when_fragments_are_off(site, article, settings):
    settings.SITES_KEEP_PER_GENERATION = False
    path = path_of(article)
    top = _top_column(site)
    _html(site, path)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE wagtailcore_page SET title = %s WHERE id = %s",
            ["要闻动态改", top.pk],
        )
    assert "要闻动态改" in _nav(_html(site, path))
    assert not fragments.local.entries and not fragments.pages.entries


def test_a_page_made_private_is_refused_on_the_next_request(site, article):
    from wagtail.models import PageViewRestriction

    path = path_of(article)
    client = Client(HTTP_HOST=site.host)
    assert client.get(path).status_code == 200
    # On a column above it: the whole column turns private.
    restriction = PageViewRestriction.objects.create(
        page=column(site, "zwyw"), restriction_type=PageViewRestriction.LOGIN
    )
    assert client.get(path).status_code == 302
    restriction.delete()
    assert client.get(path).status_code == 200


def test_kept_restricted_paths_are_used_until_the_generation_moves(site, article):
    from wagtail.models import PageViewRestriction

    path = path_of(article)
    client = Client(HTTP_HOST=site.host)
    assert client.get(path).status_code == 200
    # Recorded without its signal (as by another process, before its change
    # moved the generation): the kept answer stands until the generation moves.
    PageViewRestriction.objects.bulk_create(
        [PageViewRestriction(page=article, restriction_type="login")]
    )
    assert client.get(path).status_code == 200
    _another_process_moves_the_generation(site)
    assert client.get(path).status_code == 302


def test_an_alias_page_gets_wagtails_own_check(site, article, other_site):
    from wagtail.models import PageViewRestriction

    alias = article.create_alias(parent=column(other_site, "zwyw"))
    client = Client(HTTP_HOST=other_site.host)
    assert client.get(path_of(alias)).status_code == 200
    # The restriction of the alias's source, on the source's site: the alias
    # has none of its own, and its site's generation did not move.
    PageViewRestriction.objects.create(page=article, restriction_type="login")
    assert client.get(path_of(alias)).status_code == 302


def _png(colour: str, name: str):
    import io

    from django.core.files.images import ImageFile
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (120, 40), colour).save(buffer, "PNG")
    return ImageFile(io.BytesIO(buffer.getvalue()), name=name)


def test_a_replaced_logo_shows_on_the_next_render(
    site, article, settings, tmp_path, django_capture_on_commit_callbacks
):
    """Replacing the logo's file in the image library (the same image, a new
    file) changes no site or theme setting, yet every page's chrome shows it:
    the site's generation moves on and its whole tree is written again."""
    from wagtail.images.models import Image

    from delivery.models import PendingKind, PendingPublish

    settings.MEDIA_ROOT = tmp_path / "media"
    logo = Image.objects.create(
        title="徽标", file=_png("navy", "logo.png"), collection=site.collection
    )
    theme = ThemeSettings.for_site(site.wagtail_site)
    theme.logo = logo
    theme.save()
    path = path_of(article)
    before = re.search(r'<img[^>]*class="site-logo"[^>]*>', _html(site, path)).group(0)
    PendingPublish.objects.filter(site_id=site.pk).delete()

    with django_capture_on_commit_callbacks(execute=True):
        # As Wagtail's image form replaces a file: the new file saved, then the
        # old renditions deleted (a render in between must not keep them).
        logo.file = _png("maroon", "logo-new.png")
        logo._set_image_file_metadata()
        logo.save()
        _html(site, path)
        logo.renditions.all().delete()
    after = re.search(r'<img[^>]*class="site-logo"[^>]*>', _html(site, path)).group(0)
    assert after != before
    assert PendingPublish.objects.filter(
        site_id=site.pk, kind=PendingKind.SITE
    ).exists()


def test_an_image_changed_rewrites_only_the_pages_that_show_it(
    site, other_site, article, settings, tmp_path
):
    from wagtail.images.models import Image
    from wagtail.models import ReferenceIndex

    from delivery.models import PendingKind, PendingPublish

    settings.MEDIA_ROOT = tmp_path / "media"
    photo = Image.objects.create(
        title="照片", file=_png("navy", "photo.png"), collection=site.collection
    )
    unused = Image.objects.create(
        title="未用", file=_png("navy", "unused.png"), collection=site.collection
    )
    article.body = [("image", {"image": photo, "alt": "现场", "caption": ""})]
    article.save_revision().publish()
    # What Wagtail's queued reference-index task does after the publish.
    ReferenceIndex.create_or_update_for_object(article)
    PendingPublish.objects.all().delete()

    unused.title = "仍未用"
    unused.save()
    assert not PendingPublish.objects.exists()

    photo.title = "会议现场"
    photo.save()
    rows = list(PendingPublish.objects.values_list("site_id", "kind", "page_id"))
    assert (site.pk, PendingKind.PAGE, article.pk) in rows
    assert {row[0] for row in rows} == {site.pk}
    assert not any(kind == PendingKind.SITE for _site, kind, _page in rows)
