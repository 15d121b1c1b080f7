"""Pages for the feed and sitemap tests, imported the way old sites' content is."""

import pytest

from cms.contentchecks import automata
from cms.imports.services import Status, import_line
from cms.models import ColumnPage
from tests.imports.conftest import news


@pytest.fixture(autouse=True)
def fresh_automata():
    automata.reset_local()
    yield
    automata.reset_local()


def column(site, code) -> ColumnPage:
    return ColumnPage.objects.descendant_of(site.root_page).get(code=code)


def publish(site, code, external_id, published, **item) -> int:
    """Publish an article in the column ``code`` of ``site``; its page id."""
    outcome = import_line(
        site=site,
        column=column(site, code),
        item=news(external_id, published=published, **item),
    )
    assert outcome.status == Status.IMPORTED, outcome.message
    return outcome.page_id
