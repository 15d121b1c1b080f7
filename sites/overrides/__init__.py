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
- ``cluster_init``: a page built from a database row without modelcluster's
  walk over its fields (``ClusterableModel.__init__``).

Outside this package, pinned all the same: ``search.wagtail_backend``
(modelsearch's index writer, ``test_modelsearch_index.py``); the image preview URL
in the project's ``urls.py`` (with the admin URLs); Wagtail's private
``request._wagtail_site``, set by ``sites.middleware``, and the other private
Django and Wagtail methods called where they are used (``test_private_names.py``).

Supported extension points used instead of overrides:
``construct_page_chooser_queryset``; ``construct_admin_api`` (the images and
documents endpoints); ``register_admin_viewset`` (``ScopedPageViewSet``
replacing Wagtail's base page viewset); ``construct_reports_menu`` and
``construct_settings_menu``; the ``before_*_page`` and ``before_serve_document``
hooks; a search backend subclass set in ``WAGTAILSEARCH_BACKENDS``.
"""


def install() -> None:
    """Called once, from ``SitesConfig.ready()``."""
    # Here, not at the top: the modules import Wagtail's models and admin views,
    # which need the app registry that ``ready()`` runs after.
    from . import allowed_hosts, cluster_init, explorer_filters, page_urls

    page_urls.install()
    allowed_hosts.install()
    explorer_filters.install()
    cluster_init.install()
