"""Scoping fails closed, and every site-owned model is scoped the way Citus needs."""

import pytest
from django.apps import apps
from django.db import models

from sites.models import GovSite, SiteGroup
from sites.tenancy import (
    SiteOwnedModel,
    TenantNotSetError,
    all_sites,
    current_site,
    for_sites,
    use_site,
)

pytestmark = pytest.mark.django_db


def test_site_owned_rows_need_a_current_site(site):
    with pytest.raises(TenantNotSetError):
        list(SiteGroup.objects.all())


def test_current_site_filters_site_owned_rows(site, other_site):
    with use_site(site):
        assert {link.site_id for link in SiteGroup.objects.all()} == {site.pk}
    with use_site(other_site):
        assert {link.site_id for link in SiteGroup.objects.all()} == {other_site.pk}


def test_all_sites_context_is_explicit(site, other_site):
    with all_sites():
        assert {link.site_id for link in SiteGroup.objects.all()} >= {
            site.pk,
            other_site.pk,
        }
    with pytest.raises(TenantNotSetError):
        SiteGroup.objects.count()


def test_for_sites_limits_rows_to_the_given_sites(site, other_site):
    rows = for_sites(SiteGroup, [site])
    assert {row.site_id for row in rows} == {site.pk}
    assert for_sites(SiteGroup, []).count() == 0


def test_for_sites_reads_the_named_sites_and_leaves_the_current_site_alone(
    site, other_site
):
    with use_site(site):
        rows = for_sites(SiteGroup, GovSite.objects.filter(pk=other_site.pk))
        assert {row.site_id for row in rows} == {other_site.pk}
        assert current_site() == site
        assert {row.site_id for row in SiteGroup.objects.all()} == {site.pk}


@pytest.mark.parametrize(
    "every_site",
    [
        lambda: None,
        lambda: GovSite.objects,
        lambda: GovSite.objects.all(),
        lambda: GovSite.objects.values_list("pk", flat=True),
        lambda: GovSite.objects.order_by("tree_path"),
    ],
    ids=["none", "manager", "all", "ids", "ordered"],
)
def test_for_sites_refuses_every_site(site, every_site):
    with pytest.raises((TypeError, ValueError), match="every site"):
        for_sites(SiteGroup, every_site())


def test_all_sites_reads_every_site_whatever_site_is_current(site, other_site):
    with use_site(site), all_sites():
        assert {link.site_id for link in SiteGroup.objects.all()} >= {
            site.pk,
            other_site.pk,
        }
        assert current_site() == site


def test_the_platform_admins_sites_are_every_site_by_name(
    site, other_site, platform_admin
):
    from sites.selectors import sites_for_user

    rows = for_sites(SiteGroup, sites_for_user(platform_admin))
    assert {row.site_id for row in rows} >= {site.pk, other_site.pk}


def _site_foreign_keys(model):
    return [
        field
        for field in model._meta.get_fields()
        if isinstance(field, models.ForeignKey)
        and field.related_model is GovSite
        and field.model is model
    ]


def _scoping_problems(model_list):
    problems, checked = [], 0
    for model in model_list:
        if model is GovSite or not _site_foreign_keys(model):
            continue
        if getattr(model, "tenant_scope_exempt", None):
            continue
        checked += 1
        if not issubclass(model, SiteOwnedModel):
            problems.append(f"{model.__name__} is not a SiteOwnedModel")
            continue
        if model.TenantMeta.tenant_field_name != "site_id":
            problems.append(f"{model.__name__}'s tenant column is not site_id")
        for constraint in model._meta.constraints:
            if isinstance(constraint, models.UniqueConstraint) and (
                "site" not in constraint.fields
            ):
                problems.append(f"{model.__name__}.{constraint.name} lacks site")
        for field in model._meta.fields:
            if field.unique and not field.primary_key:
                problems.append(f"{model.__name__}.{field.name} is unique without site")
        for together in model._meta.unique_together:
            if "site" not in together:
                problems.append(
                    f"{model.__name__} unique_together {together} lacks site"
                )
    return checked, problems


def test_every_model_with_a_site_is_tenant_scoped():
    """The tenant walk: a model holding a site foreign key is a SiteOwnedModel with
    `site` as its tenant column and `site` in every unique constraint (what Citus
    needs to distribute it by site_id), or says why it is part of the registry."""
    checked, problems = _scoping_problems(apps.get_models())
    assert checked >= 1
    assert problems == []


def test_the_tenant_walk_catches_unscoped_models():
    class Unscoped(models.Model):
        site = models.ForeignKey(GovSite, on_delete=models.CASCADE, related_name="+")

        class Meta:
            app_label = "govsites"
            managed = False

        def __str__(self):
            return str(self.pk)

    class UniqueWithoutSite(SiteOwnedModel):
        number = models.CharField(max_length=10, unique=True)

        class Meta:
            app_label = "govsites"
            managed = False

        def __str__(self):
            return self.number

    try:
        checked, problems = _scoping_problems([Unscoped, UniqueWithoutSite])
        assert checked == 2
        assert problems == [
            "Unscoped is not a SiteOwnedModel",
            "UniqueWithoutSite.number is unique without site",
        ]
    finally:
        for name in ("unscoped", "uniquewithoutsite"):
            apps.all_models["govsites"].pop(name, None)
        apps.clear_cache()


def test_no_group_reaches_beyond_one_site(site, other_site):
    """Every group with page or collection permissions belongs to one site, and
    none holds the tree root or a global image/document permission (Wagtail's
    default Editors/Moderators groups did; a migration removes them)."""
    from django.contrib.auth.models import Group
    from wagtail.models import GroupCollectionPermission, GroupPagePermission

    scoped = Group.objects.filter(
        pk__in=GroupPagePermission.objects.values("group")
    ) | Group.objects.filter(pk__in=GroupCollectionPermission.objects.values("group"))
    assert scoped.exists()
    assert not scoped.filter(site_links__isnull=True).exists()
    assert not GroupPagePermission.objects.filter(page__depth=1).exists()
    assert not Group.objects.filter(
        permissions__content_type__app_label__in=["wagtailimages", "wagtaildocs"]
    ).exists()
