"""The page editor's live messages read in Chinese: the autosave indicator's
tooltips and errors, which Wagtail's JavaScript takes from its catalogue at
/admin/jsi18n/, and the concurrent-editing (conflict) dialog, which the editing
sessions ping renders on the server. Wagtail 8's zh_Hans catalogues lack both;
the project's catalogues in cms/locale supply them."""

import json
import re

import pytest
from django.urls import reverse
from django.utils import translation

from tests.conftest import admin_client_for
from tests.factories.content import ArticleFactory, column

pytestmark = pytest.mark.django_db

CHINESE = re.compile(r"[\u4e00-\u9fff]")
# msgids of Wagtail 8's AutosaveController (client/src/controllers/).
AUTOSAVE = [
    "Autosave in progress…",
    "Changes have been autosaved.",
    "A network error occurred.",
    "A server error occurred.",
]
# Other editor strings Wagtail's zh_Hans djangojs catalogue lacks.
EDITOR = ["Insert a block", "Split block", "Error while sending preview data."]


def _catalogue(client):
    with translation.override("zh-hans"):
        response = client.get(
            reverse("wagtailadmin_javascript_catalog"), HTTP_ACCEPT_LANGUAGE="zh-hans"
        )
    assert response.status_code == 200
    source = response.content.decode()
    return json.loads(re.search(r"const newcatalog = (\{.*?\});", source, re.S)[1])


def test_javascript_catalogue_translates_the_autosave_indicator(editor):
    catalogue = _catalogue(admin_client_for(editor))
    for msgid in AUTOSAVE + EDITOR:
        assert CHINESE.search(catalogue.get(msgid, "")), msgid
    assert catalogue["Autosave in progress…"] == "正在自动保存…"


def test_javascript_catalogue_keeps_wagtails_own_translations(editor):
    # The project's catalogue adds to Wagtail's; it does not replace it.
    assert _catalogue(admin_client_for(editor))["Edit"] == "编辑"


@pytest.fixture
def article(site, editor):
    return ArticleFactory(parent=column(site, "tzgg"), title="停水通知")


def _ping(client, page, revision):
    url = reverse(
        "wagtailadmin_editing_sessions:ping",
        args=("wagtailcore", "page", page.pk, 0),
    )
    with translation.override("zh-hans"):
        response = client.post(
            url,
            {"revision_id": revision.pk, "is_editing": "1"},
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
    assert response.status_code == 200
    return response.json()["html"]


def test_conflict_dialog_reads_chinese_when_another_window_saved(article, editor):
    opened = article.save_revision(user=editor)
    article.save_revision(user=editor)  # saved again "in another window"

    html = _ping(admin_client_for(editor), article, opened)

    assert "您在另一个窗口中保存了新版本" in html
    assert "继续操作将覆盖您在那个窗口中所做的更改。" in html
    assert "another window" not in html


def test_conflict_dialog_reads_chinese_when_someone_else_saved(
    article, editor, site_admin
):
    opened = article.save_revision(user=editor)
    article.save_revision(user=site_admin)

    html = _ping(admin_client_for(editor), article, opened)

    assert "保存了新版本" in html
    assert "saved a new version" not in html
    assert "View latest version" not in html
