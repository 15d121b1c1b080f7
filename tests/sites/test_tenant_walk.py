"""Ready for Citus, which distributes site-owned tables by ``site_id``: every foreign
key between site-owned rows joins on the tenant column too, and every unique
constraint of a site-owned model includes it (Citus enforces uniqueness and foreign
keys only within one shard). Each exception is named below with its reason."""

import pytest
from django.apps import apps
from django.db import models
from django_multitenant.fields import TenantForeignKey

from sites.tenancy import SiteOwnedModel

# Plain foreign keys between site-owned models, kept on purpose, and why.
PLAIN_FOREIGN_KEYS = {
    "interaction.Case.api_client": (
        "the API client of the site the case was filed on (intake_site), kept as "
        "a record of who handed it in and never read through the case: after a "
        "transfer the case lives in another site than the client, so the join "
        "cannot include the case's site. API clients are a few rows per platform, "
        "a Citus reference table, to which a distributed table may refer."
    ),
    "syndication.SyndicationTarget.item": (
        "a target site's reference to an item of another site (syndication): the "
        "row belongs to the target, the item to its source, so the join cannot "
        "include one site_id. Reads go through the item's explicit list of sites "
        "(sites.tenancy.for_sites); under Citus this is a plain item_id column "
        "(no foreign key between two distribution keys)."
    ),
}

# The primary key is not checked: an id from a sequence is unique by itself, and
# django-multitenant's Citus migration makes the table's key (site_id, id).


def is_site_owned(model) -> bool:
    tenant_meta = getattr(model, "TenantMeta", None)
    return issubclass(model, SiteOwnedModel) or (
        getattr(tenant_meta, "tenant_field_name", None) == "site_id"
    )


def _label(model, name: str) -> str:
    return f"{model._meta.label}.{name}"


def _unique_columns(constraint: models.UniqueConstraint) -> set[str]:
    names = set(constraint.fields)
    for expression in constraint.expressions:
        names.update(
            node.name
            for node in expression.flatten()
            if isinstance(node, models.F) and hasattr(node, "name")
        )
    return names


def citus_problems(model_list, plain_foreign_keys=PLAIN_FOREIGN_KEYS):
    """(checked models, problems, allow-list entries that matched nothing)."""
    problems, checked, used = [], [], set()
    for model in model_list:
        if model._meta.abstract or model._meta.proxy or not is_site_owned(model):
            continue
        checked.append(model._meta.label)
        for field in model._meta.get_fields():
            if field.auto_created or not field.is_relation or field.model is not model:
                continue
            target = field.related_model
            if target is None or not is_site_owned(target):
                continue
            name = _label(model, field.name)
            if field.many_to_many:
                problems.append(
                    f"{name}: many-to-many to {target._meta.label} "
                    "(its link rows carry no site_id)"
                )
            elif isinstance(field, TenantForeignKey):
                continue
            elif name in plain_foreign_keys:
                used.add(name)
            else:
                problems.append(
                    f"{name}: foreign key to {target._meta.label} joins without "
                    "site_id (use TenantForeignKey, or add it to PLAIN_FOREIGN_KEYS "
                    "with the reason)"
                )
        for field in model._meta.concrete_fields:
            if field.unique and not field.primary_key:
                problems.append(
                    f"{_label(model, field.name)}: unique=True without site"
                )
        for together in model._meta.unique_together:
            if "site" not in together and "site_id" not in together:
                problems.append(
                    f"{model._meta.label}: unique_together {together} without site"
                )
        for constraint in model._meta.constraints:
            if not isinstance(constraint, models.UniqueConstraint):
                continue
            if not {"site", "site_id"} & _unique_columns(constraint):
                problems.append(
                    f"{model._meta.label}: constraint {constraint.name} without site"
                )
    unused = sorted(set(plain_foreign_keys) - used)
    return checked, problems, unused


def test_site_owned_relations_and_unique_constraints_include_the_site():
    checked, problems, unused = citus_problems(apps.get_models())
    assert "interaction.CaseEvent" in checked and "govsites.SiteGroup" in checked
    assert problems == []
    assert unused == [], "allowed exceptions that no longer exist"


@pytest.fixture
def scratch_models():
    """Models declared in a test, removed from the app registry afterwards."""
    declared = []
    yield declared
    for model in declared:
        apps.all_models[model._meta.app_label].pop(model._meta.model_name, None)
    apps.clear_cache()


def test_the_walk_names_each_model_and_constraint_it_refuses(scratch_models):
    class Letter(SiteOwnedModel):
        number = models.CharField(max_length=10, unique=True)

        class Meta:
            app_label = "govsites"
            managed = False
            constraints = [
                models.UniqueConstraint(fields=["number"], name="letter_number"),
                models.UniqueConstraint(
                    fields=["site", "number"], name="letter_site_number"
                ),
            ]

        def __str__(self):
            return self.number

    class Step(SiteOwnedModel):
        letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="+")
        joined = TenantForeignKey(Letter, on_delete=models.CASCADE, related_name="+")
        allowed = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="+")

        class Meta:
            app_label = "govsites"
            managed = False
            unique_together = [("letter", "joined")]

        def __str__(self):
            return str(self.pk)

    scratch_models.extend([Letter, Step])
    checked, problems, unused = citus_problems(
        [Letter, Step],
        plain_foreign_keys={"govsites.Step.allowed": "why", "govsites.Gone.x": "y"},
    )
    assert checked == ["govsites.Letter", "govsites.Step"]
    assert problems == [
        "govsites.Letter.number: unique=True without site",
        "govsites.Letter: constraint letter_number without site",
        "govsites.Step.letter: foreign key to govsites.Letter joins without site_id"
        " (use TenantForeignKey, or add it to PLAIN_FOREIGN_KEYS with the reason)",
        "govsites.Step: unique_together ('letter', 'joined') without site",
    ]
    assert unused == ["govsites.Gone.x"]
