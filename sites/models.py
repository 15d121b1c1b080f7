"""The site registry: each hosted government website is a ``GovSite`` (tenant)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.models import Collection, Page, Site

from .tenancy import SiteOwnedModel
from .validators import validate_division_code, validate_hostname, validate_site_code


class SiteLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County / district")
    DEPARTMENT = "department", _("Department")


class SiteStatus(models.TextChoices):
    # 筹备/建设中: provisioned and being built, not yet launched. A site goes
    # online (active or archived) only with both filing numbers
    # (``sites.services.site_status_change``).
    PREPARATION = "preparation", pgettext_lazy("site status", "In preparation")
    ACTIVE = "active", pgettext_lazy("site status", "Active")
    CLOSED = "closed", pgettext_lazy("site status", "Closed")
    ARCHIVED = "archived", pgettext_lazy("site status", "Archived")


# The statuses in which a site is online: its pages are served to the public.
ONLINE_STATUSES = (SiteStatus.ACTIVE, SiteStatus.ARCHIVED)


class SiteRole(models.TextChoices):
    ADMIN = "admin", _("Site admins")
    EDITOR = "editor", _("Editors")
    REVIEWER = "reviewer", _("Reviewers")


class GovSite(models.Model):
    """One hosted government website, the tenant every site-owned row points to.

    The registry itself is shared: it is the hierarchy every site hangs in, so it is
    not filtered by the current tenant.
    """

    code = models.CharField(
        _("site code"),
        max_length=10,
        unique=True,
        validators=[validate_site_code],
        help_text=_(
            "网站标识码: 10 digits, or bm and 8 digits for central departments"
        ),
    )
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    level = models.CharField(_("level"), max_length=12, choices=SiteLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent site"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    division_code = models.CharField(
        _("division code"), max_length=6, validators=[validate_division_code]
    )
    host = models.CharField(
        _("primary host"), max_length=253, unique=True, validators=[validate_hostname]
    )
    theme = models.CharField(_("theme"), max_length=40, default="portal")
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=SiteStatus.choices,
        default=SiteStatus.PREPARATION,
    )
    organiser = models.CharField(_("organiser (主办单位)"), max_length=100, blank=True)
    operator = models.CharField(_("operator (承办单位)"), max_length=100, blank=True)
    contact_address = models.CharField(_("contact address"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    icp_number = models.CharField(_("ICP filing number"), max_length=60, blank=True)
    public_security_number = models.CharField(
        _("public security filing number"), max_length=60, blank=True
    )
    # The hierarchy as a path of site codes ("2100000001/2101000001/"), so that
    # "this site and every site below it" is one indexed prefix match.
    tree_path = models.CharField(max_length=255, editable=False, db_index=True)

    wagtail_site = models.OneToOneField(
        Site, on_delete=models.PROTECT, related_name="govsite", editable=False
    )
    folder_page = models.OneToOneField(
        "govsites.SiteFolderPage",
        on_delete=models.PROTECT,
        related_name="govsite",
        editable=False,
    )
    collection = models.OneToOneField(
        Collection, on_delete=models.PROTECT, related_name="govsite", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["tree_path"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level="province", parent__isnull=True)
                | ~models.Q(level="province"),
                name="govsite_province_has_no_parent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    # django-multitenant reads the tenant value from the current tenant object.
    @property
    def tenant_value(self) -> int | None:
        return self.pk

    @property
    def root_page(self) -> Page:
        return self.wagtail_site.root_page

    @property
    def missing_filing_numbers(self) -> list[str]:
        """The names of the filing numbers the registry lacks (ICP 备案号,
        公安机关备案号), which a site needs before it goes online."""
        return [
            str(self._meta.get_field(name).verbose_name)
            for name in ("icp_number", "public_security_number")
            if not getattr(self, name).strip()
        ]

    @property
    def public_netloc(self) -> str:
        """The primary host with the port public URLs carry (none for 80 and 443):
        what links in mail put after ``http://``."""
        port = self.wagtail_site.port
        return self.host if port in (80, 443) else f"{self.host}:{port}"


class SiteHost(models.Model):
    """Every host name a site answers on: its primary host and its aliases.

    Part of the routing registry, read before any tenant is known, so it is shared
    (like ``GovSite``) and host names are unique across the whole platform.
    """

    tenant_scope_exempt = "routing registry: resolved before the tenant is known"

    hostname = models.CharField(
        _("host"), max_length=253, unique=True, validators=[validate_hostname]
    )
    govsite = models.ForeignKey(GovSite, on_delete=models.CASCADE, related_name="hosts")
    is_primary = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("site host")
        verbose_name_plural = _("site hosts")

    def __str__(self) -> str:
        return self.hostname


class SiteGroup(SiteOwnedModel):
    """Links a site to one of its role groups explicitly (not by group naming)."""

    role = models.CharField(_("role"), max_length=10, choices=SiteRole.choices)
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="site_links"
    )

    class Meta:
        verbose_name = _("site group")
        verbose_name_plural = _("site groups")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "role"], name="sitegroup_one_per_role"
            ),
            models.UniqueConstraint(
                fields=["site", "group"], name="sitegroup_unique_group"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site_id}:{self.role}"


class SiteFolderPage(Page):
    """The top of one site's page subtree; its home page and the folders of the sites
    below it hang here, so one permission row at a folder covers a whole branch of
    the hierarchy (a city admin over its counties needs no row per county)."""

    parent_page_types = ["wagtailcore.Page", "govsites.SiteFolderPage"]
    subpage_types = ["govsites.SiteFolderPage", settings.SITES_HOME_PAGE_MODEL]
    is_creatable = False
    max_count_per_parent = None

    class Meta:
        verbose_name = _("site folder")
        verbose_name_plural = _("site folders")

    def serve(self, request, *args, **kwargs):
        raise Http404

    def get_url_parts(self, request=None):
        return None
