"""The suite every search backend passes: PostgreSQL always; Elasticsearch when
ELASTICSEARCH_URL names a server."""

import dataclasses
import datetime
import os
import uuid

import pytest
from django.core.cache import cache
from django.utils import timezone

from search import indexing, services
from search.backends import get_backend
from search.documents import page_document
from search.models import Synonym
from search.selectors import SearchParams, search_results
from tests.factories import ArticleFactory, PolicyDocumentFactory, column
from tests.factories.content import body

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["postgres", "elasticsearch"])
def backend_name(request, settings):
    if request.param == "elasticsearch":
        url = os.environ.get("ELASTICSEARCH_URL")
        if not url:
            pytest.skip(
                "ELASTICSEARCH_URL is not set: the shared suite runs on PostgreSQL "
                "only (no Elasticsearch server on this machine)"
            )
        settings.ELASTICSEARCH_URL = url
        settings.SEARCH_INDEX_NAME = f"test-{uuid.uuid4().hex[:12]}"
    settings.SEARCH_BACKEND = request.param
    yield request.param
    if request.param == "elasticsearch":
        client = get_backend().client
        client.indices.delete(index=f"{settings.SEARCH_INDEX_NAME}-*")


@pytest.fixture
def publish(index, backend_name):
    """Publish a page through Wagtail and run the queued index update."""

    def make(factory=ArticleFactory, *, site, code="zwyw", when=None, **fields):
        page = factory(parent=column(site, code), publish=True, **fields)
        if when is not None:
            type(page).objects.filter(pk=page.pk).update(first_published_at=when)
        index()
        if when is not None:  # the date changed behind the signal: re-index
            indexing.items_update(item_keys=[f"page:{page.pk}"])
        if backend_name == "elasticsearch":
            get_backend().client.indices.refresh(index=get_backend().alias)
        return page

    return make


def find(current, q, **params):
    _parsed, results = search_results(site=current, params=SearchParams(q=q, **params))
    return results


def titles(results):
    return [hit.title for hit in results.hits]


def test_site_search_finds_words_inside_sentences_on_its_own_site_only(
    site, other_site, publish
):
    publish(
        site=site, title="深化放管服改革优化营商环境", body=body("全面推行一网通办。")
    )
    publish(site=other_site, title="其他地区推进放管服改革", body=body("别处的正文"))
    assert titles(find(site, "放管服")) == ["深化放管服改革优化营商环境"]
    assert titles(find(site, "一网通办")) == ["深化放管服改革优化营商环境"]
    assert titles(find(other_site, "一网通办")) == []
    assert len(find(other_site, "放管服", scope="all").hits) == 2


def test_title_matches_rank_above_body_matches(site, publish):
    publish(site=site, title="一般工作通知", body=body("请关注养老保险办理。"))
    publish(site=site, title="养老保险办理指南", body=body("具体流程如下。"))
    assert titles(find(site, "养老保险"))[0] == "养老保险办理指南"


def test_recent_items_come_first_among_equal_matches(site, publish):
    old = timezone.now() - datetime.timedelta(days=3 * 365)
    publish(site=site, title="社保卡申领", body=body("社保卡"), when=old)
    publish(site=site, title="社保卡申领须知", body=body("社保卡"))
    assert titles(find(site, "社保卡")) == ["社保卡申领须知", "社保卡申领"]


@pytest.mark.parametrize(
    "typed", ["辽政办发〔2019〕12号", "辽政办发[2019]12号", "辽政办发【2019】12号"]
)
def test_document_numbers_are_found_with_any_bracket_style(site, publish, typed):
    publish(
        PolicyDocumentFactory,
        site=site,
        code="zcwj",
        title="关于印发实施方案的通知",
        document_number="辽政办发〔2019〕12号",
    )
    publish(
        PolicyDocumentFactory,
        site=site,
        code="zcwj",
        title="关于另一件事的通知",
        document_number="辽政办发〔2019〕13号",
    )
    assert titles(find(site, typed)) == ["关于印发实施方案的通知"]


def test_synonyms_find_each_other(site, publish):
    cache.clear()
    publish(site=site, title="医疗保险报销流程", body=body("报销材料"))
    assert titles(find(site, "医保")) == []
    Synonym.objects.create(term="医保", synonyms="医疗保险")
    assert titles(find(site, "医保")) == ["医疗保险报销流程"]
    assert titles(find(site, "医疗保险")) == ["医疗保险报销流程"]


