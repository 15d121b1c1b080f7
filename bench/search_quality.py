"""Relevance and recall: our site search beside Wagtail's own database backend.

    python -m bench search_quality

On its own database (``govplatform_bench_search_quality``, rebuilt each run), one
provisioned site receives real articles published through Wagtail: for each of
the 34 judged queries (government-service words) one article with the word in
its title, one with the word only in the middle of its body, and 150 general
articles from the synthetic corpus (``bench/search_corpus.py``) as distractors.

Judgments follow a written rule, applied to the text (not by a human assessor):
grade 2 when the query word is in the title, grade 1 when it is only in the body,
0 otherwise. "The items that should come first" are the grade-2 items. Figures:
MRR (first grade-2 item; grade 1 when a query has none) and nDCG@10 over the
grades; recall against the ground truth of every article containing the word.

Baselines in the same run, over the same articles:
- Wagtail's stock database backend (``wagtail.search.backends.database``), with
  the article body added to its search fields so that it can find body words at all
  (the platform itself indexes titles only for the admin);
- the admin's segmenting backend (``search.wagtail_backend``), same fields.
"""

from __future__ import annotations

import math
import statistics

from .common import header, row, setup_django

DATABASE = "govplatform_bench_search_quality"
QUERIES = [
    "医保",
    "养老保险",
    "公积金",
    "营商环境",
    "一网通办",
    "最多跑一次",
    "放管服",
    "乡村振兴",
    "垃圾分类",
    "疫苗接种",
    "义务教育",
    "社保卡",
    "不动产登记",
    "营业执照",
    "退役军人",
    "残疾人",
    "低保",
    "就业补贴",
    "创业担保贷款",
    "学前教育",
    "公租房",
    "供暖",
    "燃气",
    "驾驶证",
    "户口迁移",
    "出生医学证明",
    "结婚登记",
    "法律援助",
    "食品安全",
    "消防安全",
    "高龄津贴",
    "人才引进",
    "减税降费",
    "政务服务",
]
RECALL_EXTRA = ["政府", "服务", "改革", "通知"]


def _articles():
    from bench.search_corpus import items

    out = []
    for n, word in enumerate(QUERIES):
        out.append(
            (
                f"关于做好{word}有关工作的通知",
                f"各地区各部门：现就{word}工作通知如下，请认真贯彻落实。",
            )
        )
        out.append(
            (
                f"省政府办公厅工作动态第{n + 1}期",
                f"本期介绍近期重点工作。会议听取了各地推进情况汇报，研究了{word}相关事项，"
                "要求各地抓好落实。",
            )
        )
    for item in items(150, 1, seed=99):
        out.append((item.title, item.body))
    return out


def _grades(articles, word):
    return {
        title: 2 if word in title else 1 if word in body else 0
        for title, body in articles
    }


def _ndcg(ranked, grades, k=10):
    dcg = sum(
        (2 ** grades.get(t, 0) - 1) / math.log2(i + 2) for i, t in enumerate(ranked[:k])
    )
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def _mrr(ranked, grades):
    target = 2 if 2 in grades.values() else 1
    for i, title in enumerate(ranked):
        if grades.get(title, 0) >= target:
            return 1 / (i + 1)
    return 0.0


def main(argv: list[str] | None = None) -> None:
    setup_django(DATABASE, fresh=True)
    from django.conf import settings
    from wagtail.search import index
    from wagtail.search.backends import get_search_backend

    from cms.models import ArticlePage, ColumnPage
    from search.backends.base import SearchRequest
    from search.backends.postgres import PostgresBackend
    from search.query import parse
    from sites import routing
    from sites.services import SiteDetails, site_provision
    from tests.tasks import run_queued_tasks

    header("search_quality: relevance and recall, ours beside Wagtail's backend")
    site = site_provision(
        details=SiteDetails(
            code="2100000001",
            name="基准测试省",
            level="province",
            division_code="210000",
            host="bench.localhost",
        )
    )
    routing.invalidate()
    column = ColumnPage.objects.descendant_of(site.root_page).get(code="zwyw")
    ArticlePage.search_fields = [*ArticlePage.search_fields, index.SearchField("body")]
    articles = _articles()
    for title, body in articles:
        page = ArticlePage(
            title=title, body=[("paragraph", f"<p>{body}</p>")], live=False
        )
        column.add_child(instance=page)
        page.save_revision().publish()
        column.refresh_from_db()
    run_queued_tasks()
    print(
        f"  {len(articles)} articles published through Wagtail, "
        f"{len(QUERIES)} judged queries"
    )

    ours = PostgresBackend()

    def search_ours(word):
        request = SearchRequest(query=parse(word), site_ids=(site.pk,), per_page=1000)
        return [hit.title for hit in ours.search(request).hits]

    settings.WAGTAILSEARCH_BACKENDS["stock"] = {
        "BACKEND": "wagtail.search.backends.database"
    }
    pages = list(ArticlePage.objects.live())

    def wagtail_searcher(name):
        backend = get_search_backend(name)
        backend.reset_indexes()
        backend.add_bulk(ArticlePage, pages)
        if hasattr(backend, "get_index_for_model"):
            backend.get_index_for_model(ArticlePage)._refresh_title_norms(full=True)
        return lambda word: [
            p.title for p in backend.search(word, ArticlePage.objects.live())
        ]

    systems = {"ours (site search)": search_ours}
    rankings = {
        name: {w: fn(w) for w in QUERIES + RECALL_EXTRA} for name, fn in systems.items()
    }
    for name, backend_name in (
        ("wagtail stock", "stock"),
        ("wagtail + segmenting", "default"),
    ):
        fn = wagtail_searcher(backend_name)
        rankings[name] = {w: fn(w) for w in QUERIES + RECALL_EXTRA}

    figures = {}
    for name, ranked in rankings.items():
        mrr = statistics.mean(_mrr(ranked[w], _grades(articles, w)) for w in QUERIES)
        ndcg = statistics.mean(_ndcg(ranked[w], _grades(articles, w)) for w in QUERIES)
        recalls = []
        for word in QUERIES + RECALL_EXTRA:
            truth = {t for t, b in articles if word in t or word in b}
            found = set(ranked[word]) & truth
            recalls.append(len(found) / len(truth) if truth else 1.0)
        figures[name] = (mrr, ndcg, statistics.mean(recalls), min(recalls))
    base = figures["wagtail stock"]
    for name, (mrr, ndcg, recall, worst) in figures.items():
        print(f"  {name}:")
        row("MRR", mrr, "", baseline=base[0] or None)
        row("nDCG@10", ndcg, "", baseline=base[1] or None)
        row(
            f"recall, mean over {len(QUERIES + RECALL_EXTRA)} words",
            recall,
            "",
            baseline=base[2] or None,
        )
        row("recall, worst word", worst, "")
    print("  ratios are against Wagtail's stock backend (none where it scored 0)")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
