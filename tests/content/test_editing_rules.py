"""Rules met while editing through the admin's forms: index numbers drawn once,
consultations not published closed, a warning confirmed once for the whole
review, content pages' slugs never in the way."""

import datetime
import json

import pytest
from django.utils import timezone
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)

from cms.contentchecks.models import PlatformTerm
from cms.models import ArticlePage, ConsultationPage, PolicyDocumentPage
from sites.services import site_groups
from tests.conftest import admin_client_for
from tests.factories import ConsultationFactory, PolicyDocumentFactory, column

pytestmark = pytest.mark.django_db


def _errors(response) -> str:
    form = response.context["form"]
    return " ".join(" ".join(str(e) for e in errors) for errors in form.errors.values())


# -- index numbers (索引号) -------------------------------------------------------


def _document_form(title, action, **changes):
    values = {
        "title": title,
        "document_number": "",
        "index_number": "",
        "issuing_organ": "测试县人民政府办公室",
        "subject_category": "general",
        "written_on": "2026-03-02",
        "validity": "in_force",
        "source": "",
        "author": "",
        "body": streamfield([("paragraph", rich_text("<p>文件正文。</p>"))]),
        "attachments": streamfield([]),
        "comments": inline_formset([]),
        action: "1",
    }
    values.update(changes)
    return nested_form_data({k: v for k, v in values.items() if v != ""})


def test_drafts_draw_no_index_number_and_going_live_draws_the_next_one(
    site, site_admin
):
    client = admin_client_for(site_admin)
    parent = column(site, "zcwj")
    year = timezone.localdate().year
    numbers = []
    for title in ("第一份文件", "第二份文件", "第三份文件"):
        response = client.post(
            f"/admin/pages/add/cms/policydocumentpage/{parent.pk}/",
            _document_form(title, "action-save"),
        )
        assert response.status_code == 302
        document = PolicyDocumentPage.objects.get(title=title)
        for _ in range(3):  # an editor saving the draft again and again
            assert (
                client.post(
                    f"/admin/pages/{document.pk}/edit/",
                    _document_form(title, "action-save"),
                ).status_code
                == 302
            )
        document.refresh_from_db()
        assert document.index_number == ""
        response = client.post(
            f"/admin/pages/{document.pk}/edit/", _document_form(title, "action-publish")
        )
        assert response.status_code == 302
        document.refresh_from_db()
        assert document.live
        numbers.append(document.index_number)
    assert numbers == [f"{site.code}/{year}-{n:05d}" for n in (1, 2, 3)]


def test_an_issued_index_number_never_changes(site, site_admin):
    document = PolicyDocumentFactory(parent=column(site, "zcwj"), publish=True)
    number = document.index_number
    assert number
    client = admin_client_for(site_admin)
    form = client.get(f"/admin/pages/{document.pk}/edit/").context["form"]
    assert form.fields["index_number"].disabled
    # A typed change is ignored, draft saves and republishing keep the number.
    for action in ("action-save", "action-publish", "action-save"):
        response = client.post(
            f"/admin/pages/{document.pk}/edit/",
            _document_form(document.title, action, index_number="改过的索引号"),
        )
        assert response.status_code == 302
    document.refresh_from_db()
    assert document.index_number == number
    assert document.get_latest_revision_as_object().index_number == number
    document.unpublish()
    document.get_latest_revision().publish()
    document.refresh_from_db()
    assert document.index_number == number


def test_a_number_typed_for_an_old_document_is_kept(site, site_admin):
    client = admin_client_for(site_admin)
    parent = column(site, "zcwj")
    response = client.post(
        f"/admin/pages/add/cms/policydocumentpage/{parent.pk}/",
        _document_form("旧网站的文件", "action-publish", index_number="OLD/2019-7"),
    )
    assert response.status_code == 302
    assert PolicyDocumentPage.objects.get(title="旧网站的文件").index_number == (
        "OLD/2019-7"
    )


# -- consultations dated in the past ---------------------------------------------


