import pytest
from django.contrib.auth.models import AnonymousUser

from sites.selectors import can_administer_site, sites_for_user
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
