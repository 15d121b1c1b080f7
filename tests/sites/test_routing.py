import threading

import pytest
from django.test import Client
from django_multitenant.utils import get_current_tenant
from wagtail.models import Page, Site

from cms.models import ColumnPage
from sites import routing, services
from sites.models import SiteHost
from sites.overrides import page_urls
from sites.tenancy import current_site
from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db


def test_each_host_gets_its_own_site(site, other_site):
    for current, other in [(site, other_site), (other_site, site)]:
        response = Client(HTTP_HOST=current.host).get("/")
        assert response.status_code == 200
        html = response.content.decode()
        assert current.name in html and other.name not in html
        assert f'<meta name="SiteIDCode" content="{current.code}">' in html


def test_unknown_host_is_a_plain_404_never_another_site(site):
    response = Client(HTTP_HOST="nobody.localhost").get("/")
    assert response.status_code == 404
    assert site.name not in response.content.decode()
    assert Site.objects.filter(is_default_site=True).count() == 0


def test_a_port_does_not_change_the_site(site):
    assert Client(HTTP_HOST=f"{site.host}:8000").get("/").status_code == 200


def test_alias_redirects_permanently_to_the_primary_host(site):
    services.site_set_aliases(site=site, aliases=["www." + site.host])
    routing.invalidate()
    response = Client(HTTP_HOST=f"www.{site.host}:8000").get("/news/?page=2")
    assert response.status_code == 301
    assert response["Location"] == f"http://{site.host}:8000/news/?page=2"


def test_closed_site_answers_410_and_reopening_restores_it(site):
    client = Client(HTTP_HOST=site.host)
    services.site_close(site=site)
    routing.invalidate()
    response = client.get("/news/")
    assert response.status_code == 410
    assert "关闭" in response.content.decode() or "closed" in response.content.decode()
    services.site_reopen(site=site)
    routing.invalidate()
    assert client.get("/news/").status_code == 200


def test_platform_host_shows_the_index_of_sites(site, other_site):
    html = Client(HTTP_HOST="localhost").get("/").content.decode()
    assert site.name in html and other_site.name in html


def test_resolving_a_host_runs_no_query(site, django_assert_num_queries):
    routing.get_host_map()  # loaded once per registry version
    with django_assert_num_queries(0):
        route = routing.resolve(site.host)
        assert route.govsite_id == site.pk
        assert routing.site_for(route).pk == site.pk


def test_page_urls_are_built_without_scanning_sites(site, other_site):
    column = ColumnPage.objects.descendant_of(site.wagtail_site.root_page).get(
        code="news"
    )
    parts = column.get_url_parts()
    assert parts[0] == site.wagtail_site.pk
    assert parts[2] == "/news/"
    other_column = ColumnPage.objects.descendant_of(
        other_site.wagtail_site.root_page
    ).get(code="news")
    assert other_column.full_url == f"http://{other_site.host}/news/"


def test_page_urls_match_wagtails_own_answers(site, other_site, rf):
    """Our replacements give the URLs Wagtail's own lookups give."""
    home = site.wagtail_site.root_page
    column = ColumnPage.objects.descendant_of(home).get(code="news")
    request = rf.get("/", HTTP_HOST=site.host)
    request._wagtail_site = site.wagtail_site
    ours = (column.get_url(request), column.get_url(), column.url, column.full_url)
    page_urls.uninstall()
    try:
        fresh = ColumnPage.objects.get(pk=column.pk)
        request = rf.get("/", HTTP_HOST=site.host)
        request._wagtail_site = site.wagtail_site
        vanilla = (fresh.get_url(request), fresh.get_url(), fresh.url, fresh.full_url)
    finally:
        page_urls.install()
    assert (
        ours
        == vanilla
        == (
            "/news/",
            f"http://{site.host}/news/",
            f"http://{site.host}/news/",
            f"http://{site.host}/news/",
        )
    )


def test_registry_changes_reach_the_map(site):
    assert routing.resolve("new.test.localhost") is None
    SiteHost.objects.create(govsite=site, hostname="new.test.localhost")
    routing.invalidate()  # what the post-commit signal does
    assert routing.resolve("new.test.localhost").govsite_id == site.pk


def test_tenant_is_set_during_the_request_and_cleared_after(site, monkeypatch):
    seen = {}
    from wagtail import views

    real_serve = views.serve

    def spy(request, path):
        seen["tenant"] = get_current_tenant()
        return real_serve(request, path)

    monkeypatch.setattr(views, "serve", spy)
    monkeypatch.setattr("cms.views.serve", spy)
    Client(HTTP_HOST=site.host).get("/")
    assert seen["tenant"].pk == site.pk
    assert current_site() is None


def test_tenant_is_cleared_even_when_the_view_fails(site, monkeypatch):
    def boom(request, path):
        raise RuntimeError("view failed")

    monkeypatch.setattr("cms.views.serve", boom)
    client = Client(HTTP_HOST=site.host, raise_request_exception=False)
    assert client.get("/").status_code == 500
    assert current_site() is None


def test_tenant_does_not_leak_into_another_thread(site):
    from sites.tenancy import use_site

    seen = []
    with use_site(site):
        thread = threading.Thread(target=lambda: seen.append(current_site()))
        thread.start()
        thread.join()
        assert current_site() == site
    assert seen == [None]


