"""Every site's content goes through its two-step review: reviewer, then site admin.

This is the issue's "done when", driven through the real admin views: an editor of
a county site writes an article and submits it, the reviewer and the site admin
approve it with comments, and it appears in its column."""

import pytest
from django.test import Client
from wagtail.models import PageLogEntry, WorkflowState
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)

from cms.models import ArticlePage
from sites.services import site_groups
from tests.conftest import admin_client_for
from tests.factories import UserFactory, column

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(county):
    people = {role: UserFactory() for role in ("editor", "reviewer", "admin")}
    groups = site_groups(site=county)
    for role, user in people.items():
        groups[role].user_set.add(user)
    return people


def article_form(title, action, **extra):
    return nested_form_data(
        {
            "title": title,
            "slug": "",
            "subtitle": "",
            "source": "县政府办公室",
            "author": "",
            "body": streamfield([("paragraph", rich_text("<p>全县召开会议。</p>"))]),
            "attachments": streamfield([]),
            "tags": "",
            "comments": inline_formset([]),
            action: "1",
            **extra,
        }
    )


def _create(client, parent, title, action):
    return client.post(
        f"/admin/pages/add/cms/articlepage/{parent.pk}/",
        article_form(title, action),
    )


def _act(client, page, action, comment):
    state = WorkflowState.objects.get(
        base_content_type__model="page", object_id=str(page.pk), status="in_progress"
    )
    return client.post(
        f"/admin/pages/workflow/action/{page.pk}/{action}/{state.current_task_state_id}/",
        {"comment": comment},
    )


def test_editor_reviewer_and_site_admin_publish_an_article(county, people):
    parent = column(county, "gzdt")
    editor = admin_client_for(people["editor"])
    response = _create(editor, parent, "全县召开安全生产工作会议", "action-submit")
    assert response.status_code == 302, response.context["form"].errors.as_json()
    article = ArticlePage.objects.get(title="全县召开安全生产工作会议")
    assert not article.live
    state = WorkflowState.objects.get(object_id=str(article.pk))
    assert state.workflow.name.startswith(county.name)

    # The site admin cannot skip the reviewer's step.
    assert _act(
        admin_client_for(people["admin"]), article, "approve", ""
    ).status_code in (
        302,
        403,
    )
    state.refresh_from_db()
    assert state.current_task_state.task.specific.groups.filter(
        user=people["reviewer"]
    ).exists()

    assert (
        _act(
            admin_client_for(people["reviewer"]), article, "approve", "文字无误"
        ).status_code
        == 302
    )
    article.refresh_from_db()
    assert not article.live  # one step to go
    assert (
        _act(
            admin_client_for(people["admin"]), article, "approve", "同意发布"
        ).status_code
        == 302
    )
    article.refresh_from_db()
    assert article.live and article.first_published_at is not None

    comments = list(
        PageLogEntry.objects.filter(page=article, action="wagtail.workflow.approve")
        .order_by("timestamp")
        .values_list("data__comment", "user")
    )
    assert comments == [
        ("文字无误", people["reviewer"].pk),
        ("同意发布", people["admin"].pk),
    ]
    listing = Client(HTTP_HOST=county.host).get(
        parent.relative_url(county.wagtail_site)
    )
    assert "全县召开安全生产工作会议" in listing.content.decode()


def test_a_rejection_with_a_comment_goes_back_to_the_editor(county, people):
    parent = column(county, "gzdt")
    _create(admin_client_for(people["editor"]), parent, "待修改的稿件", "action-submit")
    article = ArticlePage.objects.get(title="待修改的稿件")
    response = _act(
        admin_client_for(people["reviewer"]), article, "reject", "数据需核实"
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert not article.live
    entry = PageLogEntry.objects.get(page=article, action="wagtail.workflow.reject")
    assert entry.data["comment"] == "数据需核实"
    assert entry.user == people["reviewer"]


def test_editors_cannot_publish_directly(county, people):
    parent = column(county, "gzdt")
    response = _create(
        admin_client_for(people["editor"]), parent, "想直接发布的稿件", "action-publish"
    )
    assert response.status_code in (302, 403)
    article = ArticlePage.objects.filter(title="想直接发布的稿件").first()
    assert article is None or not article.live


def test_reviewers_cannot_publish_directly_either(county, people):
    parent = column(county, "gzdt")
    _create(admin_client_for(people["editor"]), parent, "审核员不能越级", "action-save")
    article = ArticlePage.objects.get(title="审核员不能越级")
    reviewer = admin_client_for(people["reviewer"])
    reviewer.post(
        f"/admin/pages/{article.pk}/edit/",
        article_form("审核员不能越级", "action-publish", slug=article.slug),
    )
    article.refresh_from_db()
    assert not article.live


def test_every_site_has_its_own_workflow_with_its_own_groups(county, site):
    from wagtail.models import WorkflowPage

    mine = WorkflowPage.objects.get(page=county.root_page).workflow
    theirs = WorkflowPage.objects.get(page=site.root_page).workflow
    assert mine != theirs
    my_groups = {
        group.pk for task in mine.tasks.specific() for group in task.groups.all()
    }
    assert my_groups and not my_groups & {
        group.pk for task in theirs.tasks.specific() for group in task.groups.all()
    }
