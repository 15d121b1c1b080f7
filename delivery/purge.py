"""Purging a CDN or proxy in front of the platform: ``DELIVERY_PURGE`` names a
function called with the full URLs whose answers changed (after the static tree
was written). Plug in the CDN's own API call there."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("delivery.purge")


def purge_nothing(urls: list[str]) -> None:
    """The default: nothing in front of the platform keeps pages."""


def purge_log(urls: list[str]) -> None:
    """One log line per batch, for a proxy that reads the log (or to watch)."""
    logger.info("purge", extra={"urls": urls[:100], "count": len(urls)})


def purge(urls: list[str]) -> None:
    if not urls:
        return
    try:
        import_string(settings.DELIVERY_PURGE)(urls)
    except Exception:  # a CDN that is down must not fail the publishing
        logger.exception("CDN purge failed for %d addresses", len(urls))
