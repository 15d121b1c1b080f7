"""Pins for sites.overrides.allowed_hosts: Django reads ALLOWED_HOSTS on every
host check and iterates it, so the registry-following list takes part."""

import inspect

import pytest
from django.http import request as http_request
from django.http.request import HttpRequest, validate_host
from django.test import Client

from sites import routing
from sites.overrides import allowed_hosts
from sites.overrides.allowed_hosts import RegistryAllowedHosts


def test_django_reads_allowed_hosts_on_each_check_and_iterates_them():
    assert list(inspect.signature(validate_host).parameters) == [
        "host",
        "allowed_hosts",
    ]
    assert "for pattern in allowed_hosts" in inspect.getsource(validate_host)
    get_host = inspect.getsource(HttpRequest.get_host)
    assert "settings.ALLOWED_HOSTS" in get_host
    assert "validate_host(domain, allowed_hosts)" in get_host
    assert http_request.validate_host is validate_host


def test_the_verified_host_passes_and_no_other(settings):
    hosts = RegistryAllowedHosts(["localhost"])
    assert not validate_host("a.example.cn", hosts)
    token = routing.verified_host.set("a.example.cn")
    try:
        assert validate_host("a.example.cn", hosts)
        assert not validate_host("b.example.cn", hosts)
    finally:
        routing.verified_host.reset(token)
    assert validate_host("localhost", hosts)
    assert not validate_host("a.example.cn", hosts)


def test_install_wraps_the_configured_hosts_once(settings):
    settings.ALLOWED_HOSTS = ["gov.example.cn"]
    allowed_hosts.install()
    installed = settings.ALLOWED_HOSTS
    assert isinstance(installed, RegistryAllowedHosts)
    assert list(installed) == ["gov.example.cn"]
    allowed_hosts.install()
    assert settings.ALLOWED_HOSTS is installed


@pytest.mark.django_db
def test_allowed_hosts_follow_the_registry(site, settings):
    """Only the platform's hosts are configured; a registered site's host passes
    Django's host check, an unregistered one never reaches it."""
    settings.ALLOWED_HOSTS = RegistryAllowedHosts(["localhost"])
    assert Client(HTTP_HOST=site.host).get("/").status_code == 200
    assert Client(HTTP_HOST="localhost").get("/").status_code == 200
    assert Client(HTTP_HOST="nobody.localhost").get("/").status_code == 404
    settings.ALLOWED_HOSTS = ["localhost"]  # a plain list: the site is refused
    assert Client(HTTP_HOST=site.host).get("/").status_code == 400
