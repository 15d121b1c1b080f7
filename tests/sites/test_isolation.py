"""An editor of one site tries to reach another site's pages, images, documents and
registry entry through every admin path; each attempt fails with 403/404 (or
Wagtail's redirect to the dashboard with "permission denied") or returns nothing.
A platform admin reaches all of it."""

import io
import json
import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image

from cms.models import ColumnPage
from tests.conftest import admin_client_for
from tests.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _png():
    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return ImageFile(io.BytesIO(buffer.getvalue()), name="marker.png")


def _content(site, label, capture):
    """A page, an image and a document with unmistakable titles, in ``site``,
    indexed for search through the task queue as in production. Static
    publishing's tasks stay queued: the first writes every public page of the
    site (its launch queued it), which no check here reads (tests/delivery test
    it), and it was four fifths of this fixture's time."""
    with capture(execute=True):
        objects = _create_content(site, label)
    run_queued_tasks(skip=("delivery.",))
    return objects


def _create_content(site, label):
    # Letters only: a hex run such as "212e41" reads as a number to PostgreSQL's
    # text parser, which would make the search checks flaky.
    letters = "".join(chr(ord("a") + int(c, 16)) for c in uuid.uuid4().hex[:8])
    marker = f"{label}-{letters}"
    news = ColumnPage.objects.descendant_of(site.wagtail_site.root_page).get(
        code="news"
    )
    page = ColumnPage(title=f"页面{marker}", slug=f"p{marker.lower()}", code="marker")
    news.add_child(instance=page)
    image = Image.objects.create(
        title=f"图片{marker}", file=_png(), collection=site.collection
    )
    document = Document.objects.create(
        title=f"文件{marker}",
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="marker.pdf"),
        collection=site.collection,
    )
    return {
        "marker": marker,
        "page": page,
        "image": image,
        "document": document,
        "titles": [page.title, image.title, document.title],
        # Links that only a listing showing the object would contain.
        "links": [
            f"/admin/pages/{page.pk}/",
            f"/admin/images/{image.pk}/",
            f"/admin/images/chooser/chosen/{image.pk}/",
            f"/admin/documents/edit/{document.pk}/",
            f"/admin/documents/chooser/chosen/{document.pk}/",
        ],
    }


def shown(objects, html: str, url: str) -> list[str]:
    """What of ``objects`` the response shows, ignoring the echo of the query."""
    from urllib.parse import parse_qs, urlsplit

    for query in parse_qs(urlsplit(url).query).get("q", []):
        html = html.replace(query, "")
    return [text for text in objects["titles"] + objects["links"] if text in html]


@pytest.fixture
def mine(site, django_capture_on_commit_callbacks):
    return _content(site, "MINE", django_capture_on_commit_callbacks)


@pytest.fixture
def theirs(other_site, django_capture_on_commit_callbacks):
    return _content(other_site, "THEIRS", django_capture_on_commit_callbacks)


def is_denied(response, url) -> bool:
    """403/404/405, or Wagtail's redirect away from the object: to the dashboard
    (permission denied) or to the user's own explorer root."""
    if response.status_code == 302:
        location = response["Location"]
        return location.split("?")[0] != url.split("?")[0] and (
            location in (reverse("wagtailadmin_home"), "/admin/")
            or location.startswith("/admin/pages/")
            or location.startswith("/admin/login/")
        )
    return response.status_code in (403, 404, 405)


def text_of(response) -> str:
    """The HTML of a page, or of a chooser modal (JSON with escaped HTML)."""
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode()


def assert_denied(response, url=""):
    assert is_denied(response, url), (response.status_code, response.get("Location"))