def test_filters_by_type_date_and_column_and_facets(site, other_site, publish):
    publish(site=site, title="营商环境新闻", code="zwyw")
    publish(PolicyDocumentFactory, site=site, code="zcwj", title="营商环境条例")
    publish(
        site=other_site,
        title="营商环境动态",
        when=timezone.now() - datetime.timedelta(days=400),
    )
    assert titles(find(site, "营商环境", content_type="policy_document")) == [
        "营商环境条例"
    ]
    zwyw = column(site, "zwyw")
    assert titles(find(site, "营商环境", column=zwyw.pk)) == ["营商环境新闻"]
    today = timezone.localdate()
    recent = find(
        site, "营商环境", scope="all", date_from=today - datetime.timedelta(days=30)
    )
    assert sorted(titles(recent)) == ["营商环境新闻", "营商环境条例"]
    everywhere = find(site, "营商环境", scope="all")
    assert everywhere.total == 3
    assert everywhere.facets["site"] == {str(site.pk): 2, str(other_site.pk): 1}
    assert everywhere.facets["content_type"] == {"article": 2, "policy_document": 1}
    assert sum(everywhere.facets["year"].values()) == 3
    assert everywhere.facets["level"] == {"province": 3}
    by_site = find(site, "营商环境", scope="all", site=other_site.code)
    assert titles(by_site) == ["营商环境动态"]


def test_an_item_shown_on_another_site_is_found_there(site, other_site, publish):
    page = publish(site=site, title="跨站转载的公告")
    document = page_document(page)
    shared = dataclasses.replace(
        document,
        site_ids=(site.pk, other_site.pk),
        urls={**document.urls, str(other_site.pk): f"http://{other_site.host}/x.html"},
    )
    backend = get_backend()
    backend.upsert([shared])
    if hasattr(backend, "client"):
        backend.client.indices.refresh(index=backend.alias)
    results = find(other_site, "转载")
    assert titles(results) == ["跨站转载的公告"]
    assert results.hits[0].url_on(other_site.pk) == f"http://{other_site.host}/x.html"


def test_pagination(site, publish):
    for n in range(12):
        publish(site=site, title=f"便民服务事项第{n}项")
    first, second = find(site, "便民服务"), find(site, "便民服务", page=2)
    assert first.total == 12
    assert len(first.hits) == 10 and len(second.hits) == 2
    assert not {h.item_key for h in first.hits} & {h.item_key for h in second.hits}


def test_rebuild_of_one_site_and_check(site, other_site, publish, backend_name):
    mine = publish(site=site, title="本站文章")
    publish(site=other_site, title="他站文章")
    backend = get_backend()
    assert services.index_check(backend=backend).ok
    backend.delete([f"page:{mine.pk}"])
    report = services.index_check(backend=backend)
    assert report.missing == [f"page:{mine.pk}"]
    services.index_rebuild(site=site, backend=backend)
    if backend_name == "elasticsearch":
        backend.client.indices.refresh(index=backend.alias)
    assert services.index_check(backend=backend).ok
    assert len(find(site, "文章", scope="all").hits) == 2


def test_check_reports_stale_documents(site, publish):
    page = publish(site=site, title="原来的标题")
    type(page).objects.filter(pk=page.pk).update(title="改过的标题")  # no signal
    assert services.index_check().stale == [f"page:{page.pk}"]


def test_words_at_a_paragraph_boundary_are_found_and_entities_are_not_words(
    site, publish
):
    page = publish(
        site=site,
        title="段落与实体",
        body=[
            ("paragraph", "<p>Smart city</p><p>Platform launched</p>"),
            ("paragraph", "<p>R&amp;D 投入与 AT&amp;T 合作</p>"),
        ],
    )
    # The last word of a paragraph and the first of the next stay two words.
    assert titles(find(site, "platform")) == ["段落与实体"]
    assert titles(find(site, "city")) == ["段落与实体"]
    assert titles(find(site, "cityplatform")) == []
    # ``&amp;`` is the character &, not a word: "amp" finds nothing.
    assert titles(find(site, "amp")) == []
    assert "&amp;" not in page_document(page).body
    assert "R&D" in page_document(page).body
