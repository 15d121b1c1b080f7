"""A site goes online only with its ICP filing number (ICP备案号) and its
public-security filing number (公安机关备案号): the service, the admin's status
form and ``set_site_status`` all refuse, in Chinese; an online site keeps them;
the dashboard warns the admins of an online site that lacks one."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from sites import services
from sites.models import GovSite, SiteRole, SiteStatus
from sites.services import site_groups
from tests.conftest import admin_client_for
from tests.factories import SiteFactory, UserFactory

pytestmark = pytest.mark.django_db

REFUSED = "缺少备案号，不能上线"


def status_of(site) -> str:
    return GovSite.objects.values_list("status", flat=True).get(pk=site.pk)


@pytest.fixture
def new_site(db):
    """Provisioned as every site is: in preparation, without filing numbers."""
    return SiteFactory(icp_number="", public_security_number="", status="preparation")


@pytest.fixture
def legacy_site(db):
    """Online since before the rule, without filing numbers."""
    site = SiteFactory(icp_number="", public_security_number="", status="preparation")
    GovSite.objects.filter(pk=site.pk).update(status=SiteStatus.ACTIVE)
    site.status = SiteStatus.ACTIVE
    return site


def test_a_new_site_starts_in_preparation_and_may_lack_the_numbers(new_site):
    assert status_of(new_site) == "preparation"
    assert new_site.get_status_display() == "建设中"
    assert new_site.missing_filing_numbers == ["ICP备案号", "公安机关备案号"]


@pytest.mark.parametrize("status", ["active", "archived"])
def test_going_online_without_the_numbers_is_refused_in_chinese(new_site, status):
    with pytest.raises(ValidationError) as error:
        services.site_status_change(site=new_site, status=status)
    (message,) = error.value.message_dict["status"]
    assert REFUSED in message and "ICP备案号和公安机关备案号" in message
    assert status_of(new_site) == "preparation"


def test_one_number_is_not_enough(new_site):
    services.site_update(site=new_site, icp_number="辽ICP备05000001号-1")
    with pytest.raises(ValidationError) as error:
        services.site_reopen(site=new_site)
    (message,) = error.value.message_dict["status"]
    assert "公安机关备案号" in message and "ICP备案号和" not in message


def test_with_both_numbers_the_site_goes_online(new_site):
    services.site_update(
        site=new_site,
        icp_number="辽ICP备05000001号-1",
        public_security_number="辽公网安备 21010202000001号",
    )
    services.site_status_change(site=new_site, status="active")
    assert status_of(new_site) == "active"


def test_closing_a_site_in_preparation_is_no_way_around_the_rule(new_site):
    services.site_close(site=new_site)
    with pytest.raises(ValidationError):
        services.site_reopen(site=new_site)
    assert status_of(new_site) == "closed"


def test_a_site_online_before_the_rule_keeps_running_without_the_numbers(
    legacy_site,
):
    services.site_archive(site=legacy_site)
    services.site_status_change(site=legacy_site, status="active")
    assert status_of(legacy_site) == "active"
    services.site_update(site=legacy_site, name="新名称")  # still editable
    # Closed, it comes back online only with its numbers.
    services.site_close(site=legacy_site)
    with pytest.raises(ValidationError):
        services.site_reopen(site=legacy_site)


def test_nothing_goes_back_to_preparation(site):
    with pytest.raises(ValidationError) as error:
        services.site_status_change(site=site, status="preparation")
    assert "不能再改回建设中" in error.value.message_dict["status"][0]


def test_an_online_site_keeps_its_numbers_but_may_correct_them(site, new_site):
    with pytest.raises(ValidationError) as error:
        services.site_update(site=site, icp_number="")
    assert "只能修改，不能删除" in error.value.message_dict["icp_number"][0]
    services.site_update(site=site, icp_number="辽ICP备05000002号-1")
    assert GovSite.objects.get(pk=site.pk).icp_number == "辽ICP备05000002号-1"
    services.site_update(site=new_site, icp_number="")  # not online yet: fine


def test_the_status_form_refuses_and_says_why(platform_admin, new_site):
    client = admin_client_for(platform_admin)
    response = client.post(
        f"/admin/govsites/{new_site.pk}/status/", {"status": "active"}
    )
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert status_of(new_site) == "preparation"


def test_the_edit_form_refuses_to_clear_an_online_sites_number(platform_admin, site):
    client = admin_client_for(platform_admin)
    url = f"/admin/govsites/edit/{site.pk}/"
    data = {name: getattr(site, name) for name in services.EDITABLE_FIELDS}
    response = client.post(url, {**data, "public_security_number": ""})
    assert response.status_code == 200
    assert "只能修改，不能删除" in response.content.decode()
    assert GovSite.objects.get(pk=site.pk).public_security_number


def test_the_command_refuses_and_then_launches(new_site):
    with pytest.raises(CommandError, match=REFUSED):
        call_command("set_site_status", new_site.code, "active", stdout=StringIO())
    GovSite.objects.filter(pk=new_site.pk).update(
        icp_number="辽ICP备05000001号-1",
        public_security_number="辽公网安备 21010202000001号",
    )
    out = StringIO()
    call_command("set_site_status", new_site.code, "active", stdout=out)
    assert out.getvalue().strip() == f"{new_site.code} {new_site.name}: 运行中"
    with pytest.raises(CommandError, match="no site"):
        call_command("set_site_status", "9999999999", "active", stdout=StringIO())


def _admin_of(site):
    user = UserFactory()
    site_groups(site=site)[SiteRole.ADMIN].user_set.add(user)
    return user


def test_the_dashboard_warns_the_admins_of_an_online_site_missing_a_number(
    legacy_site, new_site, site
):
    panel = 'id="govsites-missing-filing-numbers-content"'
    html = admin_client_for(_admin_of(legacy_site)).get("/admin/").content.decode()
    assert panel in html and legacy_site.name in html
    assert "缺少 ICP备案号、公安机关备案号" in html
    assert "请联系平台管理员填写" in html
    # Not the admins of a site in preparation, or of a site with its numbers.
    for other in (new_site, site):
        html = admin_client_for(_admin_of(other)).get("/admin/").content.decode()
        assert panel not in html, other.name
    # Not an editor of the site.
    editor = UserFactory()
    site_groups(site=legacy_site)[SiteRole.EDITOR].user_set.add(editor)
    html = admin_client_for(editor).get("/admin/").content.decode()
    assert panel not in html


def test_the_dashboard_names_no_other_sites(legacy_site, other_site):
    """An admin of another site is not told about this one."""
    GovSite.objects.filter(pk=other_site.pk).update(icp_number="")
    html = admin_client_for(_admin_of(other_site)).get("/admin/").content.decode()
    panel = html[html.index('id="govsites-missing-filing-numbers-content"') :]
    assert other_site.name in panel
    assert legacy_site.name not in html


def test_the_platform_admins_dashboard_links_to_the_sites_details(
    platform_admin, legacy_site
):
    html = admin_client_for(platform_admin).get("/admin/").content.decode()
    assert f'href="/admin/govsites/edit/{legacy_site.pk}/"' in html
    assert "请在各网站的信息中填写" in html
