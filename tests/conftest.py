"""Shared fixtures: two provisioned sites and people who work on them.

``site`` and ``other_site`` are provisioned once per run (into the template database
every test database is copied from, tests/dbtemplate.py) and copied into
each test's transaction (tests/factories/shared.py): a test sees exactly the sites
it asks for, as just provisioned, and its changes to them roll back with it. A test
that needs a site of its own calls ``SiteFactory()``.
"""

import os
import shutil

import pytest
from django.test import Client

from sites.models import SiteRole
from sites.services import site_groups
from tests.factories import SiteFactory, UserFactory
from tests.factories.shared import Recipe, SharedSites

# The longest tests (each a minute or more on two cores) start first, so that the
# last minutes of a parallel run are not one worker finishing one of them alone.
LONG_FIRST = (
    "tests/ops/test_fault_drill.py",
    "tests/ops/test_wheel.py",
    "tests/cms/test_quickstart.py",
    "tests/admin_i18n/test_admin_in_chinese.py",
    "tests/ops/test_hostile_parameters.py",
    # Two live installs, minutes long (its own xdist group of one test, which
    # xdist otherwise starts where the collection puts it, near the end).
    "tests/syndication/test_exchange_live.py",
)


_NO_MARK = pytest.mark.django_db.mark


def _transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (
        marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
    ):
        return True
    return bool({"transactional_db", "live_server"} & set(item.fixturenames))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """After pytest-django's order (transactional tests last, as they empty the
    database), move the long tests that do not empty it to the front.

    Every transactional test must also ask for ``serialized_rollback``: one that
    does not re-creates the content types with new ids when it empties the
    database, and the next serialized one in the same process then fails to load
    the originals (a duplicate ``django_content_type`` key)."""
    unserialized = [
        item.nodeid
        for item in items
        if _transactional(item)
        and not (item.get_closest_marker("django_db") or _NO_MARK).kwargs.get(
            "serialized_rollback"
        )
        and "django_db_serialized_rollback" not in item.fixturenames
    ]
    if unserialized:
        raise pytest.UsageError(
            "transactional tests need django_db(transaction=True, "
            "serialized_rollback=True): " + ", ".join(unserialized[:5])
        )
    items.sort(
        key=lambda item: (
            not (item.nodeid.startswith(LONG_FIRST) and not _transactional(item))
        )
    )


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix, django_db_blocker
):
    """Each test database is a copy of one migrated template (tests/dbtemplate.py)
    that also holds the shared sites' copies: the run's processes migrate and
    provision the shared sites once between them, and a later run not at all while
    the migrations, packages and code stay the same."""
    from django.db import connection

    from tests import dbtemplate

    def provision_shared_sites():
        SharedSites.build(SHARED_SITES)
        SharedSites.make_durable()

    with django_db_blocker.unblock():
        template = dbtemplate.ensure_filled(connection, provision_shared_sites)
    connection.settings_dict["TEST"]["TEMPLATE"] = template


@pytest.fixture(autouse=True)
def _retire_shared_sites_for_transactional_tests(request):
    """From the first transactional test on (pytest-django runs them last), this
    process provisions sites per test again (SharedSites.retire says why)."""
    if _transactional(request.node):
        request.getfixturevalue("django_db_setup")
        with request.getfixturevalue("django_db_blocker").unblock():
            SharedSites.retire()


@pytest.fixture(autouse=True)
def fresh_host_map():
    """The host map is process-wide; no test sees another test's sites."""
    from sites import routing

    routing.reset_local()
    yield
    routing.reset_local()


@pytest.fixture(autouse=True)
def fresh_kept_values():
    """What a process keeps per generation or stamp (the chrome, the column
    map, the restricted and alias paths, the page cache's local copies, the
    reply rules, the calendar: every ``sites.generation.Kept``) is forgotten
    before each test. The stamps live in the database cache: a shared site's
    generation was committed with the template, and each test's moves roll
    back, so every test starts on the same stamp, under which an earlier test
    in this process may have kept values made from its own rows."""
    from sites.generation import Kept

    Kept.clear_all()