OBJECT_URLS = {
    "explore": lambda o: f"/admin/pages/{o['page'].pk}/",
    "edit": lambda o: f"/admin/pages/{o['page'].pk}/edit/",
    "preview": lambda o: f"/admin/pages/{o['page'].pk}/edit/preview/",
    "history": lambda o: f"/admin/pages/{o['page'].pk}/history/",
    "copy": lambda o: f"/admin/pages/{o['page'].pk}/copy/",
    "move": lambda o: f"/admin/pages/{o['page'].pk}/move/",
    "move_confirm": lambda o: (
        f"/admin/pages/{o['page'].pk}/move/{o['page'].get_parent().get_parent().pk}"
        "/confirm/"
    ),
    "delete": lambda o: f"/admin/pages/{o['page'].pk}/delete/",
    "unpublish": lambda o: f"/admin/pages/{o['page'].pk}/unpublish/",
    "add_subpage": lambda o: f"/admin/pages/{o['page'].pk}/add_subpage/",
    "page_chooser_browse": lambda o: f"/admin/choose-page/{o['page'].pk}/",
    "page_chosen": lambda o: f"/admin/choose-page/chosen-multiple/?id={o['page'].pk}",
    "image_edit": lambda o: f"/admin/images/{o['image'].pk}/",
    "image_delete": lambda o: f"/admin/images/{o['image'].pk}/delete/",
    "image_chosen": lambda o: f"/admin/images/chooser/chosen/{o['image'].pk}/",
    "image_chosen_multiple": lambda o: (
        f"/admin/images/chooser/chosen-multiple/?id={o['image'].pk}"
    ),
    "document_edit": lambda o: f"/admin/documents/edit/{o['document'].pk}/",
    "document_delete": lambda o: f"/admin/documents/delete/{o['document'].pk}/",
    "document_chosen": lambda o: f"/admin/documents/chooser/chosen/{o['document'].pk}/",
    "document_chosen_multiple": lambda o: (
        f"/admin/documents/chooser/chosen-multiple/?id={o['document'].pk}"
    ),
}

LISTING_URLS = {
    "explorer_root": lambda o: "/admin/pages/",
    "page_search": lambda o: f"/admin/pages/search/?q={o['page'].title}",
    "explorer_search": lambda o: (
        f"/admin/pages/{o['home'].pk}/?q={o['page'].title}&search_all=1"
    ),
    "page_chooser_root": lambda o: "/admin/choose-page/",
    "page_chooser_search": lambda o: f"/admin/choose-page/search/?q={o['page'].title}",
    "images": lambda o: "/admin/images/",
    "image_chooser": lambda o: "/admin/images/chooser/",
    "image_chooser_search": lambda o: (
        f"/admin/images/chooser/results/?q={o['image'].title}"
    ),
    "documents": lambda o: "/admin/documents/",
    "document_chooser": lambda o: "/admin/documents/chooser/",
    "document_chooser_search": lambda o: (
        f"/admin/documents/chooser/results/?q={o['document'].title}"
    ),
    "collections": lambda o: "/admin/collections/",
    "locked_pages": lambda o: "/admin/reports/locked/",
    "aging_pages": lambda o: "/admin/reports/aging-pages/",
    "site_history": lambda o: "/admin/reports/site-history/",
    "my_sites": lambda o: "/admin/govsites/mine/",
    "dashboard": lambda o: "/admin/",
    "page_type_usage": lambda o: "/admin/pages/usage/cms/columnpage/",
    "bulk_delete": lambda o: f"/admin/bulk/wagtailcore/page/delete/?id={o['page'].pk}",
    "bulk_move": lambda o: f"/admin/bulk/wagtailcore/page/move/?id={o['page'].pk}",
    "bulk_publish": lambda o: (
        f"/admin/bulk/wagtailcore/page/publish/?id={o['page'].pk}"
    ),
    "bulk_unpublish": lambda o: (
        f"/admin/bulk/wagtailcore/page/unpublish/?id={o['page'].pk}"
    ),
    "bulk_image_delete": lambda o: (
        f"/admin/bulk/wagtailimages/image/delete/?id={o['image'].pk}"
    ),
    "bulk_document_delete": lambda o: (
        f"/admin/bulk/wagtaildocs/document/delete/?id={o['document'].pk}"
    ),
    "admin_api_pages": lambda o: f"/admin/api/main/pages/?search={o['page'].title}",
    "workflow_report": lambda o: "/admin/reports/workflow/",
    "workflow_tasks_report": lambda o: "/admin/reports/workflow_tasks/",
}


