"""Supervision at 3,000 sites with a year of data: every site's veto early
warnings and statistics, set-based (ours), beside a naive loop asking the same
per site, in the same run.

The data: a real province and city (``site_provision``), then
``BENCH_SUPERVISION_SITES`` (3,000) county sites under the city, each with a home
page, six columns (news 14 days, notices, policies, department news 30 days, a
guide without an update period, one left empty) and a year of items (one a week,
spread over the columns), a page-view counter row per site and day for the year,
and ``BENCH_SUPERVISION_CASES`` (10) cases per site. The filler writes rows in bulk
(tree paths computed as treebeard does; items are page rows of the article type,
which is all the warnings read), so a run builds in minutes; the database is kept
between runs (``BENCH_SUPERVISION_FRESH=1`` rebuilds it).

Figures: wall time and queries for all sites, per site, and the naive loop per
site (measured on a sample of ``BENCH_SUPERVISION_SAMPLE`` sites, 200), with the
ratio naive / ours per site.
"""

from __future__ import annotations

import datetime
import os
import random
import time
import uuid

from .common import _create_database, header, row, setup_django

DATABASE = "govplatform_bench_supervision"
SITES = int(os.environ.get("BENCH_SUPERVISION_SITES", "3000"))
CASES = int(os.environ.get("BENCH_SUPERVISION_CASES", "10"))
SAMPLE = int(os.environ.get("BENCH_SUPERVISION_SAMPLE", "200"))
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
COLUMNS = (  # code, title, kind, update period
    ("gzdt", "政务动态", "list", 14),
    ("tzgg", "通知公告", "list", 30),
    ("zcwj", "政策文件", "policy", 90),
    ("bmdt", "部门动态", "list", 30),
    ("bszn", "办事指南", "list", None),
    ("kong", "空白栏目", "list", 90),
)


def _step(n: int) -> str:
    out = ""
    for _ in range(4):
        n, digit = divmod(n, 36)
        out = ALPHABET[digit] + out
    return out


