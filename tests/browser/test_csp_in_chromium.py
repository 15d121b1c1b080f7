"""The Content-Security-Policy in a real headless Chromium: a themed home page, an
article, the search page and the letter form in every theme, and the admin's page
editor (its image chooser and preview) and image upload, without one violation
of the policy (Chromium reports each on the console and as a
``securitypolicyviolation`` event)."""

import re

import pytest

from sites.models import SiteRole
from tests.browser.test_sites_in_chromium import sign_in, site_url
from tests.conftest import _member
from tests.factories import SiteFactory
from tests.themes.conftest import build_pages, furnish, path_of

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

THEMES = ["portal", "county", "department"]
# Every violation, whether Chromium reports it on the console or as an event
# (also in frames, such as the admin's preview).
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    "Content Security Policy violation: " + event.violatedDirective + " " +
    event.blockedURI + " at " + event.sourceFile + ":" + event.lineNumber
  );
});
"""


@pytest.fixture
def watched(browser):
    """A browser context, and the list of CSP violations seen in it."""
    context = browser.new_context(locale="zh-CN")
    context.add_init_script(REPORT_VIOLATIONS)
    violations = []

    def on_page(page):
        page.on(
            "console",
            lambda message: (
                violations.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )

    context.on("page", on_page)
    yield context, violations
    context.close()


def test_public_pages_in_every_theme_run_without_a_violation(watched, live_server):
    context, violations = watched
    page = context.new_page()
    for theme in THEMES:
        site = furnish(SiteFactory(theme=theme), articles=2)
        pages = build_pages(site)
        for path in (
            "/",
            path_of(pages.article),
            "/search/?q=营商环境",
            "/interaction/cases/new/?channel=complaints",
        ):
            response = page.goto(site_url(live_server, site, path))
            assert response.status == 200, (theme, path)
            assert "script-src 'self'" in response.headers["content-security-policy"]
            page.wait_for_load_state("load")
        # The scripts the letter form loads still work under the policy: a second
        # click on submit sends nothing more (interaction/forms.js).
        page.locator("form.interaction-form button[type=submit]").click()
        page.wait_for_load_state("load")
        # The theme's colours arrived as a stylesheet.
        primary = page.evaluate(
            "getComputedStyle(document.documentElement)"
            ".getPropertyValue('--primary').trim()"
        )
        assert re.fullmatch(r"#[0-9a-f]{6}", primary), (theme, primary)
    assert violations == []


def test_the_admin_page_editor_chooser_preview_and_upload_run_without_a_violation(
    watched, live_server, settings, tmp_path
):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    settings.MEDIA_ROOT = tmp_path / "media"
    context, violations = watched
    site = SiteFactory()
    pages = build_pages(site)
    editor = _member(site, SiteRole.EDITOR)
    Image.objects.create(
        title="示例图片",
        file=get_test_image_file(filename="shili.png"),
        collection=site.collection,
    )
    page = context.new_page()
    sign_in(page, live_server, editor)

    # The page editor, its image chooser and its live preview.
    page.goto(f"{live_server.url}/admin/pages/{pages.article.pk}/edit/")
    page.wait_for_load_state("networkidle")
    page.locator("#id_cover_image-chooser .chooser__choose-button").click()
    page.locator(".modal").get_by_role("link", name="示例图片").click()
    page.wait_for_selector("#id_cover_image-chooser:not(.blank)")
    page.locator('[data-side-panel-toggle="preview"]').click()
    frame = page.frame_locator("#w-preview-iframe")
    assert frame.locator("h1").first.inner_text(timeout=30_000) == pages.article.title

    # Several images uploaded at once.
    page.goto(f"{live_server.url}/admin/images/multiple/add/")
    page.wait_for_load_state("networkidle")
    upload = tmp_path / "shangchuan.png"
    upload.write_bytes(get_test_image_file(filename="x.png").file.getvalue())
    page.set_input_files("#fileupload", str(upload))
    page.wait_for_selector("#upload-list .upload-success", timeout=30_000)
    page.wait_for_load_state("networkidle")
    assert violations == []