@pytest.mark.parametrize("name", sorted(OBJECT_URLS))
def test_editor_cannot_reach_another_sites_objects(name, editor, mine, theirs):
    client = admin_client_for(editor)
    url = OBJECT_URLS[name](theirs)
    response = client.get(url)
    if name in {"image_chosen_multiple", "document_chosen_multiple"}:
        # Wagtail answers with the subset the user may choose: here, none.
        assert response.status_code == 200
        assert response.json()["result"] == []
        assert shown(theirs, text_of(response), url) == []
    else:
        assert_denied(response, url)
    assert_denied(client.post(url, {}), url)


@pytest.mark.parametrize("name", sorted(LISTING_URLS))
def test_editor_listings_show_nothing_of_another_site(
    name, editor, site, other_site, mine, theirs
):
    client = admin_client_for(editor)
    for objects in (mine, theirs):
        objects["home"] = site.wagtail_site.root_page
    url = LISTING_URLS[name](theirs)
    response = client.get(url)
    if is_denied(response, url):
        return  # an editor may not open this listing at all: nothing shown
    assert response.status_code == 200
    html = text_of(response)
    assert shown(theirs, html, url) == []
    assert other_site.name not in html
    assert f">{other_site.code}<" not in html


@pytest.mark.parametrize(
    "name",
    [
        "page_search",
        "page_chooser_search",
        "image_chooser",
        "documents",
        "images",
        "document_chooser",
        "my_sites",
        "page_type_usage",
        "admin_api_pages",
    ],
)
def test_editor_listings_do_show_their_own_site(name, editor, site, mine):
    """The checks above can fail: the same listings show the editor's own things."""
    mine["home"] = site.wagtail_site.root_page
    url = LISTING_URLS[name](mine)
    html = text_of(admin_client_for(editor).get(url))
    assert shown(mine, html, url) or site.name in html


def test_explorer_filters_list_only_the_editors_sites(editor, site, other_site, mine):
    html = admin_client_for(editor).get("/admin/pages/search/?q=x").content.decode()
    html += (
        admin_client_for(editor)
        .get(f"/admin/pages/{site.wagtail_site.root_page_id}/?site=1")
        .content.decode()
    )
    assert other_site.name not in html


def test_editor_cannot_open_the_site_registry(editor, other_site):
    client = admin_client_for(editor)
    for url in [
        "/admin/govsites/",
        f"/admin/govsites/edit/{other_site.pk}/",
        f"/admin/govsites/{other_site.pk}/members/",
        f"/admin/govsites/{other_site.pk}/status/",
        "/admin/govsites/new/",
        "/admin/reports/page-types-usage/",
    ]:
        assert_denied(client.get(url))


def test_site_admin_manages_members_of_their_own_site_only(
    site_admin, site, other_site
):
    client = admin_client_for(site_admin)
    assert client.get(f"/admin/govsites/{site.pk}/members/").status_code == 200
    assert_denied(client.get(f"/admin/govsites/{other_site.pk}/members/"))
    response = client.post(
        f"/admin/govsites/{other_site.pk}/members/",
        {"username": site_admin.username, "role": "admin"},
    )
    assert_denied(response)
    from sites.services import site_groups

    assert (
        not site_groups(site=other_site)["admin"]
        .user_set.filter(pk=site_admin.pk)
        .exists()
    )


def test_editor_cannot_add_members_even_to_their_own_site(editor, site):
    assert_denied(admin_client_for(editor).get(f"/admin/govsites/{site.pk}/members/"))


@pytest.mark.parametrize("name", sorted(OBJECT_URLS))
def test_platform_admin_reaches_every_sites_objects(name, platform_admin, theirs):
    response = admin_client_for(platform_admin).get(OBJECT_URLS[name](theirs))
    if name == "preview":  # a preview needs posted form data first
        assert response.status_code in (200, 400)
    elif name == "add_subpage":  # a column offers columns and content pages
        assert response.status_code == 200
        assert "/admin/pages/add/cms/articlepage/" in response.content.decode()
    else:
        assert response.status_code == 200, response.status_code


