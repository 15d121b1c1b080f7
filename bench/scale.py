"""The platform at 10, 100, 1,000 and 3,000 sites, beside vanilla Wagtail doing the
same in the same run.

- provisioning the 1st, 100th and 3,000th site (ours: the whole site through
  ``site_provision``; vanilla: a Wagtail ``Site`` with the same page tree);
- resolving a request's site (ours: the host map; vanilla: ``Site.find_for_request``);
- rendering a column page with 20 internal links (ours, and Wagtail's own root-path
  lookups put back for the vanilla figure);
- the page explorer for a user who manages 10, 100 and 1,000 sites (ours: one
  permission row at the supervising site's folder; vanilla: one row per site).

Sites other than the measured ones are made by a bench-only filler (a folder, a home
page, a Wagtail site, a collection and a registry row each) to keep the run short.
"""

from __future__ import annotations

import time

from .common import header, median_ms, row, setup_django

DATABASE = "govplatform_bench_scale"
CHECKPOINTS = (10, 3000)
SUPERVISED = (10, 100, 1000)


class Filler:
    def __init__(self):
        self.n = 0

    def site(self, parent):
        """A light site under ``parent`` (a GovSite), bypassing validation."""
        from wagtail.models import Site

        from cms.models import HomePage
        from sites.models import GovSite, SiteFolderPage, SiteHost

        self.n += 1
        code = f"9{self.n:09d}"
        folder = SiteFolderPage(title=f"填充站点{self.n}", slug=code)
        parent.folder_page.add_child(instance=folder)
        home = HomePage(title=f"填充站点{self.n}", slug="home")
        folder.add_child(instance=home)
        collection = parent.collection.add_child(name=f"填充{code}")
        host = f"f{self.n}.bench.localhost"
        wagtail_site = Site.objects.create(hostname=host, port=80, root_page=home)
        site = GovSite.objects.create(
            code=code,
            name=f"填充站点{self.n}",
            level="county",
            parent=parent,
            division_code=parent.division_code,
            host=host,
            tree_path=f"{parent.tree_path}{code}/",
            wagtail_site=wagtail_site,
            folder_page=folder,
            collection=collection,
        )
        SiteHost.objects.create(govsite=site, hostname=host, is_primary=True)
        return site


def _vanilla_provision(n):
    """What vanilla Wagtail does to add a site: a Site and its page tree."""
    from django.conf import settings
    from django.db import transaction
    from wagtail.models import Page, Site

    from cms.models import HomePage
    from sites.column_templates import column_template
    from sites.services import _add_columns

    with transaction.atomic():
        home = HomePage(title=f"原生站点{n}", slug=f"vanilla{n}")
        Page.get_first_root_node().add_child(instance=home)
        _add_columns(home, column_template("county"))
        Site.objects.create(
            hostname=f"v{n}.vanilla.localhost", port=settings.SITE_PORT, root_page=home
        )


def _timed(fn):
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def _provision_counties(first, parent, runs=3):
    """Median time of ``runs`` county provisionings, ours and vanilla."""
    import statistics

    from sites.services import site_provision

    ours = [
        _timed(lambda n=n: site_provision(details=_county(n, parent)))
        for n in range(first, first + runs)
    ]
    vanilla = [
        _timed(lambda n=n: _vanilla_provision(n)) for n in range(first, first + runs)
    ]
    return statistics.median(ours), statistics.median(vanilla)


def _county(n, parent):
    from sites.services import SiteDetails

    division = f"{parent.division_code[:4]}{n % 90 + 1:02d}"
    return SiteDetails(
        code=f"{division}{n % 10000:04d}",
        name=f"测试县{n}",
        level="county",
        host=f"c{n}.bench.localhost",
        division_code=division,
        parent_code=parent.code,
    )


