"""Every kind of page carries a Content-Security-Policy: public pages allow no
inline script or style anywhere, the admin gets its own policy, and the pages hold
no inline script, event handler or style for the policy to refuse."""

from html.parser import HTMLParser

import pytest
from django.test import Client, override_settings

from sites.models import GovSite
from tests.conftest import admin_client_for
from tests.themes.conftest import build_pages, set_theme

pytestmark = pytest.mark.django_db

THEMES = ["base", "portal", "county", "department"]


def policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def effective(directives, name):
    """A fetch directive's sources, falling back to default-src as browsers do."""
    return directives.get(name, directives.get("default-src", []))


class Inline(HTMLParser):
    """Inline scripts, event-handler attributes, style elements and attributes."""

    def __init__(self, html):
        super().__init__()
        self.found = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src"):
            if attrs.get("type") not in ("application/json", "application/ld+json"):
                self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if name == "style":
                self.found.append(f"{tag} style=")
            if name in ("href", "src", "action") and (value or "").lower().startswith(
                "javascript:"
            ):
                self.found.append(f"{tag} {name}=javascript:")


def assert_strict_public_policy(response):
    directives = policy(response)
    for name in ("script-src", "style-src"):
        sources = effective(directives, name)
        assert "'unsafe-inline'" not in sources, (name, sources)
        assert "'unsafe-eval'" not in sources, (name, sources)
        assert sources == ["'self'"], (name, sources)
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    return directives


def public_paths(site):
    pages = build_pages(site)
    return {
        **pages.paths(),
        "search": "/search/?q=营商环境&date_from=2026-01-01",
        "letter form": "/interaction/cases/new/?channel=complaints",
        "case look-up": "/interaction/cases/lookup/",
        "published letters": "/interaction/cases/",
        "comment form": f"/interaction/consultations/{pages.consultation.pk}/comment/",
        "missing page": "/no/such/page/",
    }


@pytest.mark.parametrize("theme", THEMES)
def test_every_public_page_kind_has_a_strict_policy_and_nothing_inline(site, theme):
    set_theme(site, theme)
    client = Client(HTTP_HOST=site.host)
    for name, path in public_paths(site).items():
        response = client.get(path)
        assert response.status_code in (200, 404), (name, response.status_code)
        assert_strict_public_policy(response)
        found = Inline(response.content.decode()).found
        assert found == [], (name, found)


def test_the_theme_colours_are_a_stylesheet_the_policy_allows(site):
    from themes.models import ThemeSettings

    ThemeSettings.objects.create(site=site.wagtail_site, primary_colour="#1E5A8C")
    client = Client(HTTP_HOST=site.host)
    html = client.get("/").content.decode()
    assert '<link rel="stylesheet" href="/themes/colours/1e5a8c.css">' in html
    css = client.get("/themes/colours/1e5a8c.css")
    assert css.status_code == 200
    assert css["Content-Type"].startswith("text/css")
    assert "--primary: #1e5a8c;" in css.content.decode()
    assert "--primary-dark: #" in css.content.decode()
    assert "immutable" in css["Cache-Control"]
    # Only six hexadecimal digits make a stylesheet: nothing else can be injected.
    for bad in ("/themes/colours/1e5a8c;x.css", "/themes/colours/red.css"):
        assert client.get(bad).status_code == 404, bad


def test_a_closed_site_and_a_server_error_have_the_strict_policy(site):
    set_theme(site, "department")
    GovSite.objects.filter(pk=site.pk).update(status="closed")
    from sites import routing

    routing.invalidate()
    response = Client(HTTP_HOST=site.host).get("/news/")
    assert response.status_code == 410
    assert_strict_public_policy(response)
    assert Inline(response.content.decode()).found == []


@override_settings(ROOT_URLCONF="tests.themes.urls")
def test_the_themed_500_page_has_the_strict_policy(site):
    client = Client(HTTP_HOST=site.host, raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert_strict_public_policy(response)
    assert Inline(response.content.decode()).found == []


def test_the_platform_index_has_the_strict_policy(site):
    response = Client(HTTP_HOST="localhost").get("/")
    assert response.status_code == 200
    assert_strict_public_policy(response)
    assert Inline(response.content.decode()).found == []


def test_the_admin_has_its_own_policy(site, editor):
    pages = build_pages(site)
    signed_in = admin_client_for(editor)
    for client, path in (
        (Client(HTTP_HOST="localhost"), "/admin/login/"),
        (signed_in, "/admin/"),
        (signed_in, f"/admin/pages/{pages.article.pk}/edit/"),
        (signed_in, "/admin/images/"),
        (signed_in, "/admin/images/multiple/add/"),
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        directives = policy(response)
        assert directives["default-src"] == ["'self'"], path
        assert directives["object-src"] == ["'none'"], path
        assert directives["frame-ancestors"] == ["'self'"], path
        # Nothing from another host: no Gravatar, no release check.
        assert all(
            source.startswith("'") or source in ("data:", "blob:")
            for sources in directives.values()
            for source in sources
        ), (path, directives)
        assert "gravatar" not in response.content.decode(), path


def test_documents_keep_wagtails_own_stricter_policy(site, settings, tmp_path):
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document

    settings.MEDIA_ROOT = tmp_path / "media"
    document = Document.objects.create(
        title="附件",
        file=ContentFile(b"%PDF-1.4\n", name="fujian.pdf"),
        collection=site.collection,
    )
    response = Client(HTTP_HOST=site.host).get(document.url)
    response.close()
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