def _build(sites: int) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.utils import timezone
    from wagtail.models import Collection, Locale, Page, Site

    from cms.models import ArticlePage, ColumnPage, HomePage
    from interaction.models import Case
    from sites.models import GovSite, SiteFolderPage, SiteStatus
    from sites.services import SiteDetails, site_provision

    province = site_provision(
        details=SiteDetails(
            code="2100000001",
            name="基准省人民政府",
            level="province",
            host="province.bench.localhost",
            division_code="210000",
        )
    )
    city = site_provision(
        details=SiteDetails(
            code="2101000001",
            name="基准市人民政府",
            level="city",
            host="city.bench.localhost",
            division_code="210100",
            parent_code=province.code,
        )
    )
    GovSite.objects.filter(pk__in=[province.pk, city.pk]).update(
        status=SiteStatus.ACTIVE
    )
    types = ContentType.objects.get_for_models(
        SiteFolderPage, HomePage, ColumnPage, ArticlePage
    )
    locale = Locale.get_default()
    now = timezone.now()
    rng = random.Random(16)
    folder_parent = Page.objects.get(pk=city.folder_page_id)
    collection_parent = Collection.objects.get(pk=city.collection_id)
    first_child = folder_parent.numchild + 1
    first_collection = collection_parent.numchild + 1
    print(f"  building {sites} sites with a year of data …", flush=True)
    started = time.perf_counter()
    with transaction.atomic():
        pages, columns_sql, homes_sql = [], [], []
        for i in range(sites):
            folder_path = folder_parent.path + _step(first_child + i)
            home_path = folder_path + _step(1)
            code = f"9{i:09d}"
            url_home = f"/bench/{code}/home/"
            pages.append(
                Page(
                    title=f"基准县{i}",
                    draft_title=f"基准县{i}",
                    slug=code,
                    content_type=types[SiteFolderPage],
                    path=folder_path,
                    depth=folder_parent.depth + 1,
                    numchild=1,
                    url_path=f"/bench/{code}/",
                    live=True,
                    locale=locale,
                )
            )
            pages.append(
                Page(
                    title=f"基准县{i}人民政府",
                    draft_title=f"基准县{i}人民政府",
                    slug="home",
                    content_type=types[HomePage],
                    path=home_path,
                    depth=folder_parent.depth + 2,
                    numchild=len(COLUMNS),
                    url_path=url_home,
                    live=True,
                    locale=locale,
                    first_published_at=now - datetime.timedelta(days=400),
                    last_published_at=now - datetime.timedelta(days=rng.randint(0, 30)),
                )
            )
            # A year of items, one a week, over the first five columns; each
            # site's newest item is 0-40 days old, so some warn and some veto.
            lag = rng.randint(0, 40)
            per_column: dict[int, list[datetime.datetime]] = {}
            for week in range(52):
                per_column.setdefault(week % 5, []).append(
                    now - datetime.timedelta(days=lag + 7 * week)
                )
            for c, (ccode, ctitle, _kind, _period) in enumerate(COLUMNS):
                column_path = home_path + _step(c + 1)
                items = per_column.get(c, [])
                pages.append(
                    Page(
                        title=ctitle,
                        draft_title=ctitle,
                        slug=ccode,
                        content_type=types[ColumnPage],
                        path=column_path,
                        depth=folder_parent.depth + 3,
                        numchild=len(items),
                        url_path=f"{url_home}{ccode}/",
                        live=True,
                        locale=locale,
                    )
                )
                for n, moment in enumerate(items):
                    pages.append(
                        Page(
                            title=f"{ctitle}{n}",
                            draft_title=f"{ctitle}{n}",
                            slug=f"item{n}",
                            content_type=types[ArticlePage],
                            path=column_path + _step(n + 1),
                            depth=folder_parent.depth + 4,
                            numchild=0,
                            url_path=f"{url_home}{ccode}/item{n}/",
                            live=True,
                            locale=locale,
                            first_published_at=moment,
                            last_published_at=moment,
                        )
                    )
        Page.objects.bulk_create(pages, batch_size=5000)
        ids = dict(
            Page.objects.filter(path__startswith=folder_parent.path)
            .exclude(path=folder_parent.path)
            .values_list("path", "pk")
        )
        for i in range(sites):
            home_path = folder_parent.path + _step(first_child + i) + _step(1)
            homes_sql.append((ids[home_path], "", "[]"))
            for c, (ccode, _title, kind, period) in enumerate(COLUMNS):
                columns_sql.append(
                    (ids[home_path + _step(c + 1)], ccode, kind, period, "", "titles")
                )
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO govsites_sitefolderpage (page_ptr_id) VALUES (%s)",
                [
                    (ids[folder_parent.path + _step(first_child + i)],)
                    for i in range(sites)
                ],
            )
            cursor.executemany(
                "INSERT INTO cms_homepage (page_ptr_id, intro, sections) "
                "VALUES (%s, %s, %s)",
                homes_sql,
            )
            cursor.executemany(
                "INSERT INTO cms_columnpage (page_ptr_id, code, kind, "
                "update_period_days, description, list_layout) "
                "VALUES (%s, %s, %s, %s, %s, %s)",
                columns_sql,
            )
        Page.objects.filter(pk=folder_parent.pk).update(
            numchild=folder_parent.numchild + sites
        )
        collections = Collection.objects.bulk_create(
            [
                Collection(
                    name=f"基准县{i}",
                    path=collection_parent.path + _step(first_collection + i),
                    depth=collection_parent.depth + 1,
                    numchild=0,
                )
                for i in range(sites)
            ]
        )
        Collection.objects.filter(pk=collection_parent.pk).update(
            numchild=collection_parent.numchild + sites
        )
        wagtail_sites = Site.objects.bulk_create(
            [
                Site(
                    hostname=f"c{i}.bench.localhost",
                    port=80,
                    root_page_id=ids[
                        folder_parent.path + _step(first_child + i) + _step(1)
                    ],
                )
                for i in range(sites)
            ]
        )
        govsites = GovSite.objects.bulk_create(
            [
                GovSite(
                    code=f"9{i:09d}",
                    name=f"基准县{i}人民政府",
                    level="county",
                    parent=city,
                    division_code="210102",
                    host=f"c{i}.bench.localhost",
                    status=SiteStatus.ACTIVE,
                    tree_path=f"{city.tree_path}9{i:09d}/",
                    wagtail_site=wagtail_sites[i],
                    folder_page_id=ids[folder_parent.path + _step(first_child + i)],
                    collection=collections[i],
                )
                for i in range(sites)
            ]
        )
        with connection.cursor() as cursor:
            # A year of page views: each site's home page, every day.
            cursor.execute(
                """
                INSERT INTO supervision_pageviewday (site_id, day, page_id, views)
                SELECT g.id, d::date, s.root_page_id,
                       (g.id * 7 + extract(doy FROM d))::int % 500
                  FROM govsites_govsite g
                  JOIN wagtailcore_site s ON s.id = g.wagtail_site_id
                 CROSS JOIN generate_series(current_date - 364, current_date, '1 day') d
                 WHERE g.level = 'county'
                """
            )
        cases = []
        for site in govsites:
            for n in range(CASES):
                filed = now - datetime.timedelta(days=rng.randint(0, 365))
                replied = rng.random() < 0.8
                cases.append(
                    Case(
                        site=site,
                        intake_site=site,
                        tracking_number=f"{site.code}{n:06d}",
                        query_code_hash=uuid.uuid4().hex,
                        idempotency_key=uuid.uuid4().hex,
                        kind="inquiry",
                        channel="mailbox",
                        title="基准来信",
                        content="基准来信内容。",
                        status="replied" if replied else "accepted",
                        due_on=(filed + datetime.timedelta(days=21)).date(),
                        replied_at=filed + datetime.timedelta(days=rng.randint(1, 30))
                        if replied
                        else None,
                        rating=rng.choice(
                            ["", "satisfied", "basically", "dissatisfied"]
                        ),
                    )
                )
        from sites.tenancy import for_sites

        for_sites(Case, govsites).bulk_create(cases, batch_size=5000)
    print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)


