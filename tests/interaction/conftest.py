"""People who handle cases on the province → city → county hierarchy (with a
department of the city) of tests/conftest.py, and a helper that files a case as
the public would."""

import datetime
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from interaction import floodgate, services
from sites.models import SiteRole
from tests.conftest import _member
from tests.factories import ConsultationFactory, column


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _flood_gate():
    """Each test starts with no address refused by the flood gate (it lives in
    the process's memory, not in the rolled-back database)."""
    floodgate.forget_all()
    yield
    floodgate.forget_all()


@pytest.fixture
def county_handler(county):
    return _member(county, SiteRole.EDITOR)


@pytest.fixture
def city_handler(city):
    return _member(city, SiteRole.EDITOR)


@pytest.fixture
def county_admin(county):
    return _member(county, SiteRole.ADMIN)


def case_input(**overrides):
    values = {
        "kind": "complaint",
        "channel": "complaints",
        "title": "路灯不亮",
        "content": "幸福路的路灯坏了三天，请尽快修理。",
        "name": "张三",
        "phone": "13812345678",
        "email": "zhangsan@example.org",
        "id_number": "210102199001011234",
        "allow_public": True,
    }
    values.update(overrides)
    return services.CaseInput(**values)


def file_case(site, **overrides):
    """(case, query code) through the service, as the public form calls it."""
    key = overrides.pop("idempotency_key", str(uuid.uuid4()))
    return services.case_submit(
        site=site, data=case_input(**overrides), idempotency_key=key
    )


@pytest.fixture
def open_consultation(county):
    today = timezone.localdate()
    return ConsultationFactory(
        parent=column(county, "zjdc"),
        kind="other",
        starts_on=today - datetime.timedelta(days=3),
        ends_on=today + datetime.timedelta(days=30),
        publish=True,
    )


def public_client(site, **defaults):
    return Client(HTTP_HOST=site.host, enforce_csrf_checks=True, **defaults)
