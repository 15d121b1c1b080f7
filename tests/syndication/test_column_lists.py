"""A taken item is listed in its target column (the list's pages, its feeds, the
home page's blocks of that column), in the target's theme, with its source and
its own address there; a withdrawn or hidden one leaves the list."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms import listings, selectors
from sites.tenancy import all_sites, for_sites
from syndication import services
from syndication.listings import live_in_columns
from syndication.models import SyndicationTarget, TargetState
from tests.factories import ArticleFactory, SiteFactory, column
from tests.tasks import run_static_publishing

from .conftest import address, client_for, member

pytestmark = pytest.mark.django_db


def targets(item):
    with all_sites():
        return {t.site_id: t for t in SyndicationTarget.objects.filter(item=item)}


@pytest.fixture
def counties(city, county):
    return [county, SiteFactory.child(city, "county", name="测试邻县人民政府")]


def push_and_take(editor, page, sites, run_tasks, code="tzgg"):
    plan = services.item_send(user=editor, page=page, targets=sites, column_code=code)
    run_tasks()
    found = targets(plan.item)
    for site in sites:
        services.target_take(user=member(site), target=found[site.pk])
    return targets(plan.item)


def column_html(site, code="tzgg", query=""):
    response = client_for(site).get(column(site, code).get_url() + query)
    assert response.status_code == 200
    return response.content.decode()


def test_taken_notice_is_listed_in_each_county_column_and_leaves_when_unpublished(
    province, province_editor, notice, counties, run_tasks
):
    rows = push_and_take(province_editor, notice, counties, run_tasks)
    for county in counties:
        target = rows[county.pk]
        assert target.state == TargetState.LIVE
        html = column_html(county)
        # Its own address under the county's column, its source named.
        assert f'<a href="{address(target)}">{notice.title}</a>' in html
        assert f"来源：{province.name}" in html
        assert county.name in html  # the county's own theme and header
        # The address listed answers with the item.
        assert client_for(county).get(address(target)).status_code == 200
        # Its feeds carry it, with the address on the county's host.
        feed = client_for(county).get(column(county, "tzgg").get_url() + "rss.xml")
        assert f"http://{county.host}{address(target)}" in feed.content.decode()
    notice.unpublish()
    # The item's own address is gone at once; the lists that named it (their
    # files and what each process keeps of them) are written by the queued task.
    for county in counties:
        assert client_for(county).get(address(rows[county.pk])).status_code == 410
    run_tasks()
    for county in counties:
        html = column_html(county)
        assert notice.title not in html
        feed = client_for(county).get(column(county, "tzgg").get_url() + "atom.xml")
        assert notice.title not in feed.content.decode()


def test_a_hidden_item_leaves_the_list_of_that_county_only(
    province_editor, notice, counties, run_tasks
):
    rows = push_and_take(province_editor, notice, counties, run_tasks)
    first, second = counties
    services.target_hide(user=member(first), target=rows[first.pk], reason="不适用")
    assert notice.title not in column_html(first)
    assert notice.title in column_html(second)


def test_a_pending_or_declined_item_is_not_listed(
    province_editor, notice, county, run_tasks
):
    plan = services.item_send(
        user=province_editor, page=notice, targets=[county], column_code="tzgg"
    )
    run_tasks()
    assert notice.title not in column_html(county)
    services.target_decline(
        user=member(county), target=targets(plan.item)[county.pk], reason="重复"
    )
    assert notice.title not in column_html(county)


def test_listed_by_the_time_it_went_live_among_the_columns_own_pages(
    province_editor, notice, county, run_tasks
):
    tzgg = column(county, "tzgg")
    older = ArticleFactory(parent=tzgg, publish=True, title="县里较早的通知")
    rows = push_and_take(province_editor, notice, [county], run_tasks)
    newer = ArticleFactory(parent=tzgg, publish=True, title="县里较新的通知")
    # The column's own pages: one before the item went live, one after.
    day = datetime.timedelta(days=1)
    live_at = rows[county.pk].live_at
    type(older).objects.filter(pk=older.pk).update(first_published_at=live_at - day)
    type(newer).objects.filter(pk=newer.pk).update(first_published_at=live_at + day)
    html = column_html(county)
    places = [html.index(t) for t in (newer.title, notice.title, older.title)]
    assert places == sorted(places)


def test_pages_of_the_list_merge_both_in_order_and_cost_the_same_queries(
    province, province_editor, county, run_tasks, settings
):
    """25 own pages and 12 taken items, 20 a page: every page of the merged list
    holds the right items in date order, whatever the page, in as many queries."""
    # The site registry's version is checked at most once a second per process:
    # on a loaded machine one of the lists compared below can cross that second.
    settings.SITES_HOST_MAP_TTL = 3600
    tzgg = column(county, "tzgg")
    source_column = column(province, "tzgg")
    base = timezone.now() - datetime.timedelta(days=100)
    expected = []
    for n in range(25):
        page = ArticleFactory(parent=tzgg, publish=True, title=f"本县通知{n:02d}")
        when = base + datetime.timedelta(days=3 * n)
        type(page).objects.filter(pk=page.pk).update(first_published_at=when)
        expected.append((when, page.title))
    sources = [
        ArticleFactory(parent=source_column, publish=True, title=f"省级通知{n:02d}")
        for n in range(12)
    ]
    for n, source in enumerate(sources):
        rows = push_and_take(province_editor, source, [county], run_tasks)
        when = base + datetime.timedelta(days=6 * n + 1)
        for_sites(SyndicationTarget, [county]).filter(pk=rows[county.pk].pk).update(
            live_at=when
        )
        expected.append((when, source.title))
    titles = [title for _when, title in sorted(expected, reverse=True)]

    tzgg.refresh_from_db()
    listing = selectors.column_listing(column=tzgg)
    assert listing.count() == 37
    assert [item.title for item in listing[0:20]] == titles[:20]
    assert [item.title for item in listing[20:40]] == titles[20:]
    for start in range(0, 37, 7):  # any window, deep or shallow
        window = selectors.column_listing(column=tzgg)[start : start + 7]
        assert [item.title for item in window] == titles[start : start + 7]

    def queries(start, stop):
        listing = selectors.column_listing(column=tzgg)
        with CaptureQueriesContext(connection) as ctx:
            listing.count()
            items = list(listing[start:stop])
        assert any(not hasattr(item, "listed_url") for item in items)
        return len(ctx.captured_queries)

    # Two counts, two slices and the pages' specific rows, however deep.
    assert queries(0, 20) == queries(20, 40) == queries(14, 21)
    html1, html2 = column_html(county), column_html(county, query="?page=2")
    assert titles[0] in html1 and titles[19] in html1 and titles[20] not in html1
    assert titles[20] in html2 and titles[-1] in html2 and titles[0] not in html2


def test_no_provider_no_change_and_cms_lists_its_pages_alone(
    province_editor, notice, county, run_tasks
):
    push_and_take(province_editor, notice, [county], run_tasks)
    listings.column_items_provider_unregister(live_in_columns)
    try:
        assert notice.title not in column_html(county)
    finally:
        listings.column_items_provider_register(live_in_columns)
    assert notice.title in column_html(county)


def test_the_home_page_block_of_the_column_lists_it(
    province, province_editor, notice, county, run_tasks
):
    home = county.root_page.specific
    home.sections = [
        (
            "column",
            {"column": column(county, "tzgg"), "count": 5},
        )
    ]
    home.save_revision().publish()
    rows = push_and_take(province_editor, notice, [county], run_tasks)
    html = client_for(county).get("/").content.decode()
    assert f'<a href="{address(rows[county.pk])}">{notice.title}</a>' in html


@pytest.fixture
def static_tree(settings, tmp_path):
    """Static publishing into a tree of the test's own, at once (no delays)."""
    from delivery.models import PendingPublish

    PendingPublish.objects.all().delete()
    settings.DELIVERY_STATIC_ROOT = tmp_path / "public"
    settings.DELIVERY_PAGE_DELAY = 0
    settings.DELIVERY_LIST_DELAY = 0
    return tmp_path / "public"


