"""The supervision menu asks the database once a request whether its user manages
a site (each of its six items used to ask, twice: once when the submenu decides
whether to show, once when it renders)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from sites.selectors import manages_any_site
from supervision.wagtail_hooks import register_supervision_menu

pytestmark = pytest.mark.django_db


def _request_of(user):
    request = RequestFactory().get("/admin/")
    # A fresh user object, as each request gets: nothing cached on it yet.
    request.user = get_user_model().objects.get(pk=user.pk)
    return request


@pytest.mark.parametrize("who", ["editor", "platform_admin"])
def test_the_supervision_menu_asks_once_whether_its_user_manages_a_site(
    request, site, who, settings, django_assert_max_num_queries
):
    settings.SITES_HOST_MAP_TTL = 3600
    menu = register_supervision_menu()
    web_request = _request_of(request.getfixturevalue(who))
    # The user's permissions (own and their groups'), the editor's sites (their
    # site links, then the sites' ids) and one question; it was 16 for the editor.
    with django_assert_max_num_queries(5):
        assert menu.is_shown(web_request)
        assert len(menu.render_component(web_request).menu_items) == 6


def test_a_user_who_manages_no_site_sees_no_supervision_menu(django_user_model):
    user = django_user_model.objects.create_user("outsider", is_staff=True)
    web_request = _request_of(user)
    assert not manages_any_site(web_request.user)
    assert not register_supervision_menu().is_shown(web_request)


def test_every_packages_menu_reads_the_same_answer(
    editor, settings, django_assert_num_queries
):
    """Interaction's and search's admin items read the answer the supervision
    menu already asked for (each asked its own question before)."""
    from interaction.admin.permissions import is_site_staff
    from search.wagtail_hooks import StatisticsMenuItem

    settings.SITES_HOST_MAP_TTL = 3600
    web_request = _request_of(editor)
    assert manages_any_site(web_request.user)
    item = StatisticsMenuItem("统计", "/admin/search/statistics/")
    with django_assert_num_queries(0):
        assert is_site_staff(web_request.user)
        assert item.is_shown(web_request)
