import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from wagtail.models import Collection, GroupPagePermission, Page, Site

from cms.models import ColumnPage, HomePage
from sites import services
from sites.column_templates import column_template
from sites.models import GovSite, SiteHost, SiteRole
from sites.services import SiteDetails, site_groups, site_provision
from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db


def _count_columns(specs):
    return sum(1 + _count_columns(spec.children) for spec in specs)


def _snapshot():
    return (
        GovSite.objects.count(),
        Site.objects.count(),
        Page.objects.count(),
        Collection.objects.count(),
        Group.objects.count(),
        SiteHost.objects.count(),
    )


def test_provision_creates_every_part_of_a_site():
    province = SiteFactory(
        code="2100000001", division_code="210000", name="辽宁省人民政府"
    )
    city = SiteFactory(
        level="city",
        parent_code=province.code,
        code="2101000001",
        division_code="210100",
        name="沈阳市人民政府",
        host="shenyang.test.localhost",
        aliases=("www.shenyang.test.localhost",),
    )
    assert city.parent == province
    assert city.tree_path == "2100000001/2101000001/"
    assert city.theme == "portal"
    home = HomePage.objects.get(pk=city.wagtail_site.root_page_id)
    assert home.get_parent().specific == city.folder_page
    assert city.folder_page.get_parent().specific == province.folder_page
    columns = ColumnPage.objects.descendant_of(home)
    assert columns.count() == _count_columns(column_template("city"))
    assert columns.filter(code="zcwj", kind="policy").exists()
    assert city.collection.get_parent() == province.collection
    assert city.wagtail_site.hostname == "shenyang.test.localhost"
    assert sorted(
        SiteHost.objects.filter(govsite=city).values_list("hostname", "is_primary")
    ) == [
        ("shenyang.test.localhost", True),
        ("www.shenyang.test.localhost", False),
    ]
    groups = site_groups(site=city)
    assert set(groups) == set(SiteRole.values)
    # Site admins hold their page permissions at the folder (covering sites below),
    # editors and reviewers at the home page.
    admin_pages = set(
        GroupPagePermission.objects.filter(group=groups["admin"]).values_list(
            "page", flat=True
        )
    )
    editor_pages = set(
        GroupPagePermission.objects.filter(group=groups["editor"]).values_list(
            "page", flat=True
        )
    )
    assert admin_pages == {city.folder_page.pk}
    assert editor_pages == {home.pk}


def test_a_failure_half_way_leaves_nothing_behind(monkeypatch):
    SiteFactory()  # something that must stay
    before = _snapshot()

    def fail(site, home):
        raise RuntimeError("the groups could not be created")

    monkeypatch.setattr(services, "_grant", fail)
    with pytest.raises(RuntimeError):
        SiteFactory()
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": "21000"}, "code"),
        ({"code": "abc0000001"}, "code"),
        ({"division_code": "21"}, "division_code"),
        ({"host": "http://x.localhost"}, "host"),
        ({"host": "UPPER_case.localhost"}, "host"),
        ({"host": "localhost"}, "host"),
        ({"level": "city"}, "parent_code"),
        ({"parent_code": "9999999999"}, "parent_code"),
        ({"division_code": "210100", "code": "2101000009"}, "division_code"),
        ({"code": "2200000001"}, "code"),
    ],
)
def test_bad_details_are_refused_by_field_and_change_nothing(changes, field):
    details = {
        "code": "2100000001",
        "name": "辽宁省人民政府",
        "level": "province",
        "host": "ln.test.localhost",
        "division_code": "210000",
    }
    details.update(changes)
    before = _snapshot()
    with pytest.raises(ValidationError) as error:
        site_provision(details=SiteDetails(**details))
    assert field in error.value.message_dict
    assert _snapshot() == before


def test_duplicate_code_and_host_are_refused(site):
    with pytest.raises(ValidationError) as error:
        SiteFactory(code=site.code, host=site.host, division_code=site.division_code)
    assert {"code", "host"} <= set(error.value.message_dict)


def test_alias_taken_by_another_site_is_refused(site):
    SiteHost.objects.create(govsite=site, hostname="old.test.localhost")
    with pytest.raises(ValidationError) as error:
        SiteFactory(aliases=("old.test.localhost",))
    assert "aliases" in error.value.message_dict


def test_wrong_parent_levels_are_refused(site):
    city = SiteFactory.child(site, "city")
    county = SiteFactory.child(city, "county")
    department = SiteFactory.child(county, "department")
    assert department.parent == county
    for parent, level in [
        (site, "county"),
        (county, "city"),
        (department, "county"),
        (department, "department"),
        (city, "province"),
    ]:
        with pytest.raises(ValidationError) as error:
            SiteFactory.child(parent, level)
        assert "parent_code" in error.value.message_dict or "division_code" in (
            error.value.message_dict
        )


def test_central_department_with_bm_code_needs_no_parent():
    site = SiteFactory(level="department", code="bm10000001", division_code="100000")
    assert site.parent is None


def test_close_reopen_and_archive_keep_content(site):
    pages = Page.objects.descendant_of(site.folder_page).count()
    services.site_close(site=site)
    assert GovSite.objects.get(pk=site.pk).status == "closed"
    services.site_archive(site=site)
    services.site_reopen(site=site)
    assert GovSite.objects.get(pk=site.pk).status == "active"
    assert Page.objects.descendant_of(site.folder_page).count() == pages


def test_member_services_refuse_an_actor_who_does_not_administer_the_site(
    site, other_site, editor, site_admin
):
    from django.core.exceptions import PermissionDenied

    for actor, target in [(editor, site), (site_admin, other_site)]:
        with pytest.raises(PermissionDenied):
            services.site_member_add(
                site=target, actor=actor, username=editor.username, role="admin"
            )
        with pytest.raises(PermissionDenied):
            services.site_member_remove(
                site=target, actor=actor, user=editor, role="editor"
            )
    assert not site_groups(site=site)["admin"].user_set.filter(pk=editor.pk).exists()
