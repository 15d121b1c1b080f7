"""Per-site theme settings: a site's admins edit their own site's logo, banner,
colour and quick links, never another site's; bad input is refused with a reason;
one site's settings never show on another site's pages."""

import io

import pytest
from django.core.files.images import ImageFile
from django.test import Client
from PIL import Image as PILImage
from wagtail.images.models import Image

from tests.conftest import admin_client_for
from themes.models import ThemeSettings

pytestmark = pytest.mark.django_db

URL = "/admin/settings/themes/themesettings/{}/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def image(site, title):
    buffer = io.BytesIO()
    PILImage.new("RGB", (120, 40), "navy").save(buffer, "PNG")
    return Image.objects.create(
        title=title,
        file=ImageFile(io.BytesIO(buffer.getvalue()), name=f"{title}.png"),
        collection=site.collection,
    )


def form(**values):
    data = {
        "logo": "",
        "banner": "",
        "banner_alt": "",
        "primary_colour": "",
        "organ_mark_url": "",
        "quick_links-count": "0",
    }
    data.update(values)
    return data


def quick_link(data, n, title, url, icon):
    data.update(
        {
            f"quick_links-{n}-type": "link",
            f"quick_links-{n}-deleted": "",
            f"quick_links-{n}-order": str(n),
            f"quick_links-{n}-value-title": title,
            f"quick_links-{n}-value-url": url,
            f"quick_links-{n}-value-icon": icon,
        }
    )
    data["quick_links-count"] = str(n + 1)
    return data


def test_a_site_admin_sets_their_sites_logo_colour_and_quick_links(site, site_admin):
    logo = image(site, "本站标志")
    client = admin_client_for(site_admin)
    data = form(logo=str(logo.pk), primary_colour="#1e5a8c")
    quick_link(data, 0, "辽宁政务服务网", "https://www.lnzwfw.example.cn/", "service")
    quick_link(data, 1, "12345热线", "https://12345.example.cn/", "hotline")
    response = client.post(URL.format(site.wagtail_site.pk), data)
    assert response.status_code == 302, response.context["form"].errors
    saved = ThemeSettings.for_site(site.wagtail_site)
    assert saved.logo == logo and saved.primary_colour == "#1e5a8c"
    html = Client(HTTP_HOST=site.host).get("/").content.decode()
    assert "/themes/colours/1e5a8c.css" in html
    assert 'class="site-logo"' in html and 'alt=""' in html
    assert "辽宁政务服务网" in html and "icon-hotline" in html
    assert 'href="https://12345.example.cn/"' in html


def test_bad_input_is_refused_with_its_reason(site, site_admin, other_site):
    client = admin_client_for(site_admin)
    theirs = image(other_site, "他站图片")
    cases = [
        (form(primary_colour="red"), "primary_colour", "六位十六进制"),
        (form(primary_colour="#f5d76e"), "primary_colour", "4.5:1"),
        (form(logo=str(theirs.pk)), "logo", "本网站自己的图片"),
        (form(banner=str(image(site, "横幅").pk)), "banner_alt", "横幅"),
    ]
    for data, field, reason in cases:
        response = client.post(URL.format(site.wagtail_site.pk), data)
        assert response.status_code == 200, field
        errors = response.context["form"].errors
        assert field in errors, (field, errors)
        assert reason in " ".join(errors[field]), (field, errors[field])
    saved = ThemeSettings.for_site(site.wagtail_site)
    assert (saved.logo, saved.banner, saved.primary_colour) == (None, None, "")


def test_a_site_admin_cannot_read_or_change_another_sites_theme_settings(
    site, other_site, site_admin
):
    ThemeSettings.objects.create(site=other_site.wagtail_site, primary_colour="#0d4f94")
    client = admin_client_for(site_admin)
    mine = client.get(URL.format(site.wagtail_site.pk))
    assert mine.status_code == 200  # positive control
    assert other_site.name not in mine.content.decode()
    theirs = client.get(URL.format(other_site.wagtail_site.pk))
    assert theirs.status_code in (302, 403)
    assert "#0d4f94" not in theirs.content.decode()
    posted = client.post(
        URL.format(other_site.wagtail_site.pk), form(primary_colour="#222222")
    )
    assert posted.status_code in (302, 403)
    if posted.status_code == 302:
        assert "/admin/settings/" not in posted["Location"]
    saved = ThemeSettings.for_site(other_site.wagtail_site)
    assert saved.primary_colour == "#0d4f94"


def test_editors_cannot_change_theme_settings(site, editor):
    response = admin_client_for(editor).post(
        URL.format(site.wagtail_site.pk), form(primary_colour="#222222")
    )
    assert response.status_code in (302, 403)
    assert ThemeSettings.for_site(site.wagtail_site).primary_colour == ""


def test_a_platform_admin_edits_any_sites_theme_settings(other_site, platform_admin):
    response = admin_client_for(platform_admin).post(
        URL.format(other_site.wagtail_site.pk), form(primary_colour="#222222")
    )
    assert response.status_code == 302
    assert ThemeSettings.for_site(other_site.wagtail_site).primary_colour == "#222222"


def test_one_sites_settings_never_show_on_another_sites_pages(site, other_site):
    logo = image(site, "甲站标志")
    ThemeSettings.objects.create(
        site=site.wagtail_site,
        logo=logo,
        primary_colour="#0d4f94",
        quick_links=[
            (
                "link",
                {
                    "title": "甲站热线",
                    "url": "https://a.example.cn/",
                    "icon": "hotline",
                },
            )
        ],
    )
    mine = Client(HTTP_HOST=site.host).get("/").content.decode()
    assert "甲站热线" in mine and "0d4f94" in mine  # positive control
    for path in ("/", "/news/", "/sitemap.html", "/no-such-page/"):
        html = Client(HTTP_HOST=other_site.host).get(path).content.decode()
        assert "甲站热线" not in html, path
        assert "0d4f94" not in html, path
        assert "site-logo" not in html, path


def test_a_colour_saved_before_the_contrast_rule_falls_back_to_the_themes(site):
    ThemeSettings.objects.create(site=site.wagtail_site, primary_colour="#ffff00")
    html = Client(HTTP_HOST=site.host).get("/").content.decode()
    assert "ffff00" not in html
    assert "/themes/colours/b3131b.css" in html  # the portal theme's own red


def test_site_admins_of_sites_provisioned_earlier_get_the_theme_settings(
    site, site_admin
):
    """Migration 0002 grants the permission to the admins of sites that existed
    before the themes app (provisioning grants it to new ones)."""
    import importlib

    from django.apps import apps
    from wagtail.models import GroupSitePermission

    from sites.tenancy import all_sites

    rows = GroupSitePermission.objects.filter(
        site=site.wagtail_site, permission__codename="change_themesettings"
    )
    assert rows.count() == 1  # provisioning granted it
    rows.delete()
    client = admin_client_for(site_admin)
    assert client.get(URL.format(site.wagtail_site.pk)).status_code in (302, 403)
    migration = importlib.import_module(
        "themes.migrations.0002_site_admins_change_theme_settings"
    )
    # Migrations see plain managers; the live models need the all-sites context.
    with all_sites():
        migration.grant(apps, None)
        migration.grant(apps, None)  # running again adds nothing
    assert rows.count() == 1
    assert client.get(URL.format(site.wagtail_site.pk)).status_code == 200
