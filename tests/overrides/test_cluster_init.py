"""Pins for sites.overrides.cluster_init: modelcluster's ``__init__`` is still
the one it replaces, ours runs, a page read from the database skips the walk
over its fields, and child lists passed by keyword still work."""

from unittest import mock

import pytest
from modelcluster import models as cluster_models
from modelcluster.models import ClusterableModel

from cms.models import ArticlePage
from sites.overrides import cluster_init
from tests.factories.content import ArticleFactory, column
from tests.overrides.conftest import fingerprint

# Re-read modelcluster's __init__ when it changes, check that without keyword
# arguments it still only calls the next __init__, then update this.
MODELCLUSTER_FINGERPRINT = "65554d2ea22731e3"


def test_modelclusters_init_is_the_one_replaced():
    assert fingerprint(cluster_init.ORIGINALS["__init__"]) == MODELCLUSTER_FINGERPRINT
    assert ClusterableModel.__init__ is cluster_init._init


@pytest.mark.django_db
def test_a_page_read_from_the_database_skips_the_walk(site):
    article = ArticleFactory(parent=column(site, "zwyw"), title="读取", publish=True)
    with mock.patch.object(
        cluster_models,
        "get_all_child_relations",
        side_effect=AssertionError("walked"),
    ):
        read = ArticlePage.objects.get(pk=article.pk)
    assert read.title == "读取" and read.pk == article.pk
    assert read.content_type_id == article.content_type_id


def test_child_lists_passed_by_keyword_still_work():
    from wagtail.models import Comment

    comment = Comment(text="请核对日期", contentpath="title")
    page = ArticlePage(title="有批注", slug="kw", wagtail_admin_comments=[comment])
    assert list(page.wagtail_admin_comments.all()) == [comment]
    plain = ArticlePage(title="无批注")
    assert plain.title == "无批注" and list(plain.wagtail_admin_comments.all()) == []