def test_saving_an_ordinary_page_does_not_load_the_host_map(site):
    """Page saves are many: the registry's own check never loads the map. (A live
    page saved with a change the public sees does read it afterwards, to know
    whose files to write again: delivery's live_page_saved_record.)"""
    column = ColumnPage.objects.descendant_of(site.wagtail_site.root_page).first()
    routing.reset_local()
    column.draft_title = "改名"
    column.save(update_fields=["draft_title"])
    assert routing.loaded_host_map() is None


def test_moving_a_column_leaves_a_redirect_from_its_old_address(site):
    # Wagtail's automatic redirects read the root paths our override leaves on
    # the request (they raised AttributeError before it did).
    from wagtail.contrib.redirects.models import Redirect

    home = Page.objects.get(pk=site.wagtail_site.root_page_id)
    news = ColumnPage.objects.descendant_of(home).get(code="news")
    moved = news.get_children().first().specific
    old_path = moved.url_path[len(home.url_path) - 1 :].rstrip("/")
    moved.move(home, pos="last-child", user=None)
    redirect = Redirect.objects.get(old_path=old_path)
    assert redirect.redirect_page_id == moved.pk
    assert redirect.site_id == site.wagtail_site.pk


def test_renaming_a_home_pages_slug_keeps_the_sites_urls(
    site, django_capture_on_commit_callbacks
):
    routing.get_host_map()
    home = Page.objects.get(pk=site.wagtail_site.root_page_id).specific
    with django_capture_on_commit_callbacks(execute=True):
        home.slug = "index"
        home.save()
    assert home.url_path in routing.get_host_map().root_paths
    column = ColumnPage.objects.descendant_of(home).get(code="news")
    assert column.full_url == f"http://{site.host}/news/"
    assert Client(HTTP_HOST=site.host).get("/news/").status_code == 200


def test_site_root_paths_are_ordered_as_wagtail_orders_them(site):
    """Wagtail sorts by root path, descending (``-root_page__url_path``)."""
    city = SiteFactory.child(site, "city")
    paths = [p.root_path for p in Site.get_site_root_paths()]
    assert {
        city.wagtail_site.root_page.url_path,
        site.wagtail_site.root_page.url_path,
    } <= set(paths)
    assert paths == sorted(paths, reverse=True)


def test_a_published_change_to_the_home_page_reaches_the_next_request(site):
    """The host map holds ids and paths, never pages: the home page is read per
    request, so a change published in this same process shows at once."""
    client = Client(HTTP_HOST=site.host)
    assert "新版首页导语" not in client.get("/").content.decode()
    home = Page.objects.get(pk=site.wagtail_site.root_page_id).specific
    home.intro = "<p>新版首页导语</p>"
    home.save_revision().publish()
    assert "新版首页导语" in client.get("/").content.decode()


def test_the_host_map_holds_no_model_instances(site):
    from django.db.models import Model

    client = Client(HTTP_HOST=site.host)
    client.get("/")
    client.get("/news/")
    host_map = routing.get_host_map()

    seen = set()

    def values(obj):
        if id(obj) in seen:
            return
        seen.add(id(obj))
        yield obj
        if isinstance(obj, dict):
            for key, value in obj.items():
                yield from values(key)
                yield from values(value)
        elif isinstance(obj, list | tuple | set | frozenset):
            for value in obj:
                yield from values(value)
        elif hasattr(obj, "__dict__") and not isinstance(obj, type):
            yield from values(vars(obj))

    assert not [value for value in values(vars(host_map)) if isinstance(value, Model)]


STAFF_PATHS = [
    "/admin/",
    "/admin/login/",
    "/admin/pages/",
    "/admin/api/main/pages/",
    "/admin/reports/workflow/",
    "/admin/govsites/",
]


@pytest.mark.parametrize("path", STAFF_PATHS)
def test_staff_paths_answer_only_on_the_platform_hosts(site, editor, path):
    """An editor signed in (or signing in) on a site's host finds no admin there."""
    from tests.conftest import admin_client_for

    on_site = admin_client_for(editor, host=site.host)
    assert on_site.get(path).status_code == 404
    assert Client(HTTP_HOST=site.host).get(path).status_code == 404
    on_platform = admin_client_for(editor, host="localhost")
    assert on_platform.get(path).status_code != 404


def test_an_editor_cannot_sign_in_on_another_sites_host(other_site, editor):
    editor.set_password("Secret-2026")
    editor.save()
    response = Client(HTTP_HOST=other_site.host).post(
        "/admin/login/", {"username": editor.username, "password": "Secret-2026"}
    )
    assert response.status_code == 404
    assert "_auth_user_id" not in response.client.session
    signed_in = Client(HTTP_HOST="localhost").post(
        "/admin/login/", {"username": editor.username, "password": "Secret-2026"}
    )
    assert signed_in.status_code == 302


@pytest.mark.parametrize(
    "path", ["/", "/news/", "/search/?q=通知", "/api/v1/search?q=通知", "/sitemap.xml"]
)
def test_public_paths_stay_on_the_sites_host(site, path):
    assert Client(HTTP_HOST=site.host).get(path).status_code == 200


def test_view_live_links_from_the_admin_point_to_the_sites_host(site, rf):
    """The admin (on the platform's host, no site) links a page on its own host:
    Wagtail's 'view live' buttons call ``get_url`` with the admin's request."""
    home = site.wagtail_site.root_page
    news = ColumnPage.objects.descendant_of(home).get(code="news")
    request = rf.get("/admin/pages/", HTTP_HOST="localhost")
    request._wagtail_site = None  # what the routing middleware sets there
    assert news.get_url(request) == f"http://{site.host}/news/"
    assert Client(HTTP_HOST=site.host).get("/news/").status_code == 200
