"""The theme registry and template loading: each site's pages in its own theme, a
missing template from the base theme, an unknown theme rendered with the base
theme and a warning."""

import logging

import pytest
from django.contrib.staticfiles import finders
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.test import Client

from tests.factories import SiteFactory
from tests.themes.conftest import set_theme
from themes import registry
from themes.loaders import use_theme

pytestmark = pytest.mark.django_db

SHIPPED = ["portal", "county", "department"]


def test_three_themes_ship_beside_the_base_theme():
    names = [theme.name for theme in registry.theme_list()]
    assert names[0] == "base"
    assert set(SHIPPED) <= set(names)
    for name in SHIPPED:
        theme = registry.theme_find(name)
        assert (theme.template_dir / "base.html").is_file()
        assert finders.find(f"themes/{name}/theme.css"), name


def test_a_theme_without_its_folder_is_refused(tmp_path):
    with pytest.raises(ValueError, match="no folder"):
        registry.register(
            registry.Theme(name="ghost", label="x", description="x", primary="#000000")
        )
    assert registry.theme_find("ghost") is None


@pytest.mark.parametrize("theme", SHIPPED)
def test_each_sites_pages_use_its_theme(theme):
    site = set_theme(SiteFactory(), theme)
    html = Client(HTTP_HOST=site.host).get("/").content.decode()
    assert f'class="theme-{theme}"' in html
    assert f"/static/themes/{theme}/theme.css" in html
    assert "/static/themes/base/base.css" in html


def test_sites_in_different_themes_never_share_a_cached_template():
    portal = set_theme(SiteFactory(), "portal")
    county = set_theme(SiteFactory(), "county")
    for _ in range(2):  # the second round is served from the template cache
        for site, theme in ((portal, "portal"), (county, "county"), (portal, "portal")):
            html = Client(HTTP_HOST=site.host).get("/news/").content.decode()
            assert f"/static/themes/{theme}/theme.css" in html
            assert site.name in html


def test_a_template_the_theme_lacks_comes_from_the_base_theme():
    assert not (registry.theme_find("county").template_dir / "cms").exists()
    with use_theme("county"):
        base = get_template("base.html")
        article = get_template("cms/article_page.html")
    assert base.origin.name.endswith("themes/county/templates/base.html")
    assert article.origin.name.endswith("themes/base/templates/cms/article_page.html")


def test_a_theme_extends_the_base_theme_by_its_explicit_name():
    with use_theme("portal"):
        html = render_to_string("base.html", {})
    assert "/static/themes/portal/theme.css" in html
    assert "/static/themes/base/base.css" in html
    with pytest.raises(TemplateDoesNotExist):
        get_template("themes/nothing/base.html")


def test_outside_a_request_templates_come_from_the_base_theme():
    assert get_template("base.html").origin.name.endswith(
        "themes/base/templates/base.html"
    )


def test_an_unknown_theme_renders_with_the_base_theme_and_logs_a_warning(caplog):
    site = set_theme(SiteFactory(), "retired-2019")
    client = Client(HTTP_HOST=site.host)
    with caplog.at_level(logging.WARNING, logger="themes.registry"):
        response = client.get("/")
        client.get("/news/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="theme-base"' in html
    assert "/static/themes/base/base.css" in html
    warnings = [r for r in caplog.records if "retired-2019" in r.getMessage()]
    assert len(warnings) == 1  # once per site and name, not on every request
    assert site.code in warnings[0].getMessage()