def test_static_publishing_rewrites_the_target_column_when_it_arrives_and_leaves(
    province_editor,
    notice,
    county,
    run_tasks,
    static_tree,
    django_capture_on_commit_callbacks,
):
    """public_pages_changed (sent by the fan-out, a take, a hide, a withdrawal)
    makes static publishing write the target's column file again."""
    from delivery import tree
    from delivery.selectors import page_address

    tzgg = column(county, "tzgg")
    path = page_address(tzgg)
    run_static_publishing()
    rows = push_and_take(province_editor, notice, [county], run_tasks)
    assert run_static_publishing() >= 1
    written = tree.read(county.host, path)
    assert written is not None
    assert address(rows[county.pk]) in written.decode()
    assert notice.title in tree.read(county.host, path + "rss.xml").decode()
    # An edit at the source: the column lists it under its new title.
    notice.title = "关于做好防汛抗旱工作的通知"
    notice.save_revision().publish()
    assert run_tasks() >= 1  # queued: the sites it is live on may be many
    assert run_static_publishing() >= 1
    assert "防汛抗旱" in tree.read(county.host, path).decode()
    with django_capture_on_commit_callbacks(execute=True):
        notice.unpublish()
    run_tasks()
    assert run_static_publishing() >= 1
    assert "防汛抗旱" not in tree.read(county.host, path).decode()
    assert "防汛抗旱" not in tree.read(county.host, path + "rss.xml").decode()


