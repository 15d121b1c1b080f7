"""The public accounts' password backend."""

import pytest

from accounts.backends import PublicAccountBackend

pytestmark = pytest.mark.django_db


def test_an_unknown_name_is_refused_after_the_same_work():
    """An account name nobody has is refused (None, so that the next backend may
    try it), not an error: a staff name reaches this backend on every sign-in."""
    backend = PublicAccountBackend()
    assert backend.authenticate(None, username="no-such-name", password="x") is None
