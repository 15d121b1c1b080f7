"""Template loading by the current site's theme.

``{% extends "base.html" %}`` (and any other template name) is looked up first in
the current theme's ``templates/`` folder, then in the base theme's, then by the
loaders after this one (project and app templates). ``themes/<name>/<template>``
names one theme's template explicitly, so a theme's ``base.html`` can extend
``themes/base/base.html``.

The current theme follows the request being served (``ThemeMiddleware``); outside a
request, the base theme, or the one ``use_theme()`` names. ``CachedLoader`` keeps
one cache entry per theme and template.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
from collections.abc import Iterator

from django.core.exceptions import SuspiciousFileOperation
from django.template import Origin
from django.template.loaders import cached, filesystem
from django.utils._os import safe_join

from . import registry
from .selectors import theme_for_request

_request: contextvars.ContextVar = contextvars.ContextVar(
    "themes_request", default=None
)
_override: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "themes_override", default=None
)
EXPLICIT = re.compile(r"^themes/(?P<name>[\w-]+)/(?P<rest>.+)$")


def current_theme() -> registry.Theme:
    name = _override.get()
    if name is not None:
        return registry.theme_get(name)
    request = _request.get()
    if request is None:
        return registry.base_theme()
    return theme_for_request(request)


@contextlib.contextmanager
def serving(request) -> Iterator[None]:
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


@contextlib.contextmanager
def use_theme(name: str) -> Iterator[None]:
    """Render with theme ``name`` outside a request (static export, previews)."""
    token = _override.set(name)
    try:
        yield
    finally:
        _override.reset(token)


class Loader(filesystem.Loader):
    def get_dirs(self):
        theme = current_theme()
        base = registry.base_theme()
        if theme.name == base.name:
            return [base.template_dir]
        return [theme.template_dir, base.template_dir]

    def get_template_sources(self, template_name):
        match = EXPLICIT.match(template_name)
        if match:
            theme = registry.theme_find(match["name"])
            if theme is not None:
                try:
                    name = safe_join(theme.template_dir, match["rest"])
                except SuspiciousFileOperation:  # outside the theme's folder
                    return
                yield Origin(name=name, template_name=template_name, loader=self)
            return
        yield from super().get_template_sources(template_name)


class CachedLoader(cached.Loader):
    """Django's cached loader with the current theme in every cache key."""

    def cache_key(self, template_name, skip=None):
        return f"{current_theme().name}:{super().cache_key(template_name, skip)}"
