"""The themes in a real headless Chromium: each theme's home page, a click through
the navigation to an article, the senior-friendly switch remembered across pages
and sites (with JavaScript off), a 375 px phone, keyboard focus, and no request to
any host outside the platform.

Set ``UPDATE_SCREENSHOTS=1`` to write the home pages to docs/screenshots/."""

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.factories import SiteFactory
from tests.themes.conftest import build_pages, furnish, path_of

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

THEMES = ["portal", "county", "department"]
PRIMARY = {"portal": "rgb(179, 19, 27)", "county": "rgb(30, 107, 61)"}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
NAMES = {
    "portal": ("辽宁省人民政府", "province", {}),
    "county": ("沈阳市和平区人民政府", "province", {}),
    "department": ("辽宁省营商环境建设局", "province", {}),
}


def url(live_server, site, path="/"):
    port = live_server.url.rsplit(":", 1)[1]
    return f"http://{site.host}:{port}{path}"


def themed_site(theme, **kwargs):
    name = NAMES[theme][0]
    return SiteFactory(name=name, theme=theme, **kwargs)


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context
    context.close()


def watch_outside_requests(context, live_server):
    """Abort and record every request to a host other than the test server's."""
    outside = []
    port = live_server.url.rsplit(":", 1)[1]

    def handle(route):
        parts = urlsplit(route.request.url)
        if parts.hostname.endswith("localhost") and str(parts.port) == port:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", handle)
    return outside


@pytest.mark.parametrize("theme", THEMES)
def test_the_home_page_of_a_site_in_each_theme(context, live_server, theme, tmp_path):
    site = furnish(themed_site(theme))
    outside = watch_outside_requests(context, live_server)
    page = context.new_page()
    response = page.goto(url(live_server, site))
    assert response.status == 200
    assert page.title() == site.name
    assert page.locator("html").get_attribute("class") == f"theme-{theme}"
    assert page.locator(".site-name-text").inner_text() == site.name
    headlines = page.locator(".headlines li")
    assert headlines.count() == 6
    assert page.get_by_role("link", name="12345热线").first.is_visible()
    assert page.locator("footer").get_by_text(site.code).is_visible()
    assert page.locator("footer .organ-mark").is_visible()
    assert page.get_by_role("search").is_visible()
    # Each theme looks like itself: its stylesheet is applied, not just linked.
    if theme in PRIMARY:
        colour = page.evaluate(
            "(() => { const s = getComputedStyle(document.querySelector("
            "'.site-header')); return [s.borderTopColor, s.backgroundColor,"
            " s.backgroundImage].join(' '); })()"
        )
        assert PRIMARY[theme] in colour
    if theme == "department":  # the column tree beside the content
        nav = page.locator(".dept-nav .site-nav").bounding_box()
        main = page.locator("main").bounding_box()
        assert nav["x"] + nav["width"] <= main["x"]
    assert outside == []
    shot = tmp_path / f"{theme}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, SCREENSHOTS / f"{theme}.png")


def test_a_click_through_the_navigation_to_an_article(context, live_server):
    site = furnish(themed_site("portal"))
    pages = build_pages(site)
    page = context.new_page()
    page.goto(url(live_server, site))
    page.get_by_role("navigation", name="主导航").get_by_role(
        "link", name="新闻动态"
    ).click()
    page.wait_for_url(url(live_server, site, "/news/"))
    page.get_by_role("navigation", name="本栏目导航").get_by_role(
        "link", name="政务要闻"
    ).click()
    page.wait_for_url(url(live_server, site, "/news/zwyw/"))
    assert page.locator("h1").inner_text() == "政务要闻"
    page.get_by_role("link", name=pages.article.title).click()
    page.wait_for_url(url(live_server, site, path_of(pages.article)))
    assert page.locator("h1").inner_text() == pages.article.title
    crumbs = page.locator("nav.breadcrumbs")
    assert crumbs.get_by_role("link", name="政务要闻").is_visible()
    assert (
        page.locator('meta[name="ArticleTitle"]').get_attribute("content")
        == pages.article.title
    )


def senior_state(page):
    return page.evaluate(
        """() => {
        const body = getComputedStyle(document.body);
        const top = document.querySelector('.back-to-top');
        return {
          size: parseFloat(body.fontSize),
          spacing: parseFloat(body.lineHeight) / parseFloat(body.fontSize),
          floating: top ? getComputedStyle(top).display : 'none',
        };
    }"""
    )