@pytest.mark.parametrize(
    "name",
    ["page_search", "page_chooser_search", "images", "documents", "image_chooser"],
)
def test_platform_admin_finds_every_sites_objects(name, platform_admin, site, theirs):
    theirs["home"] = site.wagtail_site.root_page
    url = LISTING_URLS[name](theirs)
    html = text_of(admin_client_for(platform_admin).get(url))
    assert shown(theirs, html, url)


def test_explorer_site_filter_offers_the_editors_own_site_only(
    editor, site, other_site
):
    url = f"/admin/pages/{site.wagtail_site.root_page_id}/"
    html = admin_client_for(editor).get(url).content.decode()
    assert 'name="site"' in html
    assert str(site.wagtail_site) in html
    assert str(other_site.wagtail_site) not in html


def test_city_admin_manages_the_counties_below_but_not_a_sibling_city(site):
    from sites.models import SiteRole
    from sites.services import site_groups
    from tests.factories import SiteFactory, UserFactory

    city = SiteFactory.child(site, "city")
    county = SiteFactory.child(city, "county")
    sibling = SiteFactory.child(site, "city")
    city_admin = UserFactory()
    site_groups(site=city)[SiteRole.ADMIN].user_set.add(city_admin)
    client = admin_client_for(city_admin)
    county_home = county.wagtail_site.root_page_id
    assert client.get(f"/admin/pages/{county_home}/edit/").status_code == 200
    assert client.get(f"/admin/govsites/{county.pk}/members/").status_code == 200
    sibling_home = sibling.wagtail_site.root_page_id
    assert_denied(client.get(f"/admin/pages/{sibling_home}/edit/"))
    assert_denied(client.get(f"/admin/govsites/{sibling.pk}/members/"))


def test_archived_site_is_read_only_in_the_admin(site, editor, site_admin):
    from sites import routing, services

    home_edit = f"/admin/pages/{site.wagtail_site.root_page_id}/edit/"
    assert admin_client_for(editor).get(home_edit).status_code == 200
    services.site_archive(site=site)
    routing.invalidate()
    for user in (editor, site_admin):
        assert_denied(admin_client_for(user).get(home_edit))
    news = ColumnPage.objects.descendant_of(site.wagtail_site.root_page).get(
        code="news"
    )
    assert_denied(admin_client_for(site_admin).get(f"/admin/pages/{news.pk}/delete/"))
    # Still online for the public.
    from django.test import Client

    assert Client(HTTP_HOST=site.host).get("/news/").status_code == 200


def test_platform_admin_sees_every_site_in_the_registry(
    platform_admin, site, other_site
):
    client = admin_client_for(platform_admin)
    html = client.get("/admin/govsites/").content.decode()
    assert site.name in html and other_site.name in html
    assert f"/admin/govsites/{other_site.pk}/members/" in html
    for url in [f"/admin/govsites/edit/{other_site.pk}/", "/admin/govsites/new/",
                f"/admin/govsites/{other_site.pk}/status/",
                f"/admin/govsites/{other_site.pk}/members/"]:  # fmt: skip
        assert client.get(url).status_code == 200


def test_bulk_actions_show_what_the_user_may_touch_and_only_count_the_rest(
    site_admin, site, mine, theirs
):
    url = (
        "/admin/bulk/wagtailcore/page/delete/"
        f"?id={mine['page'].pk}&id={theirs['page'].pk}"
    )
    html = admin_client_for(site_admin).get(url).content.decode()
    assert mine["page"].title in html
    assert theirs["page"].title not in html
    assert "1 项" in html or "1 item" in html


def test_editor_cannot_move_their_own_page_into_another_site(editor, mine, theirs):
    url = (
        f"/admin/pages/{mine['page'].pk}/move/{theirs['page'].get_parent().pk}/confirm/"
    )
    client = admin_client_for(editor)
    response = client.get(url)
    assert_denied(response, url)
    assert shown(theirs, text_of(response), url) == []
    assert_denied(client.post(url), url)
    mine["page"].refresh_from_db()
    assert mine["page"].get_parent().pk != theirs["page"].get_parent().pk
