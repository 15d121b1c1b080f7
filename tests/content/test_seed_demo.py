"""``seed_demo`` on a small Liaoning: every home page shows news, notices and
service entrances; demo staff have example addresses; the demo sites, and the
admin links in notification mail, follow the port the demo is served on."""

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from cms.models import HomePage
from demo.content import seed_home_sections
from demo.management.commands import seed_demo
from sites.models import GovSite

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def small_liaoning(monkeypatch, request):
    """The province, one city and one department: the command's own path."""
    monkeypatch.setattr(seed_demo, "CITIES", [("沈阳", "shenyang", "210100")])
    monkeypatch.setattr(seed_demo, "COUNTIES", {})
    monkeypatch.setattr(
        seed_demo, "DEPARTMENTS", [("2100000001", "2100000002", "辽宁省司法厅", "sft")]
    )
    if "demo_static_tree" not in request.fixturenames:
        # Writing the tree renders every demo page through the whole request
        # path; only the test that looks at the tree (demo_static_tree) pays.
        monkeypatch.setattr(seed_demo, "platform_publish", lambda: {})


@pytest.fixture
def demo_static_tree(settings, tmp_path):
    """seed_demo writes every demo page as a file (静态化), here."""
    settings.DELIVERY_STATIC_ROOT = tmp_path / "public"
    return tmp_path / "public"


def run_seed_demo():
    call_command("seed_demo", stdout=io.StringIO())


def test_every_demo_home_page_shows_news_notices_and_entrances(
    small_liaoning, demo_static_tree, settings
):
    settings.SITE_PORT = 8000
    run_seed_demo()
    sites = list(GovSite.objects.order_by("code"))
    assert [site.level for site in sites] == ["province", "department", "city"]
    for site in sites:
        home = HomePage.objects.get(pk=site.wagtail_site.root_page_id)
        kinds = [block.block_type for block in home.sections]
        assert kinds[0] == "headlines" and "entrances" in kinds, site.name
        assert "column" in kinds, site.name
        html = Client(HTTP_HOST=site.host).get("/").content.decode()
        # The static tree holds the home page too (静态化).
        written = (demo_static_tree / site.host / "index.html").read_text()
        assert 'class="column-block headlines"' in written, site.name
        short = site.short_name or site.name
        assert 'class="column-block headlines"' in html, site.name
        assert f"{short}召开优化营商环境工作推进会" in html, site.name
        assert f"{short}关于2027年元旦放假安排的通知" in html, site.name
        assert "12345热线" in html and "政府信息公开平台" in html, site.name
    # Again: nothing doubles, and a home page its admins changed stays theirs.
    province = sites[0]
    home = HomePage.objects.get(pk=province.wagtail_site.root_page_id)
    home.sections = [("headlines", {"title": "我的要闻", "column": None, "count": 3})]
    home.save_revision().publish()
    run_seed_demo()
    home.refresh_from_db()
    assert [block.value["title"] for block in home.sections] == ["我的要闻"]
    assert seed_home_sections(province) is False


def test_every_demo_site_is_online_with_both_filing_marks_in_its_footer(
    small_liaoning,
):
    run_seed_demo()
    sites = list(GovSite.objects.order_by("code"))
    assert len(sites) == 3
    for site in sites:
        assert site.status == "active", site.name
        assert re.fullmatch(r"辽ICP备\d{8}号-1", site.icp_number), site.icp_number
        assert re.fullmatch(
            rf"辽公网安备 {site.division_code}\d{{8}}号", site.public_security_number
        ), site.public_security_number
        html = Client(HTTP_HOST=site.host).get("/news/").content.decode()
        footer = html[html.index('<footer class="site-footer">') :]
        code = site.public_security_number[6:-1]
        assert (
            f'<a class="icp-number" href="https://beian.miit.gov.cn/">'
            f"{site.icp_number}</a>"
        ) in footer, site.name
        assert (
            f'href="https://beian.mps.gov.cn/#/query/webSearch?code={code}"' in footer
        ), site.name
        assert f"{site.public_security_number}</a>" in footer, site.name
    numbers = {(site.icp_number, site.public_security_number) for site in sites}
    assert len(numbers) == 3  # every site its own


def test_sites_seeded_before_the_filing_numbers_get_them(small_liaoning):
    run_seed_demo()
    province = GovSite.objects.get(code="2100000001")
    GovSite.objects.filter(pk=province.pk).update(public_security_number="")
    run_seed_demo()
    province.refresh_from_db()
    assert province.public_security_number == "辽公网安备 21000002000001号"
    assert province.icp_number == "辽ICP备21000001号-1"


def test_demo_staff_have_example_addresses(small_liaoning):
    run_seed_demo()
    users = get_user_model().objects.filter(username__startswith="2101000001-")
    assert sorted(user.email for user in users) == [
        "2101000001-admin@example.cn",
        "2101000001-editor@example.cn",
        "2101000001-reviewer@example.cn",
    ]
    admin = get_user_model().objects.get(username="platform-admin")
    assert admin.email == "platform-admin@example.cn"
    assert not get_user_model().objects.filter(email="").exists()


def test_the_demo_sites_follow_the_port_the_demo_is_served_on(small_liaoning, settings):
    settings.SITE_PORT = 8000
    run_seed_demo()
    province = GovSite.objects.get(code="2100000001")
    assert province.wagtail_site.root_url == "http://ln.localhost:8000"
    settings.SITE_PORT = 8123
    run_seed_demo()
    for site in GovSite.objects.select_related("wagtail_site"):
        assert site.wagtail_site.port == 8123, site.name
    city = GovSite.objects.get(code="2101000001")
    home = HomePage.objects.get(pk=city.wagtail_site.root_page_id)
    assert home.full_url == "http://shenyang.localhost:8123/"
    assert Client(HTTP_HOST="shenyang.localhost:8123").get("/").status_code == 200


@pytest.mark.parametrize(
    ("port", "base_url"),
    [("8123", "http://localhost:8123"), ("80", "http://localhost")],
)
def test_notification_links_follow_the_port_the_platform_is_served_on(port, base_url):
    env = {
        key: value
        for key, value in os.environ.items()
        if key != "WAGTAILADMIN_BASE_URL" and not key.startswith("DJANGO_")
    }
    env.update(SITE_PORT=port, DJANGO_SETTINGS_MODULE="config.settings.dev")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); "
            "from wagtail.admin.utils import get_admin_base_url; "
            "print(get_admin_base_url())",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == base_url
