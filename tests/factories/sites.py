import itertools

import factory
from django.contrib.auth import get_user_model

from sites import routing
from sites.models import SiteStatus
from sites.services import SiteDetails, site_provision, site_status_change


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-1")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


_child_numbers = itertools.count(1)


def site_numbers() -> dict[str, int]:
    """The next numbers ``SiteFactory`` and ``SiteFactory.child`` give (each
    taken, so this process skips them too)."""
    return {
        "site": SiteFactory._meta.next_sequence(),
        "child": next(_child_numbers),
    }


def skip_site_numbers(numbers: dict[str, int]) -> None:
    """Continue numbering sites from ``numbers`` (``site_numbers`` of the process
    that built the shared sites), or from where this process is if further on:
    a site of a test's own never takes a shared site's code or host."""
    global _child_numbers
    mine = site_numbers()
    SiteFactory.reset_sequence(max(mine["site"], numbers["site"]))
    _child_numbers = itertools.count(max(mine["child"], numbers["child"]))


class SiteFactory(factory.Factory):
    """A whole provisioned site (registry row, page tree, collection, groups),
    built through the provisioning service like every real site, with its
    filing numbers and launched (``status="active"``) unless told otherwise
    (``status="preparation"`` leaves it as provisioning does)."""

    class Meta:
        model = SiteDetails

    class Params:
        n = factory.Sequence(lambda n: n)

    level = "province"
    division_code = factory.LazyAttribute(lambda o: f"{11 + o.n % 80:02d}0000")
    code = factory.LazyAttribute(lambda o: f"{o.division_code}{o.n % 10000:04d}")
    name = factory.LazyAttribute(lambda o: f"测试站点{o.n}")
    host = factory.LazyAttribute(lambda o: f"site{o.n}.test.localhost")
    parent_code = None
    icp_number = factory.LazyAttribute(lambda o: f"京ICP备{10000000 + o.n}号-1")
    public_security_number = factory.LazyAttribute(
        lambda o: f"京公网安备 {o.division_code}{o.n % 100000000:08d}号"
    )
    status = SiteStatus.ACTIVE

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        status = kwargs.pop("status")
        site = site_provision(details=model_class(*args, **kwargs))
        if status != site.status:
            site = site_status_change(site=site, status=status)
        # Tests run in a transaction that never commits, so the post-commit
        # refresh of the host map never fires: do it here.
        routing.invalidate()
        return site

    @classmethod
    def child(cls, parent, level: str, **kwargs):
        """A site under ``parent`` with a division code inside the parent's."""
        n = next(_child_numbers)
        if level == "city":
            division = f"{parent.division_code[:2]}{n % 90 + 1:02d}00"
        elif level == "county":
            division = f"{parent.division_code[:4]}{n % 90 + 1:02d}"
        else:
            division = parent.division_code
        return cls(
            level=level,
            parent_code=parent.code,
            division_code=division,
            code=f"{division}{n % 10000:04d}",
            **kwargs,
        )