def main():
    setup_django(DATABASE, fresh=True)

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.test import Client, RequestFactory
    from wagtail.models import GroupPagePermission, Page, Site

    from cms.models import ColumnPage
    from sites import routing
    from sites.models import GovSite, SiteRole
    from sites.overrides import page_urls
    from sites.services import SiteDetails, site_groups, site_provision

    header("scale: sites 1 .. 3,000, ours beside vanilla Wagtail")
    filler = Filler()
    provisioning = {}

    province = None

    def provision_province():
        nonlocal province
        province = site_provision(
            details=SiteDetails(
                code="2100000001",
                name="辽宁省人民政府",
                level="province",
                host="ln.bench.localhost",
                division_code="210000",
            )
        )

    provisioning[1] = (
        _timed(provision_province),
        _timed(lambda: _vanilla_provision(1)),
    )
    city = site_provision(
        details=SiteDetails(
            code="2101000001",
            name="沈阳市人民政府",
            level="city",
            host="sy.bench.localhost",
            division_code="210100",
            parent_code="2100000001",
        )
    )
    # The measured column: 20 children, so its listing carries 20 internal links.
    news = ColumnPage.objects.child_of(province.wagtail_site.root_page).get(code="news")
    for i in range(20):
        news.add_child(
            instance=ColumnPage(title=f"新闻{i}", slug=f"n{i}", code=f"n{i}")
        )
    supervisors = {}
    for count in SUPERVISED:
        supervisors[count] = site_provision(
            details=SiteDetails(
                code=f"21{count % 89 + 10:02d}000001",
                name=f"监管市{count}",
                level="city",
                host=f"city{count}.bench.localhost",
                division_code=f"21{count % 89 + 10:02d}00",
                parent_code="2100000001",
            )
        )

    client = Client(HTTP_HOST="ln.bench.localhost")
    factory = RequestFactory()
    routing.invalidate()

    def measure_requests(total):
        routing.invalidate()
        routing.get_host_map()
        ours_resolve = median_ms(
            lambda: routing.site_for(routing.resolve("ln.bench.localhost")), repeat=2000
        )

        def vanilla_resolve():
            request = factory.get("/", HTTP_HOST="ln.bench.localhost")
            return Site._find_for_request(request)

        vanilla = median_ms(vanilla_resolve, repeat=200)
        ours_render = median_ms(lambda: client.get("/news/"), repeat=30)
        page_urls.uninstall()
        try:
            vanilla_render = median_ms(lambda: client.get("/news/"), repeat=30)
        finally:
            page_urls.install()
        return ours_resolve, vanilla, ours_render, vanilla_render

    results = {}
    sites = GovSite.objects.count()
    supervised_added = False
    while sites < 2999:
        if sites + 1 == 100:
            provisioning[100] = _provision_counties(100, city)
            sites += 2
        elif sites >= 100 and not supervised_added:
            # Sites under the supervising cities, for the explorer figures.
            for count, supervisor in supervisors.items():
                for _ in range(count):
                    filler.site(supervisor)
                sites += count
            supervised_added = True
            continue
        else:
            filler.site(city)
        sites += 1
        if sites == CHECKPOINTS[0]:
            results[sites] = measure_requests(sites)
    provisioning[3000] = _provision_counties(3000, city)
    results[3000] = measure_requests(3000)
    print(f"  sites in the registry at the end: {GovSite.objects.count()}")
    print(
        "  provisioning one site (ours: registry, groups, collection, page tree;"
        " #1 a province, #100 and #3000 counties, medians of 3)"
    )
    for n, (ours, vanilla) in sorted(provisioning.items()):
        row(f"    site #{n}: vanilla Wagtail Site + page tree (baseline)", vanilla)
        row(f"    site #{n}: site_provision", ours, baseline=vanilla)
    row(
        "    site #3000 against site #100 (ours)",
        provisioning[3000][0],
        baseline=provisioning[100][0],
    )
    print("  resolving the site of a request")
    for target in CHECKPOINTS:
        ours, vanilla, _, _ = results[target]
        row(f"    {target} sites: Site.find_for_request (baseline)", vanilla)
        row(f"    {target} sites: host map", ours, baseline=vanilla)
    print("  column page with 20 internal links")
    for target in CHECKPOINTS:
        _, _, ours, vanilla = results[target]
        row(f"    {target} sites: vanilla root-path lookups (baseline)", vanilla)
        row(f"    {target} sites: ours", ours, baseline=vanilla)
    row(
        "    3000 sites against 10 sites (ours)",
        results[3000][2],
        baseline=results[10][2],
    )

    print("  page explorer (/admin/pages/) for a user who manages N sites")
    user_model = get_user_model()
    perms = list(
        Permission.objects.filter(
            content_type__app_label="wagtailcore",
            codename__in=["add_page", "change_page"],
        )
    )
    for count, supervisor in supervisors.items():
        ours_user = user_model.objects.create_user(f"ours{count}", password="x")
        site_groups(site=supervisor)[SiteRole.ADMIN].user_set.add(ours_user)
        vanilla_user = user_model.objects.create_user(f"vanilla{count}", password="x")
        group = Group.objects.create(name=f"vanilla {count}")
        group.permissions.add(Permission.objects.get(codename="access_admin"))
        homes = Page.objects.filter(
            pk__in=GovSite.objects.filter(parent=supervisor).values(
                "wagtail_site__root_page"
            )
        )
        GroupPagePermission.objects.bulk_create(
            GroupPagePermission(group=group, page=home, permission=perm)
            for home in homes
            for perm in perms
        )
        vanilla_user.groups.add(group)
        timings = []
        for user in (vanilla_user, ours_user):
            admin = Client(HTTP_HOST="localhost")
            admin.force_login(user)
            repeat = 1 if count >= 1000 and user is vanilla_user else 5
            timings.append(
                median_ms(
                    lambda a=admin: a.get("/admin/pages/"), repeat=repeat, warmup=1
                )
            )
        rows = homes.count() * len(perms)
        row(
            f"    {count} sites: vanilla, {rows} permission rows (baseline)", timings[0]
        )
        row(
            f"    {count} sites: ours, 6 rows at the city's folder",
            timings[1],
            baseline=timings[0],
        )