def _consultation_form(title, action, starts_on, ends_on, **changes):
    values = {
        "title": title,
        "kind": "other",
        "starts_on": starts_on.isoformat(),
        "ends_on": ends_on.isoformat(),
        "short_period_reason": "",
        "draft": rich_text("<p>草案全文。</p>"),
        "draft_attachments": streamfield([]),
        "how_to_comment": rich_text("<p>在本页提交意见。</p>"),
        "source": "",
        "author": "",
        "comments": inline_formset([]),
        action: "1",
    }
    values.update(changes)
    return nested_form_data(values)


def test_a_consultation_that_has_already_ended_is_refused(site, site_admin):
    today = timezone.localdate()
    client = admin_client_for(site_admin)
    parent = column(site, "yjzj")
    response = client.post(
        f"/admin/pages/add/cms/consultationpage/{parent.pk}/",
        _consultation_form(
            "已经结束的征求意见",
            "action-publish",
            today - datetime.timedelta(days=40),
            today - datetime.timedelta(days=1),
        ),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "ends_on" in errors
    assert "征求意见期" in " ".join(errors["ends_on"])  # in Chinese
    assert not ConsultationPage.objects.filter(title="已经结束的征求意见").exists()


def test_an_open_consultation_can_still_be_edited_and_an_old_one_republished(
    site, site_admin
):
    today = timezone.localdate()
    parent = column(site, "yjzj")
    open_one = ConsultationFactory(
        parent=parent,
        kind="other",
        starts_on=today - datetime.timedelta(days=5),
        ends_on=today + datetime.timedelta(days=25),
        publish=True,
    )
    closed_one = ConsultationFactory(
        parent=parent,
        kind="other",
        starts_on=today - datetime.timedelta(days=60),
        ends_on=today - datetime.timedelta(days=30),
        publish=True,
    )
    client = admin_client_for(site_admin)
    for page in (open_one, closed_one):
        response = client.post(
            f"/admin/pages/{page.pk}/edit/",
            _consultation_form(
                page.title + "（修订）", "action-publish", page.starts_on, page.ends_on
            ),
        )
        assert response.status_code == 302, _errors(response)
        page.refresh_from_db()
        assert page.title.endswith("（修订）")


# -- a warning confirmed once for the whole review ------------------------------


def _article(title, text, action, **extra):
    return nested_form_data(
        {
            "title": title,
            "subtitle": "",
            "source": "",
            "author": "",
            "body": streamfield([("paragraph", rich_text(f"<p>{text}</p>"))]),
            "attachments": streamfield([]),
            "tags": "",
            "comments": inline_formset([]),
            action: "1",
            **extra,
        }
    )


def _approve_in_editor(client, page, title, text, **extra):
    """What the editor's "approve" button posts: the whole edit form."""
    return client.post(
        f"/admin/pages/{page.pk}/edit/",
        _article(
            title,
            text,
            "action-workflow-action",
            **{
                "workflow-action-name": "approve",
                "workflow-action-extra-data": json.dumps({"comment": "同意"}),
                **extra,
            },
        ),
    )


@pytest.fixture
def reviewers(site):
    from tests.factories import UserFactory

    people = {role: UserFactory() for role in ("editor", "reviewer", "admin")}
    groups = site_groups(site=site)
    for role, user in people.items():
        groups[role].user_set.add(user)
    return people


def _in_progress(page):
    return WorkflowState.objects.filter(
        base_content_type__model="page", object_id=str(page.pk), status="in_progress"
    ).first()


def test_the_editors_confirmation_carries_through_the_review(site, reviewers):
    PlatformTerm.objects.create(
        term="沈阳市长", action="warn", suggestion="沈阳市市长", category="name"
    )
    text = "沈阳市长到企业调研。"
    parent = column(site, "zwyw")
    editor = admin_client_for(reviewers["editor"])
    refused = editor.post(
        f"/admin/pages/add/cms/articlepage/{parent.pk}/",
        _article("调研", text, "action-submit"),
    )
    assert "confirm_warnings" in refused.context["form"].errors
    response = editor.post(
        f"/admin/pages/add/cms/articlepage/{parent.pk}/",
        _article("调研", text, "action-submit", confirm_warnings="on"),
    )
    assert response.status_code == 302
    article = ArticlePage.objects.get(title="调研")
    assert article.get_latest_revision_as_object().confirmed_warnings == [
        "term:沈阳市长"
    ]

    reviewer = admin_client_for(reviewers["reviewer"])
    form = reviewer.get(f"/admin/pages/{article.pk}/edit/").context["form"]
    assert "沈阳市长" in str(form.fields["confirm_warnings"].help_text)
    response = _approve_in_editor(reviewer, article, "调研", text)
    assert response.status_code == 302, _errors(response)
    response = _approve_in_editor(
        admin_client_for(reviewers["admin"]), article, "调研", text
    )
    assert response.status_code == 302, _errors(response)
    article.refresh_from_db()
    assert article.live
    assert _in_progress(article) is None


def test_wording_flagged_after_the_confirmation_must_be_confirmed_again(
    site, reviewers
):
    PlatformTerm.objects.create(term="沈阳市长", action="warn", category="name")
    PlatformTerm.objects.create(term="大连市长", action="warn", category="name")
    parent = column(site, "zwyw")
    admin_client_for(reviewers["editor"]).post(
        f"/admin/pages/add/cms/articlepage/{parent.pk}/",
        _article(
            "调研", "沈阳市长到企业调研。", "action-submit", confirm_warnings="on"
        ),
    )
    article = ArticlePage.objects.get(title="调研")
    reviewer = admin_client_for(reviewers["reviewer"])
    changed = "沈阳市长和大连市长到企业调研。"
    response = _approve_in_editor(reviewer, article, "调研", changed)
    assert response.status_code == 200
    assert "大连市长" in _errors(response)
    response = _approve_in_editor(
        reviewer, article, "调研", changed, confirm_warnings="on"
    )
    assert response.status_code == 302, _errors(response)
    article.refresh_from_db()
    assert sorted(article.get_latest_revision_as_object().confirmed_warnings) == [
        "term:大连市长",
        "term:沈阳市长",
    ]


# -- slugs ------------------------------------------------------------------------


def test_a_draft_left_behind_does_not_block_the_next_page_with_its_title(site, editor):
    client = admin_client_for(editor)
    parent = column(site, "zwyw")
    url = f"/admin/pages/add/cms/articlepage/{parent.pk}/"
    # The browser fills the slug from the title; it is not used.
    first = client.post(
        url, _article("全县召开会议", "正文。", "action-save", slug="全县召开会议")
    )
    assert first.status_code == 302
    second = client.post(
        url, _article("全县召开会议", "正文。", "action-submit", slug="全县召开会议")
    )
    assert second.status_code == 302, _errors(second)
    slugs = sorted(
        ArticlePage.objects.filter(title="全县召开会议").values_list("slug", flat=True)
    )
    assert slugs == ["全县召开会议", "全县召开会议-2"]


# -- the review flow speaks Chinese ----------------------------------------------


def test_the_review_workflow_and_its_mail_are_named_in_chinese(site, reviewers):
    import importlib

    from django.apps import apps
    from django.core import mail
    from wagtail.models import Workflow, WorkflowPage

    workflow = WorkflowPage.objects.get(page=site.root_page).workflow
    assert workflow.name == f"{site.name}两级审核流程"
    # Workflows named while English was active get their Chinese names.
    old = Workflow.objects.create(name="某县 two-step review")
    migration = importlib.import_module(
        "cms.migrations.0005_review_workflow_names_in_chinese"
    )
    migration.rename(apps, None)
    old.refresh_from_db()
    assert old.name == "某县两级审核流程"

    reviewers["reviewer"].email = "reviewer@example.com"
    reviewers["reviewer"].save()
    admin_client_for(reviewers["editor"]).post(
        f"/admin/pages/add/cms/articlepage/{column(site, 'zwyw').pk}/",
        _article("送审稿件", "正文。", "action-submit"),
    )
    subjects = [message.subject for message in mail.outbox]
    assert subjects and all("submitted" not in subject for subject in subjects)
    assert any("送审稿件" in subject and "审核" in subject for subject in subjects)


def test_the_source_field_reads_laiyuan(site, editor):
    response = admin_client_for(editor).get(
        f"/admin/pages/add/cms/articlepage/{column(site, 'zwyw').pk}/"
    )
    assert response.context["form"].fields["source"].label == "来源"
