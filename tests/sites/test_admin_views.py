"""The registry's admin views: provisioning form, status, members."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from sites import routing
from sites.models import GovSite
from sites.services import site_groups
from tests.conftest import admin_client_for

pytestmark = pytest.mark.django_db

GOOD = {
    "name": "辽宁省人民政府",
    "code": "2100000001",
    "level": "province",
    "division_code": "210000",
    "host": "ln.test.localhost",
    "aliases": "www.ln.test.localhost\nln2.test.localhost",
}


def test_provision_form_creates_the_site(platform_admin):
    response = admin_client_for(platform_admin).post("/admin/govsites/new/", GOOD)
    assert response.status_code == 302
    site = GovSite.objects.get(code="2100000001")
    assert sorted(h.hostname for h in site.hosts.all()) == [
        "ln.test.localhost", "ln2.test.localhost", "www.ln.test.localhost",
    ]  # fmt: skip


def test_provision_form_explains_every_bad_field_in_chinese(platform_admin):
    bad = {**GOOD, "code": "12", "division_code": "2100", "host": "http://x"}
    response = admin_client_for(platform_admin).post("/admin/govsites/new/", bad)
    assert response.status_code == 200
    html = response.content.decode()
    assert "网站标识码 12 格式错误" in html
    assert "行政区划代码 2100 格式错误" in html
    assert "域名 http://x 格式错误" in html
    assert 'value="辽宁省人民政府"' in html  # what was typed is kept
    assert not GovSite.objects.exists()


def test_provision_form_refuses_a_wrong_parent_level(platform_admin, site):
    data = {**GOOD, "level": "county", "parent": site.pk, "code": "2101120001",
            "division_code": "210112", "host": "c.test.localhost"}  # fmt: skip
    response = admin_client_for(platform_admin).post("/admin/govsites/new/", data)
    assert response.status_code == 200
    assert "站点不能设在" in response.content.decode()
    assert not GovSite.objects.filter(code="2101120001").exists()


def test_status_view_closes_and_reopens_a_site(platform_admin, site):
    client = admin_client_for(platform_admin)
    public = Client(HTTP_HOST=site.host)
    assert (
        client.post(
            f"/admin/govsites/{site.pk}/status/", {"status": "closed"}
        ).status_code
        == 302
    )
    routing.invalidate()
    assert public.get("/").status_code == 410
    assert "本网站已关闭" in public.get("/").content.decode()
    client.post(f"/admin/govsites/{site.pk}/status/", {"status": "active"})
    routing.invalidate()
    assert public.get("/").status_code == 200


def test_site_admin_adds_a_new_colleague_as_editor(site_admin, site):
    client = admin_client_for(site_admin)
    response = client.post(
        f"/admin/govsites/{site.pk}/members/",
        {"username": "new-editor", "role": "editor", "password": "Zx9!long-enough"},
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="new-editor")
    assert site_groups(site=site)["editor"].user_set.filter(pk=user.pk).exists()
    assert user.check_password("Zx9!long-enough")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"username": "nobody", "role": "editor"}, "用户 nobody 不存在"),
        ({"username": "weak", "role": "editor", "password": "123"}, "密码"),
    ],
)
def test_member_form_explains_bad_input(site_admin, site, data, message):
    response = admin_client_for(site_admin).post(
        f"/admin/govsites/{site.pk}/members/", data
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not get_user_model().objects.filter(username=data["username"]).exists()


def test_site_admin_removes_a_member(site_admin, editor, site):
    client = admin_client_for(site_admin)
    response = client.post(
        f"/admin/govsites/{site.pk}/members/{editor.pk}/editor/remove/"
    )
    assert response.status_code == 302
    assert not site_groups(site=site)["editor"].user_set.filter(pk=editor.pk).exists()


def test_admin_on_the_platform_host_is_not_limited_to_one_site(
    platform_admin, site, other_site
):
    """The admin is multi-site on the platform's host: the host sets no tenant."""
    client = admin_client_for(platform_admin, host="localhost")
    html = client.get("/admin/govsites/").content.decode()
    assert site.name in html and other_site.name in html
    members = client.get(f"/admin/govsites/{other_site.pk}/members/")
    assert members.status_code == 200


def test_renaming_a_site_renames_its_wagtail_site_folder_and_collection(
    platform_admin, site
):
    from sites.services import EDITABLE_FIELDS

    data = {name: getattr(site, name) for name in EDITABLE_FIELDS}
    data["name"] = "沈阳市人民政府（新）"
    response = admin_client_for(platform_admin).post(
        f"/admin/govsites/edit/{site.pk}/", data
    )
    assert response.status_code == 302
    site = GovSite.objects.get(pk=site.pk)
    assert site.name == "沈阳市人民政府（新）"
    assert site.wagtail_site.site_name == site.name
    assert site.folder_page.title == site.name
    assert site.collection.name == f"{site.name} ({site.code})"


def test_site_details_are_validated_on_edit(platform_admin, site):
    from sites.services import EDITABLE_FIELDS

    data = {name: getattr(site, name) for name in EDITABLE_FIELDS}
    data["contact_email"] = "不是邮箱"
    response = admin_client_for(platform_admin).post(
        f"/admin/govsites/edit/{site.pk}/", data
    )
    assert response.status_code == 200
    assert GovSite.objects.get(pk=site.pk).contact_email == site.contact_email
