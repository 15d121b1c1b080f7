"""The term lists in the admin: who may keep which list, and no way into another
site's list through any URL."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse

from cms.contentchecks.models import PlatformTerm, SiteTerm
from cms.contentchecks.permissions import SiteTermPermissionPolicy
from cms.contentchecks.selectors import administered_sites
from sites.models import SiteRole
from sites.services import site_groups
from sites.tenancy import for_sites
from tests.conftest import admin_client_for
from tests.contentchecks.conftest import platform_term, site_term
from tests.factories import SiteFactory, UserFactory
from tests.sites.test_isolation import assert_denied
from tests.sites.test_isolation_sweep import _patterns

pytestmark = pytest.mark.django_db

PLATFORM = "/admin/contentchecks/platform-terms/"
SITE = "/admin/contentchecks/site-terms/"


def _form(site=None, **fields):
    data = {
        "term": "测试词",
        "category": "sensitive",
        "action": "block",
        "suggestion": "",
        "note": "",
        "is_active": "on",
        **fields,
    }
    if site is not None:
        data["site"] = str(site.pk)
    return data


def _terms_of(site):
    return sorted(for_sites(SiteTerm, [site]).values_list("term", flat=True))


def _state(term):
    row = for_sites(SiteTerm, [term.site_id]).filter(pk=term.pk).first()
    return row and (row.term, row.action, row.is_active, row.site_id)


@pytest.fixture
def theirs(other_site):
    return site_term(other_site, "他站专用词", suggestion="他站建议")


@pytest.fixture
def mine(site):
    return site_term(site, "本站专用词")


# Platform list


def test_platform_admin_keeps_the_platform_list(platform_admin):
    client = admin_client_for(platform_admin)
    assert client.get(PLATFORM).status_code == 200
    response = client.post(
        PLATFORM + "new/", _form(term="国务院总里", suggestion="国务院总理")
    )
    assert response.status_code == 302
    term = PlatformTerm.objects.get(term="国务院总里")
    html = client.get(PLATFORM).content.decode()
    assert "国务院总里" in html
    response = client.post(
        f"{PLATFORM}edit/{term.pk}/", _form(term="国务院总里", action="warn")
    )
    assert response.status_code == 302
    term.refresh_from_db()
    assert term.action == "warn"
    assert client.post(f"{PLATFORM}delete/{term.pk}/").status_code == 302
    assert not PlatformTerm.objects.filter(pk=term.pk).exists()


@pytest.mark.parametrize("role", ["editor", "site_admin"])
def test_only_platform_admins_reach_the_platform_list(role, request):
    user = request.getfixturevalue(role)
    term = platform_term("平台词", note="平台备注")
    client = admin_client_for(user)
    for url in [
        PLATFORM,
        PLATFORM + "new/",
        PLATFORM + "import/",
        *_urls_with_id(PLATFORM, term.pk),
    ]:
        response = client.get(url)
        assert_denied(response, url)
        assert "平台备注" not in response.content.decode()
        assert_denied(client.post(url, _form(term="篡改词")), url)
    term.refresh_from_db()
    assert (term.term, PlatformTerm.objects.count()) == ("平台词", 1)


def test_platform_list_refuses_an_empty_or_duplicate_term(platform_admin):
    platform_term("已有词")
    client = admin_client_for(platform_admin)
    response = client.post(PLATFORM + "new/", _form(term="  "))
    assert response.status_code == 200
    assert "Enter the term to look for." in response.content.decode()
    response = client.post(PLATFORM + "new/", _form(term="已有词"))
    assert response.status_code == 200
    assert "The platform list already has this term." in response.content.decode()
    assert list(PlatformTerm.objects.values_list("term", flat=True)) == ["已有词"]


# Site lists: a site's admins


def test_site_admin_lists_their_sites_terms_only(site_admin, site, mine, theirs):
    html = admin_client_for(site_admin).get(SITE).content.decode()
    assert "本站专用词" in html
    assert "他站专用词" not in html
    assert theirs.site.name not in html  # nor in the site filter


def test_site_admin_searches_their_sites_terms_only(site_admin, mine, theirs):
    client = admin_client_for(site_admin)
    for query in ("他站专用词", "他站建议", "专用词"):
        html = client.get(SITE + "results/", {"q": query}).content.decode()
        assert "他站专用词" not in html.replace(f"q={query}", "")
    assert "本站专用词" in client.get(SITE, {"q": "专用词"}).content.decode()


def test_site_admin_adds_a_term_to_their_site(site_admin, site, other_site):
    client = admin_client_for(site_admin)
    html = client.get(SITE + "new/").content.decode()
    assert site.name in html
    assert other_site.name not in html
    response = client.post(SITE + "new/", _form(site, term="本站新词"))
    assert response.status_code == 302
    assert _terms_of(site) == ["本站新词"]


def test_site_admin_cannot_add_a_term_to_another_site(site_admin, site, other_site):
    client = admin_client_for(site_admin)
    response = client.post(SITE + "new/", _form(other_site, term="越权词"))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["site"]
    assert _terms_of(other_site) == []
    assert _terms_of(site) == []


def test_site_list_refuses_an_empty_or_duplicate_term(site_admin, site, mine):
    client = admin_client_for(site_admin)
    response = client.post(SITE + "new/", _form(site, term=""))
    assert "Enter the term to look for." in response.content.decode()
    response = client.post(SITE + "new/", _form(site, term="本站专用词"))
    assert response.status_code == 200
    assert "This site&#x27;s list already has this term." in response.content.decode()
    assert _terms_of(site) == ["本站专用词"]


def test_site_admin_edits_and_deletes_their_sites_term(site_admin, site, mine):
    client = admin_client_for(site_admin)
    assert client.get(f"{SITE}edit/{mine.pk}/").status_code == 200
    response = client.post(
        f"{SITE}edit/{mine.pk}/", _form(site, term="本站改词", action="warn")
    )
    assert response.status_code == 302
    assert _state(mine) == ("本站改词", "warn", True, site.pk)
    assert client.get(f"{SITE}history/{mine.pk}/").status_code == 200
    assert client.post(f"{SITE}delete/{mine.pk}/").status_code == 302
    assert _terms_of(site) == []


def test_a_saved_term_stays_in_its_site(site_admin, platform_admin, site, mine):
    """The site field is fixed once saved: posting another site moves nothing."""
    child = SiteFactory.child(site, "city")
    client = admin_client_for(site_admin)
    response = client.post(f"{SITE}edit/{mine.pk}/", _form(child, term="本站专用词"))
    assert response.status_code == 302
    assert _state(mine)[3] == site.pk


OBJECT_URLS = ["edit/{}/", "delete/{}/", "history/{}/", "history-results/{}/"]
OBJECT_URLS += ["usage/{}/"]


def _urls_with_id(prefix, pk):
    """Every admin URL under ``prefix`` that takes an object id, filled with ``pk``."""
    return sorted(
        "/" + pattern.replace("<int:pk>", str(pk))
        for pattern in _patterns(get_resolver())
        if ("/" + pattern).startswith(prefix) and "<int:pk>" in pattern
    )


def test_the_rows_below_cover_every_site_term_url_with_an_id():
    assert _urls_with_id(SITE, 7) == sorted(SITE + url.format(7) for url in OBJECT_URLS)


@pytest.mark.parametrize("role", ["site_admin", "editor", "reviewer"])
@pytest.mark.parametrize("url", OBJECT_URLS)
def test_no_member_of_one_site_reaches_another_sites_term(role, url, request, theirs):
    client = admin_client_for(request.getfixturevalue(role))
    before = _state(theirs)
    url = SITE + url.format(theirs.pk)
    response = client.get(url)
    assert_denied(response, url)
    assert "他站专用词" not in response.content.decode()
    response = client.post(url, _form(theirs.site, term="篡改词", action="warn"))
    assert_denied(response, url)
    assert _state(theirs) == before


@pytest.mark.parametrize("role", ["editor", "reviewer"])
def test_editors_and_reviewers_do_not_keep_the_site_list(role, request, site, mine):
    client = admin_client_for(request.getfixturevalue(role))
    for url in [SITE, SITE + "new/", f"{SITE}edit/{mine.pk}/", SITE + "import/"]:
        assert_denied(client.get(url), url)
    assert_denied(client.post(SITE + "new/", _form(site, term="编辑加词")))
    assert _terms_of(site) == ["本站专用词"]


def test_admin_of_a_parent_site_keeps_the_lists_below_it(site_admin, site):
    child = SiteFactory.child(site, "city")
    child_term = site_term(child, "下级站点词")
    client = admin_client_for(site_admin)
    assert "下级站点词" in client.get(SITE).content.decode()
    assert client.get(f"{SITE}edit/{child_term.pk}/").status_code == 200
    assert set(administered_sites(site_admin)) == {site, child}


def test_admin_of_a_child_site_does_not_keep_the_parents_list(site):
    child = SiteFactory.child(site, "city")
    child_admin = UserFactory()
    site_groups(site=child)[SiteRole.ADMIN].user_set.add(child_admin)
    parent_term = site_term(site, "上级站点词")
    client = admin_client_for(child_admin)
    assert "上级站点词" not in client.get(SITE).content.decode()
    assert_denied(client.get(f"{SITE}edit/{parent_term.pk}/"))
    assert list(administered_sites(child_admin)) == [child]


def test_an_editor_who_is_also_admin_elsewhere_keeps_only_that_list(
    editor, site, other_site, mine, theirs
):
    site_groups(site=other_site)[SiteRole.ADMIN].user_set.add(editor)
    html = admin_client_for(editor).get(SITE).content.decode()
    assert "他站专用词" in html
    assert "本站专用词" not in html


def test_platform_admin_sees_every_sites_terms(platform_admin, mine, theirs):
    client = admin_client_for(platform_admin)
    html = client.get(SITE).content.decode()
    assert "本站专用词" in html and "他站专用词" in html
    assert client.get(f"{SITE}edit/{theirs.pk}/").status_code == 200


def test_the_permission_policy_names_who_may_change_a_term(
    site_admin, editor, other_editor, platform_admin, mine
):
    policy = SiteTermPermissionPolicy(SiteTerm)
    users = set(policy.users_with_any_permission_for_instance(["change"], mine))
    assert {site_admin, platform_admin} <= users
    assert not {editor, other_editor} & users
    assert policy.user_has_permission_for_instance(site_admin, "change", mine)
    assert not policy.user_has_permission_for_instance(other_editor, "change", mine)


def test_settings_menu_offers_each_user_their_lists(site_admin, editor, platform_admin):
    def menu(user):
        return admin_client_for(user).get("/admin/").content.decode()

    assert SITE in menu(site_admin) and PLATFORM not in menu(site_admin)
    assert SITE not in menu(editor) and PLATFORM not in menu(editor)
    assert SITE in menu(platform_admin) and PLATFORM in menu(platform_admin)


def test_site_history_report_shows_no_other_sites_terms(
    site_admin, platform_admin, other_site
):
    admin_client_for(platform_admin).post(
        SITE + "new/", _form(other_site, term="他站日志词")
    )
    assert _terms_of(other_site) == ["他站日志词"]
    html = admin_client_for(site_admin).get("/admin/reports/site-history/")
    assert "他站日志词" not in html.content.decode()


# Import


def test_site_admin_imports_many_terms(site_admin, site, mine):
    client = admin_client_for(site_admin)
    text = "词条,正确写法\n本站专用词\n导入一，正确一\n\n导入二\t正确二\n导入一\n"
    response = client.post(
        SITE + "import/",
        {
            "site": site.pk,
            "text": text,
            "file": SimpleUploadedFile(
                "terms.csv", "导入三,正确三\n".encode("utf-8-sig"), "text/csv"
            ),
            "category": "name",
            "action": "warn",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert _terms_of(site) == sorted(["本站专用词", "导入一", "导入二", "导入三"])
    imported = for_sites(SiteTerm, [site]).get(term="导入二")
    assert (imported.suggestion, imported.action) == ("正确二", "warn")


def test_import_refuses_bad_lines_and_saves_nothing(site_admin, site):
    client = admin_client_for(site_admin)
    response = client.post(
        SITE + "import/",
        {
            "site": site.pk,
            "text": "好词\n" + "长" * 101 + "\n同词,同词\n",
            "category": "sensitive",
            "action": "block",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Line 2: longer than 100 characters." in html
    assert "Line 3: the correct form is the same as the term." in html
    assert _terms_of(site) == []


def test_site_admin_cannot_import_into_another_site(site_admin, other_site):
    response = admin_client_for(site_admin).post(
        SITE + "import/",
        {
            "site": other_site.pk,
            "text": "越权导入词",
            "category": "sensitive",
            "action": "block",
        },
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["site"]
    assert other_site.name not in response.content.decode()
    assert _terms_of(other_site) == []


def test_platform_admin_imports_platform_terms(platform_admin):
    response = admin_client_for(platform_admin).post(
        reverse("contentchecks_platformterm_import"),
        {"text": "平台导入一\n平台导入二,正确", "category": "other", "action": "warn"},
    )
    assert response.status_code == 302
    assert sorted(PlatformTerm.objects.values_list("term", flat=True)) == [
        "平台导入一",
        "平台导入二",
    ]
