"""axe-core (from npm, pinned in package.json) in headless Chromium on every page
type of every theme, in the normal and the senior-friendly mode: no serious or
critical WCAG 2.1 A/AA violation.

Without node_modules/axe-core the test fails under CI (CI=true) and is skipped
elsewhere, saying how to install it (`npm ci`, which `make install` runs)."""

import os
from pathlib import Path

import pytest

from sites import routing
from sites.models import GovSite
from tests.factories import SiteFactory
from tests.themes.conftest import build_pages, furnish

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
THEMES = ["base", "portal", "county", "department"]
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def load_axe(path: Path = AXE) -> str:
    """axe-core's source; fails under CI and skips elsewhere when it is missing."""
    if not path.is_file():
        message = (
            f"axe-core is not installed ({path} is missing): run `npm ci` in the "
            "project folder (`make install` does when npm is present)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def axe_source():
    return load_axe()


@pytest.mark.django_db(transaction=False)
def test_missing_axe_fails_under_ci_and_skips_elsewhere(monkeypatch, tmp_path):
    missing = tmp_path / "axe.min.js"
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="npm ci"):
        load_axe(missing)
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="npm ci"):
        load_axe(missing)


def violations(page, axe_source):
    # Evaluated by the test's driver, not added as an inline <script>, which the
    # pages' Content-Security-Policy refuses.
    page.evaluate(axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("theme", THEMES)
def test_every_page_type_of_every_theme_passes_axe(
    browser, live_server, axe_source, theme
):
    site = furnish(SiteFactory(name="辽宁省人民政府", theme=theme), articles=3)
    closed = SiteFactory(name="已关闭的测试网站", theme=theme)
    GovSite.objects.filter(pk=closed.pk).update(status="closed")
    routing.invalidate()
    pages = build_pages(site)
    port = live_server.url.rsplit(":", 1)[1]
    targets = {
        **{name: (site, path) for name, path in pages.paths().items()},
        "404": (site, "/no/such/page/"),
        "410": (closed, "/"),
    }
    found = {}
    context = browser.new_context()
    try:
        page = context.new_page()
        for mode in ("normal", "senior"):
            if mode == "senior":
                page.goto(f"http://{site.host}:{port}/?senior=1")
            for name, (target, path) in targets.items():
                page.goto(f"http://{target.host}:{port}{path}")
                if mode == "senior" and target is site:
                    size = page.evaluate("getComputedStyle(document.body).fontSize")
                    assert size == "22px", (name, size)
                problems = violations(page, axe_source)
                if problems:
                    found[f"{mode} {name}"] = problems
        # Control: axe does report what it should on these pages.
        page.goto(f"http://{site.host}:{port}/")
        page.evaluate(
            "document.querySelector('main').insertAdjacentHTML('beforeend',"
            ' \'<img src="/static/themes/none.png"><a href="/"></a>\')'
        )
        control = " ".join(violations(page, axe_source))
        assert "image-alt" in control and "link-name" in control, control
    finally:
        context.close()
    assert found == {}, found