# The sites provisioned once per process (tests/factories/shared.py), in this
# order. A recipe with a parent is restored under that parent's shared site; its
# fixture requests the parent's first.
SHARED_SITES = [
    # A province -> city -> county hierarchy with a department of the city.
    Recipe("province", lambda parent: SiteFactory(name="测试省人民政府")),
    Recipe(
        "city",
        lambda parent: SiteFactory.child(parent, "city", name="测试市人民政府"),
        parent="province",
    ),
    Recipe(
        "county",
        lambda parent: SiteFactory.child(parent, "county", name="测试县人民政府"),
        parent="city",
    ),
    Recipe(
        "department",
        lambda parent: SiteFactory.child(parent, "department", name="测试市教育局"),
        parent="city",
    ),
    # Collections are kept sorted by name: a site whose collection sorted before
    # an earlier one's would move it, so these come after the province's.
    # Fixed names, each sorting after the one before it under the same parent.
    Recipe("site", lambda parent: SiteFactory(name="测试站点一")),
    Recipe("other_site", lambda parent: SiteFactory(name="测试站点二")),
    # Under ``site``: a city with two counties (tests/sites/test_isolation_media.py).
    Recipe(
        "site_city",
        lambda parent: SiteFactory.child(parent, "city", name="测试站点一市"),
        parent="site",
    ),
    Recipe(
        "site_county",
        lambda parent: SiteFactory.child(parent, "county", name="测试站点一县"),
        parent="site_city",
    ),
    Recipe(
        "site_sibling_county",
        lambda parent: SiteFactory.child(parent, "county", name="测试站点一邻县"),
        parent="site_city",
    ),
]


@pytest.fixture(scope="session")
def shared_sites(django_db_setup, django_db_blocker):
    """The shared sites' rows: those the template was built with (this process's
    test database is a copy), else provisioned once for this process."""
    from wagtail.models import Page

    with django_db_blocker.unblock():
        if not Page.objects.filter(depth=1).exists():
            # A transactional test emptied the database before the first test
            # that asked for a site: every such test provisions its own.
            return SharedSites(SHARED_SITES)
        return SharedSites.load(SHARED_SITES) or SharedSites.build(SHARED_SITES)


@pytest.fixture
def site(shared_sites, db):
    return shared_sites.get("site")


@pytest.fixture
def other_site(shared_sites, db):
    return shared_sites.get("other_site")


# The hierarchy of SHARED_SITES: a province, a city under it, a county and a
# department under the city.
@pytest.fixture
def province(shared_sites, db):
    return shared_sites.get("province")


@pytest.fixture
def city(shared_sites, province):
    return shared_sites.get("city", parent=province)


@pytest.fixture
def county(shared_sites, city):
    return shared_sites.get("county", parent=city)


@pytest.fixture
def department(shared_sites, city):
    return shared_sites.get("department", parent=city)


def _member(site, role):
    user = UserFactory()
    site_groups(site=site)[role].user_set.add(user)
    return user


@pytest.fixture
def editor(site):
    return _member(site, SiteRole.EDITOR)


@pytest.fixture
def reviewer(site):
    return _member(site, SiteRole.REVIEWER)


@pytest.fixture
def site_admin(site):
    return _member(site, SiteRole.ADMIN)


@pytest.fixture
def other_editor(other_site):
    return _member(other_site, SiteRole.EDITOR)


@pytest.fixture
def platform_admin(db):
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def english_messages(settings):
    """English messages, for tests that compare them with their source text; the
    admin serves Chinese by default (tests/uploads/test_in_chinese.py and
    tests/content check the translations)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def site_client(site):
    """A client whose requests go to ``site``'s host."""
    return Client(HTTP_HOST=site.host)


def admin_client_for(user, host="localhost"):
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    return client


@pytest.fixture
def chromium_path():
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if not path:
        pytest.skip(
            "no Chromium found: install Debian's chromium (.ci/run does) "
            "or set CHROMIUM_PATH"
        )
    return path


@pytest.fixture
def browser(chromium_path):
    """A real headless Chromium driven by Playwright."""
    # Playwright's sync API runs an event loop in this thread; the Django ORM
    # refuses to run beside one unless told the test knows what it does.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            yield browser
        finally:
            browser.close()
            # Code run while Playwright drives the browser gets its own Django
            # connection (Playwright switches greenlets, and with them the
            # context Django keeps connections in): close it here, or the test
            # database cannot be dropped at the end.
            from django.db import connections

            connections.close_all()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
