"""Pins for the private names of Django and Wagtail the platform uses where they
stand, outside sites/overrides/: a rename fails here, not in production."""

import inspect

from django.db.models.query import QuerySet
from django.forms.models import BaseModelForm
from django.http import HttpRequest
from wagtail.documents.models import AbstractDocument
from wagtail.images.models import AbstractImage
from wagtail.models import Site


def _parameters(function):
    return list(inspect.signature(function).parameters)


def test_wagtail_takes_the_site_the_routing_middleware_leaves_on_the_request(rf):
    """sites/middleware.py sets ``request._wagtail_site`` (the registry's site, or
    None on the platform's hosts) so that Wagtail never looks a site up by host
    and never falls back to a default site."""
    assert 'hasattr(request, "_wagtail_site")' in inspect.getsource(
        Site.find_for_request
    )
    request = rf.get("/", HTTP_HOST="nobody.localhost")
    request._wagtail_site = None
    assert Site.find_for_request(request) is None  # no query: no database here
    site = Site(id=7, hostname="a.localhost", root_page_id=3)
    request._wagtail_site = site
    assert Site.find_for_request(request) is site


def test_the_private_django_and_wagtail_methods_we_call_keep_their_signatures():
    # sites/middleware.py and the outage page read the host before Django's check.
    assert _parameters(HttpRequest._get_raw_host) == ["self"]
    # search/backends/postgres.py empties the index without loading its rows.
    assert _parameters(QuerySet._raw_delete) == ["self", "using"]
    # Forms that validate inline panels after the model's own checks.
    assert _parameters(BaseModelForm._post_clean) == ["self"]
    # The upload checks rewrite a stripped file and its hash.
    assert _parameters(AbstractImage._set_file_hash) == ["self"]
    assert _parameters(AbstractDocument._set_file_hash) == ["self"]
