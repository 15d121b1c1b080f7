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
    """Explicitly query every site's rows (platform-wide code only)."""
    token = _all_sites.set(True)
    try:
        yield
    finally:
        _all_sites.reset(token)


class SiteScopedManager(TenantManager):
    """Filters by the current site; raises when there is none (fails closed)."""

    use_in_migrations = False

    def get_queryset(self) -> models.QuerySet:
        if get_current_tenant() is None and not _all_sites.get():
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


def for_sites(model: type[SiteOwnedModel], sites: Iterable[Any]) -> models.QuerySet:
    """The admin's one way into site-owned rows: ``model``'s rows of ``sites`` only."""
    with all_sites():
        queryset = model.objects.get_queryset()
    return queryset.filter(site__in=list(sites))
