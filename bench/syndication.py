"""One item pushed to N = 100 and 1,000 target sites, beside Wagtail aliases doing
the same in the same run.

    python -m bench syndication                 # N = 100 and 1,000
    python -m bench.syndication --targets 100   # a quicker run

On its own database (``govplatform_bench_syndication``, rebuilt each run): a
province provisioned for real, N light target sites under it (bench-only filler
of ``bench.scale``, each with a 通知公告 column), and a published notice.

- ours: the editor's request (``syndication.services.item_send``: checks, the
  item's record, one queued task), then the queued push as the worker runs it
  (``syndication.fanout.push``: each target's column planned by code, the
  reference rows written; mandatory: live on every target at once), then the
  source re-published (an edit shows everywhere: nothing to copy);
- baseline: Wagtail aliases (``page.create_alias()``, what 复制 → 创建别名 does)
  into each target's column, which runs inside the editor's request, one
  target after the other, then the source re-published (Wagtail re-publishes
  every alias in the request).

CPU per target is this process's CPU time (``time.process_time``) divided by N;
the database server's own CPU is not in it.
"""

from __future__ import annotations

import argparse
import time

from .common import header, row, setup_django

DATABASE = "govplatform_bench_syndication"


def _measure(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return (
        (time.perf_counter() - wall) * 1000,
        (time.process_time() - cpu) * 1000,
        result,
    )


def _targets(filler, province, n):
    from django.db import OperationalError, connection, transaction

    from cms.models import ColumnPage
    from sites.models import GovSite

    sites = []
    while len(sites) < n:
        try:
            with transaction.atomic():
                site = filler.site(province)
                site.root_page.add_child(
                    instance=ColumnPage(title="通知公告", slug="tzgg", code="tzgg")
                )
        except OperationalError as error:  # a shared server short of locks
            print(f"  (filler: {str(error).splitlines()[0]}; trying again)")
            time.sleep(1)
            continue
        sites.append(site)
    GovSite.objects.filter(pk__in=[s.pk for s in sites]).update(status="active")
    # The planner's statistics, as autovacuum keeps them on a running platform
    # (the sites above were made seconds ago).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return list(GovSite.objects.filter(pk__in=[s.pk for s in sites]))


def run(n: int, filler, province, column) -> None:
    from django.db import transaction
    from django.utils import timezone
    from wagtail.models import Page

    from cms.models import ArticlePage, ColumnPage
    from syndication import fanout, selectors, services
    from syndication.models import Direction
    from tests.factories.content import body

    sites = _targets(filler, province, n)
    header(f"syndication: one item to {n} target sites, ours beside Wagtail aliases")

    def publish_new(title):
        page = ArticlePage(title=title, body=body("正文。"), live=False)
        column.add_child(instance=page)
        page.save_revision().publish()
        return Page.objects.get(pk=page.pk).specific

    # Ours.
    notice = publish_new(f"推送测试通知{n}")
    request_ms, request_cpu, plan = _measure(
        lambda: services.item_send(
            user=None,
            page=notice,
            targets=sites,
            column_code="tzgg",
            mandatory=True,
        )
    )

    def fan_out():
        # The queued push as the worker runs it: each target's column planned,
        # then the reference rows written.
        with transaction.atomic():
            return fanout.push(
                item_id=plan.item.pk,
                source_site_id=province.pk,
                site_ids=[site.pk for site in plan.sites],
                codes=plan.codes,
                direction=str(Direction.PUSH),
                mandatory=True,
                user_id=None,
            )

    fan_ms, fan_cpu, done = _measure(fan_out)
    assert done == n, done
    live = len(selectors.live_targets_for_page(page_id=notice.pk))
    assert live == n, live
    republish_ms, _cpu, _ = _measure(lambda: notice.save_revision().publish())

    # Wagtail aliases, the same item to the same columns.
    source = publish_new(f"别名测试通知{n}")
    planned, _missing = plan.columns()
    columns = list(
        ColumnPage.objects.filter(code="tzgg", pk__in=[c.pk for _s, c in planned])
    )

    def aliases():
        for target_column in columns:
            source.create_alias(parent=target_column)

    alias_ms, alias_cpu, _ = _measure(aliases)
    source.title = f"别名测试通知{n}（更新）"
    alias_republish_ms, _cpu, _ = _measure(lambda: source.save_revision().publish())
    assert Page.objects.filter(alias_of=source).count() == n

    total_ours = request_ms + fan_ms
    row("ours: the editor's request returns", request_ms)
    row("ours: live on every target (request + fan-out)", total_ours)
    row("ours: CPU per target", (request_cpu + fan_cpu) / n)
    row("ours: re-publishing the source (shown everywhere)", republish_ms)
    row("aliases: the editor's request (= live everywhere)", alias_ms)
    row("aliases: CPU per target", alias_cpu / n)
    row("aliases: re-publishing the source (aliases in step)", alias_republish_ms)
    row("request: aliases / ours", alias_ms / request_ms, "x")
    row("live everywhere: aliases / ours", alias_ms / total_ours, "x")
    row("CPU per target: aliases / ours", alias_cpu / (request_cpu + fan_cpu), "x")
    row("re-publishing: aliases / ours", alias_republish_ms / republish_ms, "x")
    print(f"  (measured {timezone.now():%Y-%m-%d %H:%M} UTC)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench syndication")
    parser.add_argument("--targets", default="100,1000")
    args = parser.parse_args(argv or [])
    setup_django(DATABASE, fresh=True)

    from cms.models import ColumnPage
    from sites.services import SiteDetails, site_provision

    from .scale import Filler

    province = site_provision(
        details=SiteDetails(
            code="2100000001",
            name="辽宁省人民政府",
            level="province",
            host="ln.bench.localhost",
            division_code="210000",
        )
    )
    column = ColumnPage.objects.descendant_of(province.root_page).get(code="tzgg")
    filler = Filler()
    for n in (int(value) for value in args.targets.split(",")):
        run(n, filler, province, column)


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
