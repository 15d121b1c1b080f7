"""Reads of the site registry, and the one helper admin code scopes querysets with."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from wagtail.models import Page

from .models import ONLINE_STATUSES, GovSite, SiteGroup, SiteRole
from .tenancy import SiteOwnedModel, all_sites, for_sites

PLATFORM_ADMIN_PERMISSION = "govsites.add_govsite"


def is_platform_admin(user) -> bool:
    """The one definition of a platform admin: an active superuser, or an active
    holder of ``govsites.add_govsite`` (directly or through a group). Every check
    of the role calls this; ``platform_admin_condition`` is the same rule as a
    filter on users."""
    return bool(
        user.is_active
        and (user.is_superuser or user.has_perm(PLATFORM_ADMIN_PERMISSION))
    )


def platform_admin_condition() -> Q:
    """``is_platform_admin`` as a filter on the user model (add ``is_active=True``
    for the active ones)."""
    app_label, codename = PLATFORM_ADMIN_PERMISSION.split(".")
    return (
        Q(is_superuser=True)
        | Q(
            user_permissions__codename=codename,
            user_permissions__content_type__app_label=app_label,
        )
        | Q(
            groups__permissions__codename=codename,
            groups__permissions__content_type__app_label=app_label,
        )
    )


def site_list() -> QuerySet[GovSite]:
    return GovSite.objects.select_related("parent", "wagtail_site").order_by(
        "tree_path"
    )


def sites_for_user(user) -> QuerySet[GovSite]:
    """The sites ``user`` may manage: platform admins every site; a site admin their
    site and every site below it; editors and reviewers their own sites."""
    if not user.is_authenticated or not user.is_active:
        return GovSite.objects.none()
    cache_attr = "_govsites_managed_ids"
    if is_platform_admin(user):
        # Every site, through a filter: for_sites() refuses an unfiltered site
        # queryset, so "every site" is granted here, in sites/, and nowhere else.
        return site_list().filter(pk__in=GovSite.objects.values("pk"))
    ids = getattr(user, cache_attr, None)
    if ids is None:
        with all_sites():
            links = list(
                SiteGroup.objects.filter(group__user=user).values_list(
                    "site__tree_path", "role"
                )
            )
        condition = Q(pk__in=[])
        for tree_path, role in links:
            if role == SiteRole.ADMIN:
                condition |= Q(tree_path__startswith=tree_path)
            else:
                condition |= Q(tree_path=tree_path)
        ids = list(GovSite.objects.filter(condition).values_list("pk", flat=True))
        setattr(user, cache_attr, ids)
    return site_list().filter(pk__in=ids)


def manages_any_site(user) -> bool:
    """Whether ``sites_for_user(user)`` holds a site: asked by every admin menu item
    for site staff (a dozen a page, twice each under a submenu), answered once per
    user object, that is once per request."""
    cached = getattr(user, "_govsites_manages_any", None)
    if cached is None:
        cached = sites_for_user(user).exists()
        user._govsites_manages_any = cached
    return cached


def can_administer_site(user, site: GovSite) -> bool:
    """Whether ``user`` is a platform admin, or admin of ``site`` or a site above."""
    if not user.is_authenticated or not user.is_active:
        return False
    if is_platform_admin(user):
        return True

    ancestor_paths = [
        site.tree_path[: i + 1] for i, ch in enumerate(site.tree_path) if ch == "/"
    ]
    with all_sites():
        return SiteGroup.objects.filter(
            group__user=user, role=SiteRole.ADMIN, site__tree_path__in=ancestor_paths
        ).exists()


def sites_administered_by(user) -> QuerySet[GovSite]:
    """The sites ``user`` administers, as ``can_administer_site`` says for one:
    every site for a platform admin, else each site they are an admin of and the
    sites below it (one query for the lot)."""
    if not user.is_authenticated or not user.is_active:
        return GovSite.objects.none()
    if is_platform_admin(user):
        return site_list().filter(pk__in=GovSite.objects.values("pk"))
    with all_sites():
        roots = list(
            SiteGroup.objects.filter(group__user=user, role=SiteRole.ADMIN).values_list(
                "site__tree_path", flat=True
            )
        )
    administered = Q(pk__in=[])
    for tree_path in roots:
        administered |= Q(tree_path__startswith=tree_path)
    return site_list().filter(administered)


def site_members(*, site: GovSite) -> list[tuple[str, object]]:
    """(role, user) pairs of everyone in the site's role groups."""

    with all_sites():
        links = list(SiteGroup.objects.filter(site=site).select_related("group"))
    members = []
    for link in links:
        for user in link.group.user_set.order_by("username"):
            members.append((link.role, user))
    return members


def site_of_page_path(path: str) -> GovSite | None:
    """The site whose page tree holds the (possibly unsaved) page at ``path``."""

    prefixes = [path[:end] for end in range(Page.steplen, len(path) + 1, Page.steplen)]
    return (
        GovSite.objects.filter(wagtail_site__root_page__path__in=prefixes)
        .order_by("-wagtail_site__root_page__depth")
        .first()
    )


def staff_for_user(user) -> QuerySet:
    """People whose names ``user`` may see in the admin's filters: the members of
    the sites ``user`` works on, the admins of the sites above those (who manage
    them) and platform admins; everyone for platform admins. Never the staff of a
    sibling site."""

    user_model = get_user_model()
    if is_platform_admin(user):
        return user_model.objects.all()
    paths = list(sites_for_user(user).values_list("tree_path", flat=True))
    above = {path[: i + 1] for path in paths for i, ch in enumerate(path) if ch == "/"}
    with all_sites():
        groups = list(
            SiteGroup.objects.filter(
                Q(site__tree_path__in=paths)
                | Q(site__tree_path__in=above, role=SiteRole.ADMIN)
            ).values_list("group_id", flat=True)
        )
    visible = user_model.objects.filter(
        Q(groups__in=groups) | Q(pk=user.pk) | platform_admin_condition()
    )
    return user_model.objects.filter(pk__in=visible.values("pk"))


def home_site_for_user(user) -> GovSite | None:
    """The site ``user`` works on directly (a member of one of its role groups),
    the most local one if several: where their uploads go by default."""
    if not user.is_authenticated:
        return None

    with all_sites():
        ids = list(
            SiteGroup.objects.filter(group__user=user).values_list("site_id", flat=True)
        )
    sites = sorted(
        GovSite.objects.filter(pk__in=ids).select_related("collection"),
        key=lambda site: (-site.tree_path.count("/"), site.tree_path),
    )
    return sites[0] if sites else None


def rows_of_person(model: type[SiteOwnedModel], *, user, field: str = "user"):
    """A signed-in person's own rows of ``model`` on every site (one identity for
    every hosted site): rows whose ``field`` is ``user``, whatever site is current.
    A platform-wide read, so it lives here, where ``all_sites()`` may be opened."""
    if not user.is_authenticated:
        return for_sites(model, [])
    with all_sites():
        return model.objects.filter(**{field: user})


def sites_missing_filing_numbers(*, user, limit: int = 20) -> tuple[list[GovSite], int]:
    """The online sites ``user`` administers whose registry lacks the ICP or the
    public-security filing number (the first ``limit``), and how many there are."""
    candidates = sites_for_user(user).filter(
        Q(icp_number="") | Q(public_security_number=""), status__in=ONLINE_STATUSES
    )
    # Editors and reviewers see their own sites in sites_for_user; only admins
    # are warned (they are the ones who can have the numbers filled in).
    candidates = candidates.filter(pk__in=sites_administered_by(user).values("pk"))
    return list(candidates[:limit]), candidates.count()
