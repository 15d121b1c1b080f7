from urllib.parse import urlsplit

import pytest
from django.test import Client
from django_tasks_db.models import DBTaskResult

from sites.models import SiteRole
from sites.services import site_groups
from tests.factories import ArticleFactory, UserFactory, column


def member(site, role=SiteRole.EDITOR):
    user = UserFactory()
    site_groups(site=site)[role].user_set.add(user)
    return user


@pytest.fixture
def province_editor(province):
    return member(province)


@pytest.fixture
def county_editor(county):
    return member(county)


@pytest.fixture
def city_editor(city):
    return member(city)


@pytest.fixture
def notice(province):
    return ArticleFactory(
        parent=column(province, "tzgg"), publish=True, title="关于做好防汛工作的通知"
    )


def run_queued_tasks() -> int:
    """Run the queued tasks in the test's transaction (as tests.tasks does), but
    only syndication's and search's: Wagtail's own index tasks fail for a page
    deleted before they run, whatever syndication does."""
    ran = 0
    while True:
        results = list(
            DBTaskResult.objects.ready()
            .filter(task_path__regex=r"^(syndication|search)\.")
            .order_by("enqueued_at")
        )
        if not results:
            return ran
        for result in results:
            task = result.task
            task.func(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
            result.delete()
            ran += 1


@pytest.fixture
def run_tasks():
    return run_queued_tasks


def client_for(site):
    return Client(HTTP_HOST=site.host)


def address(target):
    """The reference's own address (path) on its target site."""
    return target.address_path(urlsplit(target.column.get_url()).path)
