"""The pentest of issues 12 and 13: a county's editor and admin against a sibling
county and the parent city. Images, documents, workflows, tasks and staff names of
a site the user does not manage appear nowhere in their admin, whatever id they
send; a page refuses other sites' images, documents and pages whatever its form
sends."""

import json

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Page
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)

from cms.models import ArticlePage, HomePage
from sites.models import SiteRole
from sites.services import site_groups
from tests.conftest import admin_client_for
from tests.factories import ArticleFactory, UserFactory, column
from tests.sites.test_isolation import _content, assert_denied, is_denied, text_of

pytestmark = pytest.mark.django_db


def _member(site, role, username):
    user = UserFactory(username=username)
    site_groups(site=site)[role].user_set.add(user)
    return user


@pytest.fixture
def family(site, shared_sites, django_capture_on_commit_callbacks, settings, tmp_path):
    """Province ``site`` → city → county and its sibling county, each with a page,
    an image and a document with unmistakable titles, and staff with
    unmistakable usernames. The sites are shared (tests/conftest.py)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    city = shared_sites.get("site_city", parent=site)
    county = shared_sites.get("site_county", parent=city)
    sibling = shared_sites.get("site_sibling_county", parent=city)
    capture = django_capture_on_commit_callbacks
    return {
        "province": site,
        "city": city,
        "county": county,
        "sibling": sibling,
        "county_admin": _member(county, SiteRole.ADMIN, "county-admin"),
        "county_editor": _member(county, SiteRole.EDITOR, "county-editor"),
        "sibling_staff": _member(sibling, SiteRole.EDITOR, "sibling-staff-zq"),
        "city_staff": _member(city, SiteRole.EDITOR, "city-staff-zq"),
        "mine": _content(county, "MINE", capture),
        "theirs": _content(sibling, "THEIRS", capture),
        "city_content": _content(city, "CITY", capture),
    }


def foreign_texts(family) -> list[str]:
    """What a county's people must never see of the sibling county and the city."""
    return [
        *family["theirs"]["titles"],
        *family["city_content"]["titles"],
        family["sibling"].name,
        family["sibling_staff"].username,
        family["city_staff"].username,
    ]


def leaks(family, response) -> list[str]:
    html = text_of(response)
    return [text for text in foreign_texts(family) if text in html]


# -- 1. images and documents: the admin API and every chooser ---------------------


def test_admin_api_lists_only_the_users_own_images_and_documents(family):
    for role in ("county_editor", "county_admin"):
        client = admin_client_for(family[role])
        for endpoint, key in (("images", "image"), ("documents", "document")):
            listing = client.get(f"/admin/api/main/{endpoint}/")
            assert listing.status_code == 200
            titles = {item["title"] for item in listing.json()["items"]}
            assert titles == {family["mine"][key].title}
            assert leaks(family, listing) == []
            for other in ("theirs", "city_content"):
                obj = family[other][key]
                detail = client.get(f"/admin/api/main/{endpoint}/{obj.pk}/")
                assert detail.status_code == 404
                search = client.get(f"/admin/api/main/{endpoint}/?search={obj.title}")
                assert leaks(family, search) == []


def test_platform_admin_api_lists_every_sites_images(family, platform_admin):
    client = admin_client_for(platform_admin)
    titles = {i["title"] for i in client.get("/admin/api/main/images/").json()["items"]}
    assert family["theirs"]["image"].title in titles
    assert family["mine"]["image"].title in titles


