"""Theme assets are fingerprinted and served by WhiteNoise with far-future cache
headers, as in production (collectstatic with the manifest storage)."""

import re

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def test_theme_assets_are_fingerprinted_and_cached_for_a_year(site, settings, tmp_path):
    root = tmp_path / "static"
    storages = {
        **settings.STORAGES,
        # Production's storage (CompressedManifestStaticFilesStorage) hashes names
        # the same way; compressing every file would only slow this test down.
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
        },
    }
    with override_settings(
        STATIC_ROOT=root,
        STORAGES=storages,
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
        assert (root / "themes" / "portal" / "theme.css").is_file()
        client = Client(HTTP_HOST=site.host)  # a new handler: WhiteNoise re-reads
        html = client.get("/").content.decode()
        assets = re.findall(r'href="(/static/[^"]+\.css)"', html)
        assert len(assets) == 2, assets  # base.css and the portal theme's
        for asset in assets:
            assert re.search(r"\.[0-9a-f]{12}\.css$", asset), asset
            response = client.get(asset)
            assert response.status_code == 200
            cache = response.headers["Cache-Control"]
            assert "immutable" in cache
            assert int(re.search(r"max-age=(\d+)", cache).group(1)) >= 365 * 86400
            response.close()
