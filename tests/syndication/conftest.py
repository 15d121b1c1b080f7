import pytest
from django.test import Client

from sites.models import SiteRole
from sites.services import site_groups
from tests.factories import ArticleFactory, UserFactory, column
from tests.tasks import run_queued_tasks


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


@pytest.fixture
def run_tasks():
    return run_queued_tasks


def client_for(site):
    return Client(HTTP_HOST=site.host)
