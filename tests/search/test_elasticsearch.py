"""The Elasticsearch backend without a server: the analyzer it picks, its mapping,
the queries it builds and the alias swap of a zero-downtime rebuild. (With a
server, tests/search/test_backends.py runs the shared suite against it.)"""

import datetime

import pytest

from search.backends.base import SearchRequest
from search.backends.elasticsearch import (
    alias_actions,
    build_search,
    choose_analyzer,
    index_mapping,
    new_index_name,
)
from search.query import parse


@pytest.mark.parametrize(
    ("plugins", "expected"),
    [
        ({"analysis-ik", "analysis-smartcn"}, ("ik_max_word", "ik_smart")),
        ({"analysis-smartcn", "repository-s3"}, ("smartcn", "smartcn")),
        (set(), ("cjk", "cjk")),
    ],
)
def test_the_best_chinese_analyzer_the_cluster_has_is_chosen(plugins, expected):
    assert choose_analyzer(plugins) == expected


def test_mapping_uses_the_analyzer_and_keeps_numbers_and_sites_exact():
    mapping = index_mapping("smartcn", "smartcn")["mappings"]
    props = mapping["properties"]
    assert mapping["dynamic"] == "strict"
    assert props["title"]["analyzer"] == "smartcn"
    assert props["body"]["search_analyzer"] == "smartcn"
    assert props["document_number"] == {"type": "keyword"}
    assert props["site_ids"] == {"type": "integer"}
    assert props["published_at"] == {"type": "date"}
    assert props["urls"]["enabled"] is False


def test_alias_swap_is_one_atomic_request_removing_every_old_index():
    actions = alias_actions("items", ["items-2", "items-1"], "items-3")
    assert actions == [
        {"remove": {"index": "items-1", "alias": "items"}},
        {"remove": {"index": "items-2", "alias": "items"}},
        {"add": {"index": "items-3", "alias": "items"}},
    ]
    assert alias_actions("items", [], "items-1") == [
        {"add": {"index": "items-1", "alias": "items"}}
    ]


def test_new_index_names_sort_by_time_and_share_the_alias_prefix():
    first = new_index_name("items", datetime.datetime(2026, 1, 2, 3, 4, 5))
    second = new_index_name("items", datetime.datetime(2026, 1, 2, 3, 4, 6))
    assert first.startswith("items-") and first < second


def test_query_building_site_scope_filters_recency_and_facets():
    request = SearchRequest(
        query=parse("医保 报销", {"医保": ("医疗保险",)}),
        site_ids=(7,),
        content_type="article",
        date_from=datetime.date(2025, 1, 1),
        page=2,
    )
    body = build_search(request, index="items").to_dict()
    scored = body["query"]["function_score"]
    assert scored["functions"][0]["gauss"]["published_at"]["origin"] == "now"
    filters = scored["query"]["bool"]["filter"]
    assert {"terms": {"site_ids": [7]}} in filters
    assert {"term": {"content_type": "article"}} in filters
    assert {"range": {"published_at": {"gte": "2025-01-01"}}} in filters
    musts = scored["query"]["bool"]["must"][0]["bool"]["must"]
    assert len(musts) == 2  # every query word must match
    synonym_options = [
        option["multi_match"]["query"] for option in musts[0]["bool"]["should"]
    ]
    assert "医保" in synonym_options and "医疗保险" in synonym_options
    assert body["from"] == 10 and body["size"] == 10
    assert set(body["aggs"]) == {"site", "level", "content_type", "year"}


def test_platform_wide_search_has_no_site_filter_and_numbers_are_exact():
    request = SearchRequest(query=parse("辽政办发[2019]12号"), site_ids=None)
    body = build_search(request, index="items").to_dict()
    scored = body["query"]["function_score"]["query"]["bool"]
    assert not scored.get("filter")
    term = scored["must"][0]["bool"]["must"][0]
    assert term == {
        "term": {"document_number": {"value": "辽政办发〔2019〕12号", "boost": 10}}
    }
