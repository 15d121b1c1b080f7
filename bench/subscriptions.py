"""Matching one published item against 100,000 subscriptions.

    python -m bench subscriptions
    python -m bench.subscriptions --subscriptions 100000

On its own database (``govplatform_bench_subscriptions``, rebuilt each run) this
provisions a province site, bulk-inserts N confirmed subscriptions of that site,
mixed: 40% columns (the site's columns), 15% document kinds, 10% subject
categories, 5% the whole site and 30% keywords (one or two words of government
vocabulary, with their rows in the inverted token table), then publishes one
article through Wagtail and matches it (median of 5 runs each):

- ours: ``subscriptions.matching.matching_subscriptions``, one query over the
  (site, kind, key) index and the token table;
- baseline in the same run: a loop that reads every subscription of the site and
  checks each (``subscription_matches_one_by_one``: the keyword segmented per
  subscription, as a matcher without the token table must).

Both must find the same subscriptions; then the whole matching task (deliveries
and notices recorded) is timed once.
"""

from __future__ import annotations

import argparse
import datetime
import random
import statistics
import time

from .common import header, row, setup_django

DATABASE = "govplatform_bench_subscriptions"
REPEAT = 5


def _fill(site, count: int, rng: random.Random) -> None:
    from cms.models import ColumnPage
    from cms.models.choices import SubjectCategory
    from sites.tenancy import use_site
    from subscriptions.models import DocumentKind, Subscription, SubscriptionToken
    from subscriptions.services import keyword_tokens

    from .search_corpus import vocabulary

    common, rare = vocabulary()
    words = common + rare[:300]
    columns = list(
        ColumnPage.objects.descendant_of(site.root_page).values_list("pk", flat=True)
    )
    past = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    with use_site(site):
        for start in range(0, count, 10_000):
            rows, keywords = [], []
            for n in range(start, min(start + 10_000, count)):
                draw = rng.random()
                if draw < 0.40:
                    kind, key = "column", str(rng.choice(columns))
                elif draw < 0.55:
                    kind, key = "document_kind", rng.choice(DocumentKind.values)
                elif draw < 0.65:
                    kind, key = "subject", rng.choice(SubjectCategory.values)
                elif draw < 0.70:
                    kind, key = "site", ""
                else:
                    kind = "keyword"
                    key = "".join(rng.sample(words, rng.choice((1, 1, 2))))
                sub = Subscription(
                    site=site,
                    email=f"reader{n}@example.org",
                    kind=kind,
                    key=key,
                    label=key,
                    confirmed_at=past,
                )
                if kind == "keyword":
                    tokens = keyword_tokens(key)
                    sub.token_count = len(tokens)
                    keywords.append((sub, tokens))
                rows.append(sub)
            Subscription.objects.bulk_create(rows, ignore_conflicts=False)
            SubscriptionToken.objects.bulk_create(
                [
                    SubscriptionToken(site=site, subscription=sub, token=token)
                    for sub, tokens in keywords
                    for token in tokens
                ],
                batch_size=5000,
            )


def _median(fn) -> tuple[float, object]:
    samples, result = [], None
    for _ in range(REPEAT):
        started = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.subscriptions")
    parser.add_argument("--subscriptions", type=int, default=100_000)
    args = parser.parse_args(argv or [])
    setup_django(DATABASE, fresh=True)
    from django.db import connection

    from cms.models import ArticlePage, ColumnPage
    from sites import routing
    from sites.services import SiteDetails, site_provision
    from sites.tenancy import use_site
    from subscriptions import delivery
    from subscriptions.matching import (
        item_facts,
        matching_subscriptions,
        subscription_matches_one_by_one,
    )
    from subscriptions.models import Subscription

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
    rng = random.Random(20_261_205)
    started = time.perf_counter()
    _fill(site, args.subscriptions, rng)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    fill_s = time.perf_counter() - started
    column = ColumnPage.objects.descendant_of(site.root_page).get(code="zwyw")
    page = ArticlePage(
        title="关于进一步做好冬季供暖保障和城市燃气安全工作的通知",
        body=[
            (
                "paragraph",
                "<p>各地要加强供暖设施检查，落实民生保障措施，做好群众服务。</p>",
            )
        ],
        live=False,
    )
    column.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    facts = item_facts(page)

    header(
        f"subscriptions: one item against {args.subscriptions:,} subscriptions "
        f"(filled in {fill_s:.0f} s)"
    )

    def ours():
        with use_site(site):
            return set(matching_subscriptions(facts).values_list("pk", flat=True))

    def loop():
        with use_site(site):
            return {
                sub.pk
                for sub in Subscription.objects.all().iterator(chunk_size=5000)
                if subscription_matches_one_by_one(sub, facts)
            }

    loop_ms, expected = _median(loop)
    ours_ms, found = _median(ours)
    if found != expected:
        raise SystemExit(f"mismatch: {len(found)} found, {len(expected)} expected")
    print(f"  matched subscriptions: {len(found):,} of {args.subscriptions:,}")
    row("baseline: read every subscription and check each", loop_ms)
    row("ours: one set-based query", ours_ms, baseline=loop_ms)
    print(f"  speed-up: {loop_ms / ours_ms:.1f}x")
    started = time.perf_counter()
    instant = delivery.deliveries_record(site=site, facts=facts)
    row(
        f"whole matching task once ({len(instant):,} deliveries recorded)",
        (time.perf_counter() - started) * 1000,
    )


if __name__ == "__main__":
    main()
