"""Reads of the term lists, scoped to the sites a user may keep lists for."""

from __future__ import annotations

from django.db.models import QuerySet

from sites.models import GovSite
from sites.selectors import can_administer_site, is_platform_admin, sites_for_user
from sites.tenancy import for_sites

from .models import PlatformTerm, SiteTerm

_CACHE_ATTR = "_contentchecks_administered_ids"


def administered_site_ids(user) -> frozenset[int] | None:
    """Ids of the sites whose list ``user`` may keep; ``None`` means every site
    (platform admins). Cached on the user object for the request."""
    if is_platform_admin(user):
        return None
    ids = getattr(user, _CACHE_ATTR, None)
    if ids is None:
        # sites_for_user gives a site admin their sites and every site below, and
        # an editor or reviewer their own sites; keep the ones the user
        # administers. In tree order, a site below an administered one is
        # administered too, so only the tops of the user's branches are asked.
        roots: list[str] = []
        found = []
        managed = sites_for_user(user).select_related(None).only("pk", "tree_path")
        for site in managed.order_by("tree_path"):
            if any(site.tree_path.startswith(root) for root in roots):
                found.append(site.pk)
            elif can_administer_site(user, site):
                roots.append(site.tree_path)
                found.append(site.pk)
        ids = frozenset(found)
        setattr(user, _CACHE_ATTR, ids)
    return ids


def administered_sites(user) -> QuerySet[GovSite]:
    """The sites whose term list ``user`` may keep: every site for platform
    admins; a site admin's site and the sites below it; none for anyone else."""
    ids = administered_site_ids(user)
    if ids is None:
        return sites_for_user(user)
    return sites_for_user(user).filter(pk__in=ids)


def may_keep_site_terms(user, site_id: int) -> bool:
    ids = administered_site_ids(user)
    return ids is None or site_id in ids


def site_term_list(*, sites) -> QuerySet[SiteTerm]:
    """The terms of ``sites`` (site objects or ids)."""
    return for_sites(SiteTerm, sites).select_related("site")


def site_term_list_for_user(*, user) -> QuerySet[SiteTerm]:
    """Every term ``user`` may see and change: those of the sites they administer."""
    ids = administered_site_ids(user)
    if ids is None:
        return site_term_list(sites=sites_for_user(user).values_list("pk", flat=True))
    return site_term_list(sites=ids)


def platform_term_list() -> QuerySet[PlatformTerm]:
    return PlatformTerm.objects.all()
