"""Pins for sites.overrides.admin_urls (and the image preview the project's
urls.py shadows): each of Wagtail's URL names still gives the path we shadow and
the view we replace, and our view is what answers there. If Wagtail renames a
path, its unscoped view would answer again: these fail first."""

import inspect
import re

import pytest
from django.urls import URLResolver, get_resolver, resolve, reverse
from wagtail.images.views import images as wagtail_images

from sites.overrides.admin_urls import SHADOWED

WAGTAIL_ONLY = "tests.overrides.wagtail_urls"
SAMPLES = {"int": 7, "slug": "taggit", "str": "fill-10x10"}


def _kwargs(route):
    return {
        name: (SAMPLES[kind] if name != "model_name" else "tag")
        for kind, name in re.findall(r"<(\w+):(\w+)>", route)
    }


def _view(match):
    """The view behind Wagtail's decorators: its class, or the function."""
    return getattr(match.func, "view_class", None) or inspect.unwrap(match.func)


@pytest.mark.parametrize(
    ("name", "route", "replaced", "ours"), SHADOWED, ids=[s[0] for s in SHADOWED]
)
def test_each_shadowed_wagtail_url_keeps_its_name_path_and_view(
    name, route, replaced, ours
):
    kwargs = _kwargs(route)
    url = reverse(name, kwargs=kwargs, urlconf=WAGTAIL_ONLY)
    assert url == reverse(name, kwargs=kwargs)  # mounted where Wagtail's tests say
    assert url == "/" + re.sub(
        r"<\w+:(\w+)>", lambda m: str(kwargs[m.group(1)]), route
    ), f"Wagtail moved {name}: shadow its new path in sites/overrides/admin_urls.py"
    assert _view(resolve(url, urlconf=WAGTAIL_ONLY)) is replaced
    answered = resolve(url)
    assert answered.func is ours
    if inspect.isclass(replaced):
        assert issubclass(_view(answered), replaced)


def test_the_image_preview_is_shadowed_by_the_stored_rendition_view():
    url = reverse(
        "wagtailimages:preview",
        kwargs={"image_id": 7, "filter_spec": "fill-10x10"},
        urlconf=WAGTAIL_ONLY,
    )
    assert url == "/admin/images/7/preview/fill-10x10/"
    assert _view(resolve(url, urlconf=WAGTAIL_ONLY)) is wagtail_images.preview
    answered = resolve(url)
    assert answered.url_name == "wagtailimages_preview"
    assert inspect.unwrap(answered.func) is not wagtail_images.preview


def test_every_admin_url_matched_before_wagtails_is_pinned():
    """A new shadowing pattern must join the table (and so these pins)."""
    pinned = {route for _name, route, _replaced, _ours in SHADOWED}
    pinned.add("admin/images/<int:image_id>/preview/<str:filter_spec>/")
    found = set()
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and str(entry.pattern) == "admin/":
            break  # Wagtail's admin: everything from here on is its own
        children = (
            [(str(entry.pattern), c) for c in entry.url_patterns]
            if isinstance(entry, URLResolver)
            else [("", entry)]
        )
        for prefix, child in children:
            route = prefix + str(child.pattern)
            if route.startswith("admin/"):
                found.add(route)
    else:
        pytest.fail("Wagtail's admin is not mounted at admin/")
    assert found == pinned


def test_every_page_type_without_its_own_viewset_gets_the_scoped_one():
    """Not an override: ``register_admin_viewset`` at order 100 re-registers the
    base page viewset Wagtail registers at order -1. Pinned all the same: if
    Wagtail stops routing page views through its registry, the workflow views
    would answer unchecked."""
    from django.apps import apps
    from wagtail.admin.viewsets.pages import page_viewset_registry
    from wagtail.models import Page, get_page_models

    from sites.admin_scoping import ScopedPageViewSet

    get_resolver().url_patterns  # noqa: B018 - loads the admin, registering viewsets
    assert apps.ready
    assert isinstance(page_viewset_registry.get_by_type(Page), ScopedPageViewSet)
    scoped = [
        model
        for model in get_page_models()
        if isinstance(page_viewset_registry.get_by_type(model), ScopedPageViewSet)
    ]
    assert len(scoped) > 5
    for name in ("edit", "history", "workflow_action"):
        url = reverse(
            f"wagtailadmin_pages:{name}",
            args=[7] if name != "workflow_action" else [7, "approve", 7],
        )
        assert inspect.unwrap(resolve(url).func).__name__ == "view_router", name