def _media_urls(family):
    theirs, city = family["theirs"], family["city_content"]
    urls = []
    for kind, prefix, api in (
        ("image", "/admin/images", "images"),
        ("document", "/admin/documents", "documents"),
    ):
        for objects in (theirs, city):
            obj = objects[kind]
            collection = obj.collection_id
            urls += [
                f"/admin/api/main/{api}/",
                f"/admin/api/main/{api}/{obj.pk}/",
                f"/admin/api/main/{api}/?search={obj.title}",
                f"/admin/api/main/{api}/?id={obj.pk}",
                f"{prefix}/chooser/",
                f"{prefix}/chooser/?collection_id={collection}",
                f"{prefix}/chooser/results/?q={obj.title}",
                f"{prefix}/chooser/results/?collection_id={collection}",
                f"{prefix}/chooser/create/",
                f"{prefix}/chooser/chosen/{obj.pk}/",
                f"{prefix}/chooser/chosen-multiple/?id={obj.pk}",
                f"{prefix}/?collection_id={collection}",
                f"{prefix}/results/?q={obj.title}",
                f"/admin/bulk/wagtail{'images' if kind == 'image' else 'docs'}/"
                f"{kind}/delete/?id={obj.pk}",
                f"/admin/bulk/wagtail{'images' if kind == 'image' else 'docs'}/"
                f"{kind}/add_to_collection/?id={obj.pk}",
            ]
        urls += [
            f"{prefix}/usage/{theirs[kind].pk}/",
            f"{prefix}/{'' if kind == 'image' else 'edit/'}{theirs[kind].pk}/",
        ]
    urls += ["/admin/api/main/pages/", "/admin/collections/"]
    return urls


@pytest.mark.parametrize("role", ["county_editor", "county_admin"])
def test_no_media_url_shows_another_sites_images_or_documents(family, role):
    client = admin_client_for(family[role])
    shown_on = {}
    for url in _media_urls(family):
        response = client.get(url)
        if is_denied(response, url):
            continue
        # Only the search term the request itself carries may come back.
        found = [t for t in leaks(family, response) if t not in url]
        if found:
            shown_on[url] = found
    assert shown_on == {}


