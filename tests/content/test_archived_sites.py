"""An archived site is read-only: no page action changes anything, whoever asks."""

import pytest
from wagtail.models import Page, WorkflowState

from cms.models import ArticlePage
from cms.readonly import SitePagePermissionTester
from sites.models import SiteStatus
from sites.services import site_groups
from tests.conftest import admin_client_for
from tests.factories import ArticleFactory, UserFactory, column

pytestmark = pytest.mark.django_db


def _archive(site):
    site.status = SiteStatus.ARCHIVED
    site.save()


@pytest.fixture
def article(site):
    return ArticleFactory(parent=column(site, "zwyw"), publish=True)


def test_every_page_action_is_refused_in_an_archived_site(
    site, site_admin, platform_admin, article
):
    _archive(site)
    news = column(site, "zwyw")
    for user in (site_admin, platform_admin):
        perms = article.permissions_for_user(user)
        assert isinstance(perms, SitePagePermissionTester)
        assert not any(
            [
                perms.can_edit(),
                perms.can_delete(),
                perms.can_unpublish(),
                perms.can_publish(),
                perms.can_submit_for_moderation(),
                perms.can_move(),
                perms.can_lock(),
                perms.can_move_to(column(site, "tzgg")),
                perms.can_copy_to(news),
            ]
        )
        assert not news.permissions_for_user(user).can_add_subpage()
        assert not site.root_page.specific.permissions_for_user(user).can_add_subpage()

        client = admin_client_for(user)
        attempts = [
            client.post(f"/admin/pages/{article.pk}/unpublish/"),
            client.post(f"/admin/pages/{article.pk}/delete/"),
            client.post(
                f"/admin/pages/{article.pk}/move/{column(site, 'tzgg').pk}/confirm/"
            ),
            client.post(f"/admin/pages/{article.pk}/edit/", {"title": "改"}),
            client.get(f"/admin/pages/add/cms/articlepage/{news.pk}/"),
            client.post(
                f"/admin/bulk/wagtailcore/page/unpublish/?id={article.pk}",
                {"include_descendants": ""},
            ),
        ]
        for response in attempts:
            assert response.status_code in (302, 403), response.status_code
            if response.status_code == 302:
                assert f"/admin/pages/{article.pk}/" not in response["Location"]
    article.refresh_from_db()
    assert article.live and article.title != "改"
    assert article.get_parent().pk == news.pk
    assert Page.objects.filter(pk=article.pk).exists()


def test_a_pending_approval_does_not_publish_in_an_archived_site(site):
    people = {role: UserFactory() for role in ("editor", "reviewer", "admin")}
    groups = site_groups(site=site)
    for role, user in people.items():
        groups[role].user_set.add(user)
    draft = ArticleFactory(parent=column(site, "zwyw"))
    workflow = draft.get_workflow()
    state = workflow.start(draft, people["editor"])
    state.current_task_state.approve(user=people["reviewer"])
    _archive(site)
    state.refresh_from_db()
    response = admin_client_for(people["admin"]).post(
        f"/admin/pages/workflow/action/{draft.pk}/approve/"
        f"{state.current_task_state_id}/",
        {"comment": "同意"},
    )
    assert response.status_code in (302, 403)
    assert not ArticlePage.objects.get(pk=draft.pk).live
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS


def test_an_active_sites_pages_are_unaffected(site, site_admin, article):
    perms = article.permissions_for_user(site_admin)
    assert perms.can_edit() and perms.can_unpublish()


def test_the_explorer_says_an_archived_site_is_read_only(site, site_admin, article):
    _archive(site)
    response = admin_client_for(site_admin).get(
        f"/admin/pages/{column(site, 'zwyw').pk}/"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "本站点已归档，只读。" in html
    assert f"/admin/pages/{article.pk}/unpublish/" not in html
    assert f"/admin/pages/{article.pk}/delete/" not in html
