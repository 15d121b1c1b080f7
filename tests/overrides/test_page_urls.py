"""Pins for sites.overrides.page_urls: what it replaces on Wagtail's Page and Site
is still there, with the signatures and the private attribute it relies on, and
ours is what runs."""

import inspect

import pytest
from django.apps import apps
from wagtail.contrib.redirects import signal_handlers as redirect_handlers
from wagtail.models import Page, Site, get_page_models
from wagtail.models.sites import SiteRootPath

from cms.models import ColumnPage
from sites import routing
from sites.overrides import page_urls
from tests.overrides.conftest import fingerprint

ORIGINALS = page_urls.WAGTAIL_ORIGINALS

# Re-read Wagtail's function when one changes, carry the change into ours (or
# drop our override), then update its fingerprint here.
WAGTAIL_FINGERPRINTS = {
    "get_url": "c5ab8ff7e1eb617b",
    "relevant": "5fa0944fdee2eeb1",
    "get_site_root_paths": "166eac326fa05dce",
}


def _parameters(function):
    return [
        (p.name, p.default, p.kind)
        for p in inspect.signature(function).parameters.values()
    ]


def test_the_replaced_wagtail_functions_keep_their_signatures():
    assert _parameters(ORIGINALS["get_url"]) == [
        ("self", inspect.Parameter.empty, inspect.Parameter.POSITIONAL_OR_KEYWORD),
        ("request", None, inspect.Parameter.POSITIONAL_OR_KEYWORD),
        ("current_site", None, inspect.Parameter.POSITIONAL_OR_KEYWORD),
    ]
    assert _parameters(ORIGINALS["relevant"]) == [
        ("self", inspect.Parameter.empty, inspect.Parameter.POSITIONAL_OR_KEYWORD),
        ("cache_object", None, inspect.Parameter.POSITIONAL_OR_KEYWORD),
    ]
    assert isinstance(ORIGINALS["get_site_root_paths"], staticmethod)
    assert _parameters(ORIGINALS["get_site_root_paths"].__func__) == []
    assert isinstance(ORIGINALS["url"], property)
    assert ORIGINALS["url"].fget is ORIGINALS["get_url"]
    assert SiteRootPath._fields == ("site_id", "root_path", "root_url", "language_code")


def test_ours_take_the_same_arguments_as_wagtails():
    assert (
        _parameters(page_urls.page_get_url)[1:] == _parameters(ORIGINALS["get_url"])[1:]
    )
    assert (
        _parameters(page_urls.relevant_site_root_paths)[1:]
        == _parameters(ORIGINALS["relevant"])[1:]
    )


@pytest.mark.parametrize("name", sorted(WAGTAIL_FINGERPRINTS))
def test_the_replaced_wagtail_functions_are_the_ones_we_rewrote(name):
    original = ORIGINALS[name]
    function = original.__func__ if isinstance(original, staticmethod) else original
    assert fingerprint(function) == WAGTAIL_FINGERPRINTS[name], (
        f"Wagtail changed {function.__qualname__}: compare it with "
        "sites/overrides/page_urls.py"
    )


def test_wagtail_still_reaches_our_functions_through_the_names_we_replace():
    # get_url_parts, full_url and the redirects look root paths up through
    # _get_relevant_site_root_paths; the page cache and the redirects and page
    # chooser share every site's root paths through the private attribute.
    assert "self._get_relevant_site_root_paths(request)" in inspect.getsource(
        Page.get_url_parts
    )
    assert "self.get_url_parts(request=request)" in inspect.getsource(Page.get_full_url)
    cached = inspect.getsource(Page._get_site_root_paths)
    assert page_urls.CACHE_ATTRIBUTE in cached
    assert "Site.get_site_root_paths()" in cached
    handlers = inspect.getsource(redirect_handlers)
    assert page_urls.CACHE_ATTRIBUTE in handlers
    assert "_get_relevant_site_root_paths(cache_object=" in handlers
    from wagtail.admin.views import chooser

    assert page_urls.CACHE_ATTRIBUTE in inspect.getsource(chooser)


def test_after_install_ours_is_what_is_called():
    assert inspect.getattr_static(Page, "get_url") is page_urls.page_get_url
    assert inspect.getattr_static(Page, "url").fget is page_urls.page_get_url
    assert Page._get_relevant_site_root_paths is page_urls.relevant_site_root_paths
    assert Site.get_site_root_paths is page_urls.site_root_paths


def test_no_page_type_overrides_what_we_replace():
    """A page model defining one of these itself would bypass the host map."""
    assert apps.ready
    for model in get_page_models():
        for name in ("get_url", "url", "_get_relevant_site_root_paths"):
            owner = next(c for c in model.__mro__ if name in vars(c))
            assert owner is Page, f"{model.__name__}.{name} is {owner.__name__}'s"


@pytest.mark.django_db
def test_the_request_cache_holds_the_host_maps_paths_only(site, rf):
    column = ColumnPage.objects.descendant_of(site.wagtail_site.root_page).get(
        code="news"
    )
    request = rf.get("/", HTTP_HOST=site.host)
    request._wagtail_site = site.wagtail_site
    assert column.get_url(request) == "/news/"
    cached = getattr(request, page_urls.CACHE_ATTRIBUTE)
    assert cached is routing.get_host_map().sorted_root_paths
    assert cached and all(
        type(root) is SiteRootPath
        and all(isinstance(value, int | str) for value in root)
        for root in cached
    )