def _unpublish_queries(page) -> int:
    page.refresh_from_db()
    with CaptureQueriesContext(connection) as queries:
        page.unpublish()
    return len(queries.captured_queries)


def test_unpublishing_the_source_withdraws_at_once_and_queues_the_targets_pages(
    province, province_editor, city, county, run_tasks, static_tree, settings
):
    """The editor's request withdraws the item from every target (their rows)
    and queues one task; the task has static publishing write each target's
    column again. The request's queries do not grow with the targets."""
    settings.SITES_HOST_MAP_TTL = 3600  # no registry version check in between
    from django_tasks_db.models import DBTaskResult

    from delivery import tree
    from delivery.selectors import page_address

    more = [SiteFactory.child(city, "county", name=f"撤回测试县{n}") for n in range(11)]
    few, many = [county, *more[:2]], [county, *more]

    def pushed(title, sites):
        page = ArticleFactory(
            parent=column(province, "tzgg"), publish=True, title=title
        )
        services.item_send(
            user=province_editor,
            page=page,
            targets=sites,
            column_code="tzgg",
            mandatory=True,
        )
        run_tasks()
        return page

    warm = pushed("预热用的通知", [county])
    first = pushed("三个县转载的通知", few)
    second = pushed("十二个县转载的通知", many)
    run_static_publishing()
    for site in few:
        listed = tree.read(site.host, page_address(column(site, "tzgg"))).decode()
        assert "三个县转载的通知" in listed
    _unpublish_queries(warm)
    run_tasks()
    run_static_publishing()

    queries_few = _unpublish_queries(first)
    # Withdrawn in the request; the targets' pages wait for the queued task.
    with all_sites():
        states = set(
            SyndicationTarget.objects.filter(item__source_page_id=first.pk).values_list(
                "state", flat=True
            )
        )
    assert states == {TargetState.WITHDRAWN}
    queued = DBTaskResult.objects.ready().filter(
        task_path="syndication.tasks.item_withdrawn_task"
    )
    assert [sorted(r.args_kwargs["args"][2]) for r in queued] == [
        sorted(site.pk for site in few)
    ]
    # Nothing of the targets' was recorded in the request: their files wait.
    run_static_publishing()
    county_column = page_address(column(county, "tzgg"))
    assert "三个县转载的通知" in tree.read(county.host, county_column).decode()
    assert run_tasks() >= 1
    assert run_static_publishing() >= 1
    for site in few:
        listed = tree.read(site.host, page_address(column(site, "tzgg"))).decode()
        assert "三个县转载的通知" not in listed

    queries_many = _unpublish_queries(second)
    assert queries_many == queries_few


def test_taken_notice_is_in_the_default_home_pages_column_block(
    province, province_editor, notice, county, run_tasks
):
    """A home page without chosen sections lists the newest items of each
    top-level column and its sub-columns: a taken item among them, at its own
    address, with its source."""
    home = county.root_page.specific
    home.sections = []
    home.save_revision().publish()
    own = ArticleFactory(parent=column(county, "gzdt"), publish=True, title="本县动态")
    rows = push_and_take(province_editor, notice, [county], run_tasks)
    html = client_for(county).get("/").content.decode()
    assert 'class="column-block"' in html
    assert f'<a href="{address(rows[county.pk])}">{notice.title}</a>' in html
    assert f"来源：{province.name}" in html
    assert own.title in html
    # Hidden by the county: it leaves the block.
    services.target_hide(
        user=member(county), target=rows[county.pk], reason="与本地无关"
    )
    assert notice.title not in client_for(county).get("/").content.decode()
