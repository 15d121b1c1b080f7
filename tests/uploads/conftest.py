import pytest
from django.test import Client


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def english(english_messages):
    """These tests compare messages with their English source text."""


@pytest.fixture
def platform_client():
    """An anonymous visitor on the platform's own host."""
    return Client(HTTP_HOST="localhost")