def test_the_senior_mode_switch_is_remembered_across_pages_and_sites(
    browser, live_server
):
    province = furnish(themed_site("portal"))
    city = SiteFactory.child(province, "city", name="沈阳市人民政府")
    # No JavaScript at all: the switch is a link, the look a stylesheet.
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(url(live_server, province))
        page.get_by_role("link", name="适老化模式").click()
        page.wait_for_url(url(live_server, province))
        state = _evaluate_without_js(browser, context, page)
        assert state["size"] >= 22 and state["spacing"] >= 1.3
        assert state["floating"] == "none"
        assert page.get_by_role("link", name="退出适老化模式").is_visible()
        assert not page.get_by_role("link", name="适老化模式", exact=True).is_visible()
        # Another page of the same site.
        page.get_by_role("navigation", name="主导航").get_by_role(
            "link", name="政府信息公开"
        ).click()
        page.wait_for_url(url(live_server, province, "/xxgk/"))
        assert _evaluate_without_js(browser, context, page)["size"] >= 22
        # Another site of the platform, on another host.
        page.get_by_role("link", name="沈阳市人民政府").click()
        page.wait_for_url(url(live_server, city))
        assert urlsplit(page.url).hostname == city.host
        assert _evaluate_without_js(browser, context, page)["size"] >= 22
        # And off again.
        page.get_by_role("link", name="退出适老化模式").click()
        page.wait_for_url(url(live_server, city))
        assert _evaluate_without_js(browser, context, page)["size"] < 20
    finally:
        context.close()


def _evaluate_without_js(browser, context, page):
    """Computed styles of the page as a JavaScript-free visitor sees it: the same
    address and cookies opened in a scripting context (page scripts stay off in
    the visitor's)."""
    probe_context = browser.new_context()
    try:
        probe_context.add_cookies(context.cookies())
        probe = probe_context.new_page()
        probe.goto(page.url)
        return senior_state(probe)
    finally:
        probe_context.close()


@pytest.mark.parametrize("theme", THEMES)
def test_every_page_type_fits_a_375_px_phone(browser, live_server, theme):
    site = furnish(themed_site(theme), articles=3)
    pages = build_pages(site)
    context = browser.new_context(viewport={"width": 375, "height": 740})
    try:
        phone = context.new_page()
        for name, path in pages.paths().items():
            phone.goto(url(live_server, site, path))
            overflow = phone.evaluate(
                "document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, f"{theme} {name} scrolls sideways by {overflow}px"
            assert phone.get_by_role("search").is_visible(), name
        phone.goto(url(live_server, site, "/?senior=1"))
        for path in ("/", path_of(pages.document)):
            phone.goto(url(live_server, site, path))
            overflow = phone.evaluate(
                "document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, f"{theme} senior {path} scrolls by {overflow}px"
    finally:
        context.close()


@pytest.mark.parametrize("theme", THEMES)
def test_keyboard_users_skip_to_the_content_and_see_where_focus_is(
    context, live_server, theme
):
    site = furnish(themed_site(theme), articles=2)
    page = context.new_page()
    page.goto(url(live_server, site))
    page.keyboard.press("Tab")
    focused = page.evaluate(
        """() => {
        const el = document.activeElement, r = el.getBoundingClientRect();
        const s = getComputedStyle(el);
        return {cls: el.className, top: r.top, left: r.left,
                outline: s.outlineStyle, width: parseFloat(s.outlineWidth)};
    }"""
    )
    assert focused["cls"] == "skip-link"
    assert focused["top"] >= 0 and focused["left"] >= 0  # on screen when focused
    assert focused["outline"] != "none" and focused["width"] >= 2
    page.keyboard.press("Enter")
    # The jump to the fragment lands after the key press returns: wait for it
    # (a loaded CI machine read the address before it had moved).
    page.wait_for_function("location.hash === '#main'", timeout=10_000)
    assert page.url.endswith("#main")
    # Every link of the main navigation is reachable by Tab and shows its focus.
    for _ in range(12):
        page.keyboard.press("Tab")
        style = page.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement);"
            " return s.outlineStyle + ' ' + s.outlineWidth; })()"
        )
        tag = page.evaluate("document.activeElement.tagName")
        if tag in ("A", "INPUT", "BUTTON"):
            assert not style.startswith("none"), style
