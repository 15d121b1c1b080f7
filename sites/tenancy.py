"""The current site (tenant) and scoping that fails closed.

django-multitenant filters site-owned querysets by the current tenant, and does not
filter at all when none is set. Our manager raises instead, unless the code runs in
an explicit all-sites context. Only ``sites/``, platform-wide roll-ups, migrations and
tests may open that context (ruff's banned-api rule enforces it).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from django.db import models
from django_multitenant.models import TenantManager, TenantModel
from django_multitenant.utils import (
    get_current_tenant,
    set_current_tenant,
    unset_current_tenant,
)

if TYPE_CHECKING:
    from .models import GovSite

_all_sites: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "all_sites", default=False
)


class TenantNotSetError(RuntimeError):
    """A site-owned model was queried with no current site and no all-sites context."""


def current_site() -> GovSite | None:
    return get_current_tenant()


@contextlib.contextmanager
def use_site(site: GovSite | None) -> Iterator[None]:
    """Run the block with ``site`` as the current tenant, restoring the previous one."""
    previous = get_current_tenant()
    set_current_tenant(site)
    try:
        yield
    finally:
        if previous is None:
            unset_current_tenant()
        else:
            set_current_tenant(previous)


@contextlib.contextmanager
def all_sites() -> Iterator[None]:
    """The one way out of the current site's scope: querysets of site-owned models
    made inside the block hold every site's rows, whatever site is current (the
    current site itself is left as it is). Only ``sites/``, platform-wide roll-ups
    (``supervision/``), migrations and tests may open it; ruff's banned-api rule
    (TID251, ``pyproject.toml``) refuses it anywhere else. Other code names its
    sites: ``for_sites()`` or a selector of ``sites.selectors``."""
    token = _all_sites.set(True)
    try:
        yield
    finally:
        _all_sites.reset(token)


class SiteScopedManager(TenantManager):
    """Filters by the current site; raises when there is none (fails closed)."""

    use_in_migrations = False

    def get_queryset(self) -> models.QuerySet:
        if _all_sites.get():
            # Every site's rows: a plain Manager's queryset, without
            # django-multitenant's filter on the current site.
            return models.Manager.get_queryset(self)
        if get_current_tenant() is None:
            raise TenantNotSetError(
                f"{self.model.__name__} queried with no current site; use "
                "sites.tenancy.use_site() or sites.tenancy.for_sites()"
            )
        return super().get_queryset()


class SiteOwnedModel(TenantModel):
    """Base of every model whose rows belong to one site: ``site`` is the tenant column.

    Every unique constraint on a subclass must include ``site`` (Citus distributes
    these tables by ``site_id``); ``tests/sites/test_tenant_walk.py`` checks it.
    """

    site = models.ForeignKey("govsites.GovSite", on_delete=models.CASCADE)

    objects = SiteScopedManager()

    class Meta:
        abstract = True

    class TenantMeta:
        tenant_field_name = "site_id"

    # django-multitenant asks for the tenant column on every attribute set and
    # every query (its ``tenant_field`` property reads dir(TenantMeta); its
    # __setattr__ also walks the model's fields to find the column's field): the
    # same answer, from the class, and its check that a row's site never changes
    # only where it can apply.
    tenant_field = "site_id"

    def __setattr__(self, name, value):
        if name == "site_id" or name == "site":
            super().__setattr__(name, value)
        else:
            models.Model.__setattr__(self, name, value)


def for_sites(model: type[SiteOwnedModel], sites: Iterable[Any]) -> models.QuerySet:
    """``model``'s rows of exactly ``sites`` (sites or their ids), whatever site is
    current: a case filed on a county's host and handled by its city is found from
    the county's host. The current site is left as it is (nothing here clears it).

    ``sites`` is an explicit list, or a filtered queryset of sites such as
    ``sites.selectors.sites_for_user``. "Every site" is refused (``None``, or an
    unfiltered queryset of sites): the one way to read every site's rows is
    ``all_sites()``, which only ``sites/``, roll-ups, migrations and tests may open.
    """
    site_ids = _explicit_site_ids(sites)
    with all_sites():
        queryset = model.objects.get_queryset()
    return queryset.filter(site__in=site_ids)


def _explicit_site_ids(sites: Iterable[Any]) -> list[int]:
    if sites is None:
        raise TypeError(
            "for_sites() needs the list of sites; every site is all_sites(), "
            "which only sites/, roll-ups, migrations and tests may open"
        )
    if isinstance(sites, models.Manager):
        sites = sites.all()
    if (
        isinstance(sites, models.QuerySet)
        and sites.model._meta.label == "govsites.GovSite"
        and not sites.query.has_filters()
    ):
        raise ValueError(
            "for_sites() was given every site (an unfiltered site queryset); "
            "name the sites, or read every site through sites/ (all_sites())"
        )
    return [site.pk if isinstance(site, models.Model) else site for site in sites]