def test_upload_in_the_chooser_cannot_target_another_sites_collection(family):
    client = admin_client_for(family["county_editor"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.sites.test_isolation import _png

    response = client.post(
        "/admin/images/chooser/create/",
        {
            "image-chooser-upload-title": "越界上传",
            "image-chooser-upload-file": SimpleUploadedFile(
                "a.png", _png().read(), content_type="image/png"
            ),
            "image-chooser-upload-collection": family["sibling"].collection_id,
            "image-chooser-upload-tags": "",
        },
    )
    from wagtail.images.models import Image

    image = Image.objects.filter(title="越界上传").first()
    assert image is None or image.collection_id == family["county"].collection_id
    assert leaks(family, response) == []


# -- 2. a page refuses other sites' images, documents and pages -------------------


def refused_shown(response) -> bool:
    """The refusal is on the page: as text, or in a StreamField's error data
    (JSON, with escaped characters)."""
    html = response.content.decode()
    words = "属于其他站点"
    return words in html or json.dumps(words)[1:-1] in html


def _article_form(*, action, cover="", body=(), attachments=()):
    return nested_form_data(
        {
            "title": "本县新闻",
            "slug": "",
            "subtitle": "",
            "source": "县政府办公室",
            "author": "",
            "cover_image": cover,
            "body": streamfield([("paragraph", rich_text("<p>正文。</p>")), *body]),
            "attachments": streamfield(list(attachments)),
            "tags": "",
            "comments": inline_formset([]),
            action: "1",
        }
    )


@pytest.mark.parametrize("action", ["action-save", "action-submit", "action-publish"])
@pytest.mark.parametrize("field", ["cover", "body", "attachments"])
def test_a_page_refuses_another_sites_image_or_document(family, action, field):
    """Whatever the form sends, for save draft, submit and publish alike."""
    theirs = family["theirs"]
    sent = {
        "cover": {"cover": theirs["image"].pk},
        "body": {
            "body": [
                ("image", {"image": theirs["image"].pk, "alt": "图", "caption": ""})
            ]
        },
        "attachments": {
            "attachments": [
                ("attachment", {"document": theirs["document"].pk, "title": ""})
            ]
        },
    }[field]
    user = "county_admin" if action == "action-publish" else "county_editor"
    client = admin_client_for(family[user])
    parent = column(family["county"], "gzdt")
    before = ArticlePage.objects.count()
    response = client.post(
        f"/admin/pages/add/cms/articlepage/{parent.pk}/",
        _article_form(action=action, **sent),
    )
    assert response.status_code == 200
    assert ArticlePage.objects.count() == before
    assert refused_shown(response), response.context["form"].errors
    assert leaks(family, response) == []


def test_a_page_keeps_its_own_sites_image_and_document(family):
    """The same form with the county's own image and document saves: the refusal
    above is about whose they are."""
    mine = family["mine"]
    client = admin_client_for(family["county_editor"])
    parent = column(family["county"], "gzdt")
    response = client.post(
        f"/admin/pages/add/cms/articlepage/{parent.pk}/",
        _article_form(
            action="action-save",
            cover=mine["image"].pk,
            body=[("image", {"image": mine["image"].pk, "alt": "图", "caption": ""})],
            attachments=[
                ("attachment", {"document": mine["document"].pk, "title": ""})
            ],
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    page = ArticlePage.objects.get(title="本县新闻")
    assert page.get_latest_revision_as_object().cover_image_id == mine["image"].pk


def test_editing_a_page_refuses_another_sites_image_on_save_and_autosave(family):
    article = ArticleFactory(parent=column(family["county"], "gzdt"), title="已有稿件")
    client = admin_client_for(family["county_editor"])
    data = _article_form(action="action-save", cover=family["theirs"]["image"].pk)
    data["title"] = "已有稿件"
    response = client.post(f"/admin/pages/{article.pk}/edit/", data)
    assert response.status_code == 200
    assert refused_shown(response)
    # Autosave posts the same form and asks for JSON.
    response = client.post(
        f"/admin/pages/{article.pk}/edit/",
        data,
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert article.get_latest_revision_as_object().cover_image_id is None


def test_home_page_refuses_another_sites_column(family):
    county = family["county"]
    home = HomePage.objects.get(pk=county.wagtail_site.root_page_id)
    their_column = column(family["sibling"], "gzdt")
    data = nested_form_data(
        {
            "title": home.title,
            "slug": home.slug,
            "intro": rich_text(""),
            "sections": streamfield(
                [("column", {"column": their_column.pk, "count": 5})]
            ),
            "comments": inline_formset([]),
            "action-save": "1",
        }
    )
    client = admin_client_for(family["county_admin"])
    response = client.post(f"/admin/pages/{home.pk}/edit/", data)
    assert response.status_code == 200
    assert refused_shown(response)
    assert their_column.title not in str(response.context["form"].errors)
    ok = dict(data)
    ok["sections-0-value-column"] = str(column(county, "gzdt").pk)
    assert client.post(f"/admin/pages/{home.pk}/edit/", ok).status_code == 302


def test_reference_check_covers_rich_text_links_and_shared_collections(family):
    from wagtail.images.models import Image

    from sites.references import page_references_check, page_references_validate
    from tests.sites.test_isolation import _png

    county = family["county"]
    theirs = family["theirs"]
    page = ArticlePage(
        title="草稿",
        body=[
            (
                "paragraph",
                f'<p><a linktype="document" id="{theirs["document"].pk}">文件</a>'
                f'<a linktype="page" id="{theirs["page"].pk}">页面</a></p>',
            )
        ],
    )
    errors = page_references_check(page=page, parent=column(county, "gzdt"))
    assert len(errors["body"]) == 2
    with pytest.raises(ValidationError):
        page_references_validate(page=page, parent=column(county, "gzdt"))
    # A city's page may use its counties' files; a county not its city's.
    city_page = ArticlePage(title="市稿", cover_image=family["mine"]["image"])
    assert not page_references_check(
        page=city_page, parent=column(family["city"], "news")
    )
    assert not page_references_check(
        page=ArticlePage(title="县稿", cover_image=family["mine"]["image"]),
        parent=column(county, "gzdt"),
    )
    assert page_references_check(
        page=ArticlePage(title="县稿", cover_image=family["city_content"]["image"]),
        parent=column(county, "gzdt"),
    )
    # Images the platform keeps outside every site's collection are shared.
    root = Image.objects.create(title="平台共享", file=_png())
    assert not page_references_check(
        page=ArticlePage(title="县稿", cover_image=root),
        parent=column(county, "gzdt"),
    )


# -- 3. workflows, tasks and staff of other sites ----------------------------------


def _in_moderation(site, editor):
    """A page of ``site`` submitted to its review workflow by ``editor``."""
    from django.utils import timezone

    news = column(site, "gzdt" if site.level == "county" else "news")
    page = ArticleFactory(parent=news, title=f"待审{site.code}")
    page.get_workflow().start(page, editor)
    Page.objects.filter(pk=page.pk).update(
        locked=True, locked_by=editor, locked_at=timezone.now()
    )
    page.refresh_from_db()
    return page


def _workflow_names(site) -> list[str]:
    workflow = Page.objects.get(pk=site.wagtail_site.root_page_id).get_workflow()
    return [workflow.name, *(task.name for task in workflow.tasks)]


def test_workflow_and_task_names_of_another_site_show_nowhere(family):
    sibling = family["sibling"]
    page = _in_moderation(sibling, family["sibling_staff"])
    task_state = page.current_workflow_state.current_task_state
    names = _workflow_names(sibling)
    assert len(names) == 3
    urls = [
        "/admin/workflows/task_chooser/",
        "/admin/workflows/task_chooser/results/?q=审",
        "/admin/workflows/task_chooser/create/",
        f"/admin/workflows/task_chooser/{task_state.task_id}/",
        f"/admin/pages/workflow/confirm_cancellation/{page.pk}/",
        f"/admin/pages/workflow/preview/{page.pk}/{task_state.task_id}/",
        f"/admin/pages/workflow/action/{page.pk}/approve/{task_state.pk}/",
        f"/admin/pages/workflow/collect_action_data/{page.pk}/approve/{task_state.pk}/",
        f"/admin/pages/{page.pk}/workflow_history/",
        "/admin/reports/workflow/",
        "/admin/reports/workflow_tasks/",
        "/admin/workflows/list/",
        "/admin/workflows/tasks/index/",
    ]
    for role in ("county_editor", "county_admin"):
        client = admin_client_for(family[role])
        shown_on = {}
        for url in urls:
            response = client.get(url)
            # Messages a refusal leaves for the next page count too.
            html = text_of(response) + client.get("/admin/").content.decode()
            found = [n for n in [*names, page.title, sibling.name] if n in html]
            if found and not is_denied(response, url):
                shown_on[url] = found
            elif found:
                shown_on[url + " (message)"] = found
        assert shown_on == {}, role


def test_task_chooser_still_serves_platform_admins(family, platform_admin):
    html = text_of(
        admin_client_for(platform_admin).get("/admin/workflows/task_chooser/")
    )
    assert family["sibling"].name in html


def test_report_user_filters_list_no_other_sites_staff(family):
    sibling_page = _in_moderation(family["sibling"], family["sibling_staff"])
    city_page = _in_moderation(family["city"], family["city_staff"])
    own_page = _in_moderation(family["county"], family["county_editor"])
    assert sibling_page.locked and city_page.locked and own_page.locked
    for role in ("county_editor", "county_admin"):
        client = admin_client_for(family[role])
        for url in [
            "/admin/reports/locked/",
            "/admin/reports/locked/results/",
            "/admin/reports/site-history/",
            "/admin/reports/site-history/results/",
            "/admin/reports/workflow/",
            "/admin/reports/workflow_tasks/",
            "/admin/reports/aging-pages/",
            f"/admin/pages/{own_page.pk}/history/",
            "/admin/pages/search/?q=x",
            f"/admin/pages/{family['county'].wagtail_site.root_page_id}/",
        ]:
            response = client.get(url)
            if is_denied(response, url):
                continue
            assert leaks(family, response) == [], (role, url)
    # The same filters do offer the county's own staff (the check can fail).
    html = admin_client_for(family["county_admin"]).get("/admin/reports/locked/")
    assert family["county_editor"].username in html.content.decode()


# -- 4. uploads go to the user's own site's collection -----------------------------


def test_chooser_upload_opens_at_the_users_own_collection(family):
    county = family["county"]
    # A county admin who also edits for the province: every collection of the
    # province is on offer; the upload still defaults to the county's own.
    admin = family["county_admin"]
    site_groups(site=family["province"])[SiteRole.EDITOR].user_set.add(admin)
    client = admin_client_for(admin)
    for url, prefix in (
        ("/admin/documents/chooser/", "document-chooser-upload"),
        ("/admin/images/chooser/", "image-chooser-upload"),
    ):
        html = json.loads(client.get(url).content)["html"]
        start = html.index(f'name="{prefix}-collection"')
        select = html[start : html.index("</select>", start)]
        selected = select[select.index("selected") - 60 : select.index("selected")]
        assert f'value="{county.collection_id}"' in selected, select


def _chooser_html(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return text_of(response)


@pytest.mark.parametrize("kind", ["document", "image"])
def test_choosers_open_at_the_users_own_collection(family, kind):
    county, province = family["county"], family["province"]
    # A county admin who also edits for the province may choose from the whole
    # province; the chooser still opens at the county's own files.
    admin = family["county_admin"]
    site_groups(site=province)[SiteRole.EDITOR].user_set.add(admin)
    client = admin_client_for(admin)
    prefix = (
        "/admin/documents/chooser" if kind == "document" else "/admin/images/chooser"
    )
    mine = family["mine"][kind].title
    theirs = family["theirs"][kind].title
    city = family["city_content"][kind].title

    for url in (f"{prefix}/", f"{prefix}/results/", f"{prefix}/results/?q="):
        html = _chooser_html(client, url)
        assert mine in html, url
        assert theirs not in html and city not in html, url
    html = json.loads(client.get(f"{prefix}/").content)["html"]
    start = html.index('name="collection_id"')
    select = html[start : html.index("</select>", start)]
    assert f'value="{county.collection_id}" selected' in select, select

    # "All collections", or another one, is the user's choice.
    html = _chooser_html(client, f"{prefix}/results/?collection_id=")
    assert mine in html and theirs in html and city in html
    sibling = family["sibling"].collection_id
    html = _chooser_html(client, f"{prefix}/results/?collection_id={sibling}")
    assert theirs in html and mine not in html


@pytest.mark.parametrize("kind", ["document", "image"])
def test_a_county_admins_chooser_lists_only_the_countys_files(family, kind):
    client = admin_client_for(family["county_admin"])
    prefix = (
        "/admin/documents/chooser" if kind == "document" else "/admin/images/chooser"
    )
    for url in (
        f"{prefix}/",
        f"{prefix}/results/",
        f"{prefix}/results/?collection_id=",
        f"{prefix}/results/?collection_id={family['sibling'].collection_id}",
        f"{prefix}/results/?collection_id={family['province'].collection_id}",
    ):
        response = client.get(url)
        if is_denied(response, url):
            continue
        html = text_of(response)
        assert family["mine"][kind].title in html or "collection_id=" in url, url
        assert leaks(family, response) == [], url


# -- 5. members are removed after a confirmation; themes are chosen ----------------


def test_removing_a_member_asks_first_and_a_get_never_removes(family):
    county = family["county"]
    editor = family["county_editor"]
    client = admin_client_for(family["county_admin"])
    url = f"/admin/govsites/{county.pk}/members/{editor.pk}/editor/remove/"
    members = client.get(f"/admin/govsites/{county.pk}/members/").content.decode()
    assert url in members
    confirm = client.get(url)
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert editor.username in html and 'method="post"' in html
    group = site_groups(site=county)[SiteRole.EDITOR]
    assert group.user_set.filter(pk=editor.pk).exists()
    assert client.post(url).status_code == 302
    assert not group.user_set.filter(pk=editor.pk).exists()


def test_member_removal_page_names_only_members_of_the_site(family):
    county = family["county"]
    client = admin_client_for(family["county_admin"])
    stranger = family["sibling_staff"]
    url = f"/admin/govsites/{county.pk}/members/{stranger.pk}/editor/remove/"
    assert_denied(client.get(url))
    assert_denied(client.post(url))
    assert (
        site_groups(site=family["sibling"])[SiteRole.EDITOR]
        .user_set.filter(pk=stranger.pk)
        .exists()
    )


def test_new_site_theme_is_a_choice_of_the_registered_themes(platform_admin, site):
    client = admin_client_for(platform_admin)
    html = client.get("/admin/govsites/new/").content.decode()
    assert '<select name="theme"' in html
    assert 'value="county"' in html and 'value="department"' in html
    response = client.post(
        "/admin/govsites/new/",
        {
            "name": "测试县",
            "code": f"{site.division_code[:2]}01010001",
            "level": "province",
            "division_code": site.division_code,
            "host": "made-up-theme.test.localhost",
            "theme": "no-such-theme",
        },
    )
    assert response.status_code == 200
    assert "theme" in response.context["form"].errors
    edit = client.get(f"/admin/govsites/edit/{site.pk}/").content.decode()
    assert '<select name="theme"' in edit