def _measure(fn):
    from django.db import connection, reset_queries

    reset_queries()
    started = time.perf_counter()
    fn()
    elapsed = (time.perf_counter() - started) * 1000
    return elapsed, len(connection.queries)


def main():
    fresh = os.environ.get("BENCH_SUPERVISION_FRESH") == "1"
    setup_django(DATABASE, fresh=fresh)
    from django.conf import settings
    from django.utils import timezone

    from sites.models import GovSite, SiteStatus
    from supervision import statistics
    from supervision.vetoes import findings_compute

    settings.DEBUG = True  # count queries
    if GovSite.objects.filter(level="county").count() < SITES:
        if GovSite.objects.exists():  # built for another size: start again
            from django.core.management import call_command
            from django.db import connections

            connections.close_all()
            _create_database(settings.DATABASES["default"], fresh=True)
            call_command("migrate", verbosity=0)
        _build(SITES)

    header(
        f"supervision: warnings and statistics of {SITES:,} sites with a year of data"
    )
    site_ids = list(
        GovSite.objects.filter(status=SiteStatus.ACTIVE).values_list("pk", flat=True)
    )
    total = len(site_ids)
    end = timezone.localdate()
    start = end - datetime.timedelta(days=364)
    sample = site_ids[:: max(1, total // SAMPLE)][:SAMPLE]

    findings_compute()  # warm the caches (content types, connection)
    ours_ms, ours_q = _measure(findings_compute)
    naive_ms, naive_q = _measure(
        lambda: [findings_compute(site_ids=[pk]) for pk in sample]
    )
    print(f"  sites: {total}; findings: {len(findings_compute())}")
    per_ours = ours_ms / total
    per_naive = naive_ms / len(sample)
    row("warnings, every site at once (ours), total", ours_ms)
    row("  queries, total", ours_q, "q")
    row("  per site (ours)", per_ours)
    row("warnings, naive loop, per site", per_naive, baseline=per_ours)
    row("  naive queries per site", naive_q / len(sample), "q")

    def stats_ours():
        statistics.views_by_day(sites=site_ids, start=start, end=end)
        statistics.views_by_site(sites=site_ids, start=start, end=end)
        statistics.interaction_figures(sites=site_ids, start=start, end=end)

    def stats_naive():
        for pk in sample:
            statistics.views_by_day(sites=[pk], start=start, end=end)
            statistics.views_by_site(sites=[pk], start=start, end=end)
            statistics.interaction_figures(sites=[pk], start=start, end=end)

    stats_ours()
    s_ours_ms, s_ours_q = _measure(stats_ours)
    s_naive_ms, s_naive_q = _measure(stats_naive)
    s_per_ours = s_ours_ms / total
    s_per_naive = s_naive_ms / len(sample)
    row("statistics for a year, every site at once (ours), total", s_ours_ms)
    row("  queries, total", s_ours_q, "q")
    row("  per site (ours)", s_per_ours)
    row("statistics, naive loop, per site", s_per_naive, baseline=s_per_ours)
    row("  naive queries per site", s_naive_q / len(sample), "q")
    print(
        f"  naive / ours per site: warnings {per_naive / per_ours:.1f}x, "
        f"statistics {s_per_naive / s_per_ours:.1f}x "
        f"(naive measured on {len(sample)} sites)"
    )
