"""A sweep over every admin URL that takes an object id: filled with another
site's page, image or document, none may show that object to an editor.

The hand-written rows in test_isolation.py name the paths we know; this catches the
ones nobody thought of (it found Wagtail's move confirmation page, which rendered
another site's page title on GET)."""

import re

import pytest
from django.urls import get_resolver

from tests.conftest import admin_client_for
from tests.sites.test_isolation import _content, shown, text_of

pytestmark = pytest.mark.django_db

ID_NAMES = re.compile(r"(^|_)(id|pk)$")


def _patterns(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            yield from _patterns(pattern, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


def admin_urls_for(objects) -> list[str]:
    """Every admin URL with object-id parameters, filled with ``objects``' ids."""
    urls = set()
    for pattern in _patterns(get_resolver()):
        if not pattern.startswith("admin/") or "^" in pattern or "(?P" in pattern:
            continue
        params = re.findall(r"<(?:(\w+):)?(\w+)>", pattern)
        if not params:
            continue
        kind = (
            "image"
            if "image" in pattern
            else "document"
            if "document" in pattern
            else "page"
        )
        url = "/" + pattern
        for _, name in params:
            if ID_NAMES.search(name):
                value = str(objects[kind].pk)
            elif name in ("app_label", "content_type_app_name"):
                value = "cms"
            elif name in ("model_name", "content_type_model_name"):
                value = "columnpage"
            else:
                break
            url = re.sub(rf"<(?:\w+:)?{name}>", value, url)
        else:
            urls.add(url)
    return sorted(urls)


@pytest.fixture
def theirs(other_site, django_capture_on_commit_callbacks, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return _content(other_site, "THEIRS", django_capture_on_commit_callbacks)


def _sweep(client, objects):
    shown_on = {}
    for url in admin_urls_for(objects):
        response = client.get(url)
        if response.status_code == 200:
            found = shown(objects, text_of(response), url)
            if found:
                shown_on[url] = found
    return shown_on


@pytest.fixture(params=["editor", "reviewer", "site_admin"])
def member(request):
    """Each role of site A in turn."""
    return request.getfixturevalue(request.param)


def test_no_admin_url_shows_a_member_another_sites_objects(member, theirs):
    assert len(admin_urls_for(theirs)) > 60
    assert _sweep(admin_client_for(member), theirs) == {}


def test_the_sweep_sees_objects_where_they_are_shown(platform_admin, theirs):
    """The same sweep as a platform admin finds the objects on many pages, so an
    empty result above means nothing was shown, not that nothing was looked at."""
    assert len(_sweep(admin_client_for(platform_admin), theirs)) > 20


def _state(objects):
    page = type(objects["page"]).objects.get(pk=objects["page"].pk)
    image = type(objects["image"]).objects.filter(pk=objects["image"].pk).first()
    document = (
        type(objects["document"]).objects.filter(pk=objects["document"].pk).first()
    )
    return (
        (page.title, page.live, page.path, page.locked, page.latest_revision_id),
        image and (image.title, image.collection_id),
        document and (document.title, document.collection_id),
    )


def test_posting_to_every_admin_url_changes_nothing_of_another_site(member, theirs):
    client = admin_client_for(member)
    client.raise_request_exception = False
    before = _state(theirs)
    shown_on = {}
    for url in admin_urls_for(theirs):
        response = client.post(
            url, {"title": "被篡改", "slug": "hacked", "action-publish": "1"}
        )
        if response.status_code == 200:
            found = shown(theirs, text_of(response), url)
            if found:
                shown_on[url] = found
    assert shown_on == {}
    assert _state(theirs) == before
