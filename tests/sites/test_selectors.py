import pytest
from django.contrib.auth.models import AnonymousUser

from sites.selectors import (
    can_administer_site,
    sites_administered_by,
    sites_for_user,
)
from sites.services import site_groups
from tests.factories import SiteFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(province, city, county, department):
    sibling = SiteFactory.child(province, "city")
    return {"province": province, "city": city, "county": county,
            "department": department, "sibling": sibling}  # fmt: skip


def _member(site, role):
    user = UserFactory()
    site_groups(site=site)[role].user_set.add(user)
    return user


def test_city_admin_manages_the_city_and_every_site_below(tree):
    user = _member(tree["city"], "admin")
    assert set(sites_for_user(user)) == {
        tree["city"],
        tree["county"],
        tree["department"],
    }
    assert can_administer_site(user, tree["county"])
    assert not can_administer_site(user, tree["sibling"])
    assert not can_administer_site(user, tree["province"])


def test_editor_and_reviewer_see_their_own_site_only(tree):
    for role in ("editor", "reviewer"):
        user = _member(tree["city"], role)
        assert set(sites_for_user(user)) == {tree["city"]}
        assert not can_administer_site(user, tree["city"])


def test_platform_admin_sees_every_site_and_nobody_else_does(tree, platform_admin):
    assert set(sites_for_user(platform_admin)) == set(tree.values())
    assert set(sites_for_user(UserFactory())) == set()
    assert set(sites_for_user(AnonymousUser())) == set()


def test_inactive_users_manage_nothing(tree):
    user = _member(tree["city"], "admin")
    user.is_active = False
    user.save()
    assert set(sites_for_user(user)) == set()


def test_one_definition_of_platform_admin_as_a_check_and_as_a_filter(site_admin):
    """sites.selectors.is_platform_admin and the user filter the permission
    policies use (sites.permissions) pick the same people."""
    from django.contrib.auth.models import Group, Permission

    from sites.permissions import active_users
    from sites.selectors import is_platform_admin, platform_admin_condition

    permission = Permission.objects.get(
        content_type__app_label="govsites", codename="add_govsite"
    )
    superuser = UserFactory(is_superuser=True)
    direct = UserFactory()
    direct.user_permissions.add(permission)
    by_group = UserFactory()
    group = Group.objects.create(name="平台管理员")
    group.permissions.add(permission)
    by_group.groups.add(group)
    inactive = UserFactory(is_superuser=True, is_active=False)
    nobody = UserFactory()
    people = [superuser, direct, by_group, inactive, nobody, site_admin]
    checked = {user for user in people if is_platform_admin(user)}
    filtered = set(
        active_users(platform_admin_condition()).filter(
            pk__in=[user.pk for user in people]
        )
    )
    assert checked == filtered == {superuser, direct, by_group}


def test_sites_administered_by_agrees_with_can_administer_site(tree, platform_admin):
    city_admin = _member(tree["city"], "admin")
    city_editor = _member(tree["city"], "editor")
    for user in (city_admin, city_editor, platform_admin, AnonymousUser()):
        assert set(sites_administered_by(user)) == {
            site for site in tree.values() if can_administer_site(user, site)
        }
    assert set(sites_administered_by(city_admin)) == {
        tree["city"],
        tree["county"],
        tree["department"],
    }
    assert set(sites_administered_by(city_editor)) == set()
