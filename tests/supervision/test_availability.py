"""Availability probes of home pages, through core.outbound, against local
servers (loopback allowed in these tests only)."""

import time

import pytest

from sites.tenancy import all_sites
from supervision import availability
from supervision.models import AvailabilityProbe
from tests.conftest import admin_client_for

from .test_links import Server, gone, ok

pytestmark = pytest.mark.django_db


def slow(handler, with_body):
    time.sleep(1.2)
    ok(handler, with_body)


@pytest.fixture
def home(settings, monkeypatch):
    settings.AVAILABILITY_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    server = Server()
    monkeypatch.setattr(availability, "home_url", lambda site: server.url("/"))
    yield server
    server.close()


def test_a_home_page_that_answers_is_available(county, home):
    home.httpd.routes["/"] = ok
    probe = availability.availability_probe(site=county)
    assert (probe.available, probe.status, probe.error) == (True, 200, "")
    assert probe.elapsed_ms is not None
    assert ("GET", "/") in home.httpd.seen


def test_an_error_is_not_available(county, home):
    home.httpd.routes["/"] = gone
    probe = availability.availability_probe(site=county)
    assert (probe.available, probe.status) == (False, 410)


def test_slower_than_the_limit_counts_as_unavailable(county, home, monkeypatch):
    monkeypatch.setattr(availability, "SLOW_SECONDS", 0.5)
    home.httpd.routes["/"] = slow
    probe = availability.availability_probe(site=county)
    assert probe.status == 200
    assert probe.available is False
    assert probe.error


def test_internal_addresses_refused_without_the_allowance(county, home, settings):
    settings.AVAILABILITY_ALLOWED_NETWORKS = ()
    home.httpd.routes["/"] = ok
    probe = availability.availability_probe(site=county)
    assert probe.available is False and probe.status is None
    assert home.httpd.seen == []


def test_probes_are_shown_to_the_sites_staff_only(
    county, home, other_editor, platform_admin
):
    home.httpd.routes["/"] = gone
    availability.availability_probe(site=county)
    with all_sites():
        assert AvailabilityProbe.objects.filter(site=county).count() == 1
    url = "/admin/supervision/availability/"
    assert county.name in admin_client_for(platform_admin).get(url).content.decode()
    response = admin_client_for(other_editor).get(url)
    assert response.status_code == 200
    assert county.name not in response.content.decode()
