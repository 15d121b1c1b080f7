"""The shared sites of tests/conftest.py: provisioned once per test process and
restored into each test (tests/factories/shared.py). A restored site is the site
provisioning makes, and a test sees only the sites it asks for."""

import pytest
from django.db import transaction
from wagtail.models import Collection, GroupCollectionPermission, Page

from sites.models import GovSite, SiteHost
from sites.services import site_groups
from sites.tenancy import all_sites
from tests.factories import ArticleFactory, SiteFactory, column

pytestmark = pytest.mark.django_db


def _shape(site):
    """What provisioning made for ``site``, without its ids, code and name."""
    with all_sites():
        return _shape_of(GovSite.objects.get(pk=site.pk))


def _shape_of(site):
    home = Page.objects.get(pk=site.wagtail_site.root_page_id)
    pages = sorted(
        (p.url_path[len(home.url_path) :], p.content_type_id, p.live)
        for p in Page.objects.descendant_of(home, inclusive=True)
    )
    groups = {}
    for role, group in site_groups(site=site).items():
        groups[role] = (
            sorted(group.permissions.values_list("codename", flat=True)),
            sorted(
                (p.permission.codename, p.page.url_path[len(home.url_path) :])
                for p in group.page_permissions.select_related("permission", "page")
            ),
            sorted(
                GroupCollectionPermission.objects.filter(
                    group=group, collection=site.collection
                ).values_list("permission__codename", flat=True)
            ),
        )
    workflow = home.get_workflow()
    return {
        "level": site.level,
        "status": site.status,
        "pages": pages,
        "groups": groups,
        "workflow": [
            task.name.replace(site.name, "")
            for task in workflow.tasks.order_by("workflow_tasks__sort_order")
        ],
        "hosts": SiteHost.objects.filter(govsite=site).count(),
    }


def test_a_shared_site_is_the_site_provisioning_makes(site):
    assert _shape(site) == _shape(SiteFactory())


def test_a_shared_child_is_the_child_provisioning_makes(city, county):
    own = SiteFactory.child(city, "county")
    assert own.parent_id == county.parent_id == city.pk
    assert _shape(county) == _shape(own)


def test_a_test_sees_only_the_shared_sites_it_asks_for(site, county):
    with all_sites():
        sites = set(GovSite.objects.values_list("name", flat=True))
    assert sites == {"测试站点一", "测试省人民政府", "测试市人民政府", "测试县人民政府"}


def test_the_trees_are_whole_whichever_shared_sites_a_test_asks_for(
    department, other_site
):
    # Each shared site carries its parents' child counts as they were when it was
    # provisioned; restoring it recounts them.
    assert Page.find_problems() == ([], [], [], [], [])
    assert Collection.find_problems() == ([], [], [], [], [])
    SiteFactory()
    SiteFactory.child(department.parent, "county")
    assert Page.find_problems() == ([], [], [], [], [])
    assert Collection.find_problems() == ([], [], [], [], [])


def test_a_restored_site_comes_back_as_provisioned(shared_sites):
    before = transaction.savepoint()
    site = shared_sites.get("site")
    site.name = "改过名的站点"
    site.save()
    ArticleFactory(parent=column(site, "zwyw"), title="会回滚的文章")
    transaction.savepoint_rollback(before)

    again = shared_sites.get("site")
    assert again.pk == site.pk
    assert again.name == "测试站点一"
    assert not Page.objects.filter(title="会回滚的文章").exists()


def test_a_site_of_the_tests_own_does_not_stop_a_shared_one(shared_sites):
    own = SiteFactory(name="测试站点")
    shared = shared_sites.get("site")
    other = shared_sites.get("other_site")
    assert len({own.pk, shared.pk, other.pk}) == 3
    assert _shape(shared) == _shape(own)
    assert Page.find_problems() == ([], [], [], [], [])
    assert Collection.find_problems() == ([], [], [], [], [])
