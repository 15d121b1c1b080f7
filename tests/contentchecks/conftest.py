"""Term lists for the content-check tests."""

import pytest

from cms.contentchecks import automata
from cms.contentchecks.models import PlatformTerm, SiteTerm
from sites.tenancy import use_site


@pytest.fixture(autouse=True)
def fresh_automata():
    """Automata are kept per process; no test sees another test's lists."""
    automata.reset_local()
    yield
    automata.reset_local()


def platform_term(term, **fields):
    return PlatformTerm.objects.create(term=term, **fields)


def site_term(site, term, **fields):
    with use_site(site):
        return SiteTerm.objects.create(site=site, term=term, **fields)


@pytest.fixture(autouse=True)
def english(english_messages):
    """These tests compare messages with their English source text."""
