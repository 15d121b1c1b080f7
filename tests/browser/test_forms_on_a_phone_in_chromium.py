"""The search page (with its date filters and results) and the letter form fit a
375 px phone in every theme: nothing makes the page scroll sideways."""

import pytest

from tests.browser.test_sites_in_chromium import site_url
from tests.factories import SiteFactory
from tests.themes.conftest import build_pages

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

THEMES = ["base", "portal", "county", "department"]
PHONE = {"width": 375, "height": 740}
# The elements that stick out past the right edge, for the failure message.
WIDEST = """() => [...document.querySelectorAll("body *")]
  .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
  .slice(0, 8)
  .map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
       (el.className && typeof el.className === "string"
         ? "." + el.className.trim().split(/\\s+/).join(".") : "") +
       " " + Math.round(el.getBoundingClientRect().right))"""


@pytest.mark.parametrize("theme", THEMES)
def test_the_search_page_and_the_letter_form_fit_a_375_px_phone(
    browser, live_server, theme
):
    site = SiteFactory(theme=theme)
    build_pages(site)
    context = browser.new_context(viewport=PHONE)
    try:
        phone = context.new_page()
        for path in (
            "/search/",
            "/search/?q=营商环境&date_from=2026-01-01&date_to=2026-12-31",
            "/interaction/cases/new/?channel=complaints",
            "/interaction/cases/new/?channel=mailbox",
            "/interaction/cases/lookup/",
        ):
            response = phone.goto(site_url(live_server, site, path))
            assert response.status == 200, path
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], (theme, path, width, phone.evaluate(WIDEST))
    finally:
        context.close()
