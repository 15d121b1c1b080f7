"""core.prepared: a look-up by id compiled once, read fresh every call."""

import pytest
from wagtail.models import Page

from cms.models import ArticlePage
from core.prepared import ByPk, prefetch_tags
from tests.factories import ArticleFactory
from tests.factories.content import column

pytestmark = pytest.mark.django_db


def _with_types(pk):
    return Page.objects.filter(pk=pk).select_related("articlepage")


def test_it_reads_what_filter_first_reads(site):
    article = ArticleFactory(parent=column(site, "zwyw"), title="编译一次的查询")
    found = ByPk(_with_types).get(article.pk)
    expected = _with_types(article.pk).first()
    assert found is not None and found.pk == article.pk
    assert {
        f.attname: getattr(found, f.attname) for f in Page._meta.concrete_fields
    } == {f.attname: getattr(expected, f.attname) for f in Page._meta.concrete_fields}
    # The joined row came with it: no further query for the article's own fields.
    assert found.articlepage.title == "编译一次的查询"
    assert ByPk(_with_types).get(-1) is None


def test_every_call_reads_the_database_again(site, django_assert_num_queries):
    article = ArticleFactory(parent=column(site, "zwyw"), title="第一版")
    query = ByPk(_with_types)
    assert query.get(article.pk).title == "第一版"
    Page.objects.filter(pk=article.pk).update(title="第二版")
    with django_assert_num_queries(1):
        assert query.get(article.pk).title == "第二版"


def test_a_query_with_another_parameter_is_refused(site):
    # A fixed value (a tenant filter, say) would be kept for every later call.
    query = ByPk(lambda pk: Page.objects.filter(pk=pk, title="固定"))
    with pytest.raises(ValueError):
        query.get(1)


def test_tags_are_read_as_prefetch_related_reads_them(site, django_assert_num_queries):
    article = ArticleFactory(parent=column(site, "zwyw"))
    article.tags.add("乡村振兴", "营商环境")
    article.save()  # a ClusterTaggableManager keeps them in memory until then
    page = ArticlePage.objects.get(pk=article.pk)
    prefetch_tags(page)
    with django_assert_num_queries(0):
        assert sorted(tag.name for tag in page.tags.all()) == ["乡村振兴", "营商环境"]
