"""Every place the platform changes Wagtail or Django from outside, one module per
concern. Each says what it replaces and why no supported hook does the job, and
``tests/overrides/`` pins what it relies on (signatures, URL names and paths,
private attributes), so that an upgrade that moves one of them fails a test
instead of silently bringing back Wagtail's unscoped or slow behaviour.

- ``page_urls``: page URLs from the host map (``Page.get_url``, ``Page.url``,
  ``Page._get_relevant_site_root_paths``, ``Site.get_site_root_paths``).
- ``allowed_hosts``: Django's host check follows the site registry.
- ``admin_urls``: Wagtail admin views replaced by scoped ones, matched first.
- ``explorer_filters``: the choices of Wagtail's page and report filters.

Outside this package: ``search.wagtail_backend`` (modelsearch's index writer,
pinned by ``tests/overrides/test_modelsearch_index.py``) and the image preview
URL in the project's ``urls.py`` (pinned with the admin URLs).
"""


def install() -> None:
    """Called once, from ``SitesConfig.ready()``."""
    from . import allowed_hosts, explorer_filters, page_urls

    page_urls.install()
    allowed_hosts.install()
    explorer_filters.install()
