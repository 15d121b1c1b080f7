"""The theme registry: every theme is a folder under ``themes/themes/<name>/`` with
``templates/`` and ``static/``; a template or static file a theme lacks comes from
the base theme.

A site names its theme in ``GovSite.theme``. A name that is not (or no longer)
registered renders with the base theme and logs a warning, once per site and name
in each process.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

THEMES_DIR = Path(__file__).resolve().parent / "themes"
BASE_THEME = "base"


@dataclass(frozen=True)
class Theme:
    name: str
    label: str | Promise
    description: str | Promise
    # The default primary colour; a site may choose its own (ThemeSettings).
    primary: str

    @property
    def path(self) -> Path:
        return THEMES_DIR / self.name

    @property
    def template_dir(self) -> Path:
        return self.path / "templates"

    @property
    def static_dir(self) -> Path:
        return self.path / "static"

    @property
    def static_prefix(self) -> str:
        return f"themes/{self.name}"


_registry: dict[str, Theme] = {}
_warned: set[tuple[object, str]] = set()


def register(theme: Theme) -> Theme:
    if not theme.template_dir.is_dir():
        raise ValueError(f"theme {theme.name!r} has no folder {theme.template_dir}")
    _registry[theme.name] = theme
    return theme


def theme_list() -> list[Theme]:
    return list(_registry.values())


def theme_find(name: str) -> Theme | None:
    return _registry.get(name)


def base_theme() -> Theme:
    return _registry[BASE_THEME]


def theme_get(name: str | None, *, site: object = None) -> Theme:
    """The theme called ``name``; the base theme (and a warning) when there is none."""
    theme = _registry.get(name or "")
    if theme is not None:
        return theme
    key = (getattr(site, "pk", None), name or "")
    if key not in _warned:
        _warned.add(key)
        logger.warning(
            "unknown theme %r for site %s: rendering with the base theme",
            name,
            getattr(site, "code", "-"),
            extra={"theme": name, "site": getattr(site, "code", None)},
        )
    return base_theme()


register(
    Theme(
        name=BASE_THEME,
        label=_("Base"),
        description=_("Plain and complete: every other theme falls back to it."),
        primary="#a8151c",
    )
)
register(
    Theme(
        name="portal",
        label=_("Provincial and city portal"),
        description=_(
            "A wide red masthead with the banner, a headline strip and column blocks "
            "in a grid: for the portal of a province or city."
        ),
        primary="#b3131b",
    )
)
register(
    Theme(
        name="county",
        label=_("County"),
        description=_(
            "A compact green header, a two-column home page with the service "
            "entrances beside the news: for county and district sites."
        ),
        primary="#1e6b3d",
    )
)
register(
    Theme(
        name="department",
        label=_("Department"),
        description=_(
            "A blue bar with the department's name beside its logo and a side "
            "navigation of the column tree: for department sites."
        ),
        primary="#0d4f94",
    )
)
