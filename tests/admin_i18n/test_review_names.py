"""The review workflow and the mail it sends speak Chinese, whatever language was
active when the site was provisioned."""

import importlib
import re

import pytest
from django.apps import apps
from django.template.loader import render_to_string
from django.utils import translation
from wagtail.models import Workflow

from tests.factories import SiteFactory
from tests.factories.content import ArticleFactory, column

pytestmark = pytest.mark.django_db


def test_workflow_provisioned_under_english_gets_a_chinese_name():
    with translation.override("en"):
        site = SiteFactory(name="沈阳市人民政府")
    workflow = site.root_page.get_workflow()
    assert workflow.name == "沈阳市人民政府两级审核流程"
    names = [task.name for task in workflow.tasks]
    assert names == ["沈阳市人民政府 审核员审核", "沈阳市人民政府 站点管理员审核"]


def test_submission_mail_subject_is_chinese():
    site = SiteFactory(name="沈阳市人民政府")
    page = ArticleFactory(parent=column(site, "zwyw"), title="春季植树活动")
    with translation.override("zh-hans"):
        subject = render_to_string(
            "wagtailadmin/notifications/workflow_state_submitted_subject.txt",
            {"page": page, "workflow": page.get_workflow()},
        ).strip()
    assert subject == "页面“春季植树活动”已提交到审核流程“沈阳市人民政府两级审核流程”"
    assert not re.search(r"[A-Za-z]{2,}", subject)


def test_migration_renames_existing_english_workflow_names():
    migration = importlib.import_module(
        "cms.migrations.0005_review_workflow_names_in_chinese"
    )
    site = SiteFactory(name="大连市人民政府")
    workflow = site.root_page.get_workflow()
    Workflow.objects.filter(pk=workflow.pk).update(
        name="大连市人民政府 two-step review"
    )
    migration.rename(apps, None)
    workflow.refresh_from_db()
    assert workflow.name == "大连市人民政府两级审核流程"
    migration.rename_back(apps, None)
    workflow.refresh_from_db()
    assert workflow.name == "大连市人民政府 two-step review"
