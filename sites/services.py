"""Writes to the site registry: provisioning, status changes, host changes.

Every entry point (the admin form, ``provision_site``, ``seed_demo``) calls these.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    GroupSitePermission,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from . import routing, signals
from .column_templates import ColumnSpec, column_template
from .models import (
    ONLINE_STATUSES,
    GovSite,
    SiteFolderPage,
    SiteGroup,
    SiteHost,
    SiteLevel,
    SiteRole,
    SiteStatus,
)
from .selectors import can_administer_site
from .tenancy import all_sites, use_site
from .validators import validate_hostname

DEFAULT_THEMES = {
    SiteLevel.PROVINCE: "portal",
    SiteLevel.CITY: "portal",
    SiteLevel.COUNTY: "county",
    SiteLevel.DEPARTMENT: "department",
}

PARENT_LEVELS = {
    SiteLevel.PROVINCE: (),
    SiteLevel.CITY: (SiteLevel.PROVINCE,),
    SiteLevel.COUNTY: (SiteLevel.CITY,),
    SiteLevel.DEPARTMENT: (SiteLevel.PROVINCE, SiteLevel.CITY, SiteLevel.COUNTY),
}

# Page permissions per role. Site admins hold theirs at the site's folder, so they
# cover the sites below it; editors and reviewers at the site's home page.
PAGE_PERMISSIONS = {
    SiteRole.ADMIN: [
        "add_page",
        "change_page",
        "publish_page",
        "bulk_delete_page",
        "lock_page",
        "unlock_page",
    ],
    # Editors and reviewers publish only through the site's review workflow:
    # without publish permission Wagtail offers them "submit" and "approve".
    SiteRole.EDITOR: ["add_page", "change_page"],
    SiteRole.REVIEWER: ["change_page", "lock_page", "unlock_page"],
}
COLLECTION_PERMISSIONS = {
    SiteRole.ADMIN: [
        "add_image",
        "change_image",
        "choose_image",
        "delete_image",
        "add_document",
        "change_document",
        "choose_document",
        "delete_document",
        "add_collection",
        "change_collection",
    ],
    SiteRole.EDITOR: [
        "add_image",
        "change_image",
        "choose_image",
        "add_document",
        "change_document",
        "choose_document",
    ],
    SiteRole.REVIEWER: [
        "change_image",
        "choose_image",
        "change_document",
        "choose_document",
    ],
}
ROLE_NAMES = {
    SiteRole.ADMIN: "站点管理员",
    SiteRole.EDITOR: "编辑",
    SiteRole.REVIEWER: "审核",
}


@dataclass(frozen=True)
class SiteDetails:
    """The fields a person gives when provisioning or editing a site."""

    code: str
    name: str
    level: str
    host: str
    division_code: str
    parent_code: str | None = None
    short_name: str = ""
    aliases: tuple[str, ...] = ()
    theme: str = ""
    organiser: str = ""
    operator: str = ""
    contact_address: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    icp_number: str = ""
    public_security_number: str = ""


def _check_hierarchy(
    *, level: str, parent: GovSite | None, code: str, division_code: str
):
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    allowed = PARENT_LEVELS.get(level)
    if allowed is None:
        add("level", _("Unknown site level: %(level)s.") % {"level": level})
        return errors
    if (
        parent is None
        and allowed
        and not (level == SiteLevel.DEPARTMENT and code.startswith("bm"))
    ):
        add(
            "parent_code",
            _("A %(level)s site needs a parent site.")
            % {"level": SiteLevel(level).label},
        )
    if parent is not None and parent.level not in allowed:
        add(
            "parent_code",
            _("A %(level)s site cannot be placed under a %(parent)s site.")
            % {
                "level": SiteLevel(level).label,
                "parent": SiteLevel(parent.level).label,
            },
        )
    if level != SiteLevel.DEPARTMENT or parent is not None:
        if code.isdigit() and code[:6] != division_code:
            add(
                "code",
                _("A local site's code starts with its division code %(division)s.")
                % {"division": division_code},
            )
        if code.startswith("bm"):
            add("code", _("Only central department sites have a bm code."))
    if len(division_code) == 6 and division_code.isdigit():
        if level == SiteLevel.PROVINCE and not division_code.endswith("0000"):
            add("division_code", _("A province's division code ends in 0000."))
        if level == SiteLevel.CITY and (
            not division_code.endswith("00") or division_code.endswith("0000")
        ):
            add("division_code", _("A city's division code ends in 00 (but not 0000)."))
        if level == SiteLevel.COUNTY and division_code.endswith("00"):
            add("division_code", _("A county's division code does not end in 00."))
        if parent is not None and level != SiteLevel.DEPARTMENT:
            prefix = {SiteLevel.CITY: 2, SiteLevel.COUNTY: 4}.get(level, 0)
            if division_code[:prefix] != parent.division_code[:prefix]:
                add(
                    "division_code",
                    _("Division code %(code)s is not within the parent's %(parent)s.")
                    % {"code": division_code, "parent": parent.division_code},
                )
    return errors


def _check_hosts(hosts: list[str], *, exclude_site: GovSite | None = None) -> dict:
    errors: dict[str, list[str]] = {}
    for index, host in enumerate(hosts):
        field = "host" if index == 0 else "aliases"
        try:
            validate_hostname(host)
        except ValidationError as error:
            errors.setdefault(field, []).extend(error.messages)
            continue
        if host in settings.PLATFORM_HOSTS:
            errors.setdefault(field, []).append(
                _("Host %(host)s is reserved for the platform itself.") % {"host": host}
            )
        taken = SiteHost.objects.filter(hostname=host)
        if exclude_site is not None:
            taken = taken.exclude(govsite=exclude_site)
        if taken.exists():
            errors.setdefault(field, []).append(
                _("Host %(host)s is already used by another site.") % {"host": host}
            )
    if len(set(hosts)) != len(hosts):
        errors.setdefault("aliases", []).append(_("A host is listed twice."))
    return errors


def _registry_fields(details: SiteDetails) -> dict:
    """The ``GovSite`` fields that come straight from what the person gave."""
    return {
        "code": details.code,
        "name": details.name,
        "short_name": details.short_name,
        "level": details.level,
        "division_code": details.division_code,
        "host": details.host,
        "theme": details.theme or DEFAULT_THEMES.get(details.level, "portal"),
        "organiser": details.organiser or details.name,
        "operator": details.operator,
        "contact_address": details.contact_address,
        "contact_phone": details.contact_phone,
        "contact_email": details.contact_email,
        "icp_number": details.icp_number,
        "public_security_number": details.public_security_number,
    }


def site_validate(
    details: SiteDetails, *, instance: GovSite | None = None
) -> GovSite | None:
    """Check ``details``, return the parent; ``ValidationError`` lists bad fields."""
    errors: dict[str, list[str]] = {}
    parent = None
    if details.parent_code:
        parent = GovSite.objects.filter(code=details.parent_code).first()
        if parent is None:
            errors["parent_code"] = [
                _("There is no site with code %(code)s.")
                % {"code": details.parent_code}
            ]
        elif instance is not None and parent.tree_path.startswith(instance.tree_path):
            errors["parent_code"] = [
                _("A site cannot be placed under itself or a site below it.")
            ]
    candidate = GovSite(**_registry_fields(details))
    if instance is not None:
        candidate.pk = instance.pk
    try:
        candidate.full_clean(
            exclude=["parent", "tree_path", "wagtail_site", "folder_page", "collection"]
        )
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if "code" not in errors and "division_code" not in errors and "level" not in errors:
        for name, messages in _check_hierarchy(
            level=details.level,
            parent=parent,
            code=details.code,
            division_code=details.division_code,
        ).items():
            errors.setdefault(name, []).extend(messages)
    for name, messages in _check_hosts(
        [details.host, *details.aliases], exclude_site=instance
    ).items():
        if name == "host" and "host" in errors:
            continue  # full_clean already said it is malformed or taken
        errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return parent


def _add_columns(parent: Page, specs: tuple[ColumnSpec, ...]) -> None:
    column_model = apps.get_model(settings.SITES_COLUMN_PAGE_MODEL)
    for spec in specs:
        column = column_model(
            title=spec.name,
            slug=spec.code,
            code=spec.code,
            kind=spec.kind,
            update_period_days=spec.update_period_days,
            show_in_menus=True,
        )
        parent.add_child(instance=column)
        if spec.children:
            _add_columns(column, spec.children)


def _grant(site: GovSite, home: Page) -> None:
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    page_perms = {
        p.codename: p
        for p in Permission.objects.filter(
            content_type__app_label="wagtailcore", content_type__model="page"
        )
    }
    collection_perms = {
        p.codename: p
        for p in Permission.objects.filter(
            content_type__app_label__in=["wagtailimages", "wagtaildocs", "wagtailcore"],
            codename__in={
                c for codes in COLLECTION_PERMISSIONS.values() for c in codes
            },
        )
    }
    for role in SiteRole:
        group = Group.objects.create(name=f"{site.code} {site.name} {ROLE_NAMES[role]}")
        group.permissions.add(access_admin)
        SiteGroup.objects.create(site=site, role=role, group=group)
        page_root = site.folder_page if role == SiteRole.ADMIN else home
        GroupPagePermission.objects.bulk_create(
            GroupPagePermission(
                group=group, page=page_root, permission=page_perms[codename]
            )
            for codename in PAGE_PERMISSIONS[role]
        )
        GroupCollectionPermission.objects.bulk_create(
            GroupCollectionPermission(
                group=group,
                collection=site.collection,
                permission=collection_perms[codename],
            )
            for codename in COLLECTION_PERMISSIONS[role]
        )
        if role == SiteRole.ADMIN:
            GroupSitePermission.objects.bulk_create(
                GroupSitePermission(
                    group=group, site=site.wagtail_site, permission=permission
                )
                for permission in _site_settings_permissions()
            )


def _site_settings_permissions() -> list[Permission]:
    """The change permission of every per-site settings model (Wagtail site
    settings), which a site's admins hold for their own site."""
    models = [m for m in apps.get_models() if issubclass(m, BaseSiteSetting)]
    return [
        Permission.objects.get(
            content_type__app_label=m._meta.app_label,
            codename=f"change_{m._meta.model_name}",
        )
        for m in models
    ]


def _create_workflow(site: GovSite, home: Page) -> Workflow:
    """The site's two-step review: its reviewers, then its site admins."""
    groups = {
        link.role: link.group
        for link in SiteGroup.objects.filter(site=site).select_related("group")
    }
    # Stored names are in the platform's language, whoever provisions the site.
    with translation.override(settings.LANGUAGE_CODE):
        workflow = Workflow.objects.create(name=f"{site.name}{_('two-step review')}")
        steps = [
            (SiteRole.REVIEWER, _("Reviewer approval")),
            (SiteRole.ADMIN, _("Site admin approval")),
        ]
    for order, (role, name) in enumerate(steps):
        task = GroupApprovalTask.objects.create(name=f"{site.name} {name}")
        task.groups.set([groups[role]])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=order)
    WorkflowPage.objects.create(workflow=workflow, page=home)
    return workflow


def site_provision(*, details: SiteDetails, port: int | None = None) -> GovSite:
    """Create a whole site in one transaction: registry row, hosts, page tree from
    the level's column template, collection, role groups and their permissions.
    Any failure leaves nothing behind."""
    try:
        return _provision(details=details, port=port)
    except IntegrityError:
        # Another provisioning took the same code or host between check and insert.
        raise ValidationError(
            {"code": [_("A site with this code or host was just created; check both.")]}
        ) from None


@transaction.atomic
def _provision(*, details: SiteDetails, port: int | None) -> GovSite:
    home_model = apps.get_model(settings.SITES_HOME_PAGE_MODEL)
    parent = site_validate(details)
    # Serialise provisioning under one parent so sibling tree paths never collide.
    if parent is not None:
        GovSite.objects.select_for_update().filter(pk=parent.pk).first()

    folder_parent = parent.folder_page if parent else Page.get_first_root_node()
    folder = SiteFolderPage(title=details.name, slug=details.code)
    folder_parent.add_child(instance=folder)
    home = home_model(title=details.name, slug="home")
    folder.add_child(instance=home)
    _add_columns(home, column_template(details.level))

    collection_parent = (
        parent.collection if parent else Collection.get_first_root_node()
    )
    collection = collection_parent.add_child(name=f"{details.name} ({details.code})")

    wagtail_site = Site.objects.create(
        hostname=details.host,
        port=port or settings.SITE_PORT,
        root_page=home,
        site_name=details.name,
        is_default_site=False,
    )
    site = GovSite.objects.create(
        **_registry_fields(details),
        parent=parent,
        tree_path=(parent.tree_path if parent else "") + f"{details.code}/",
        wagtail_site=wagtail_site,
        folder_page=folder,
        collection=collection,
    )
    SiteHost.objects.create(govsite=site, hostname=details.host, is_primary=True)
    SiteHost.objects.bulk_create(
        SiteHost(govsite=site, hostname=alias, is_primary=False)
        for alias in details.aliases
    )
    with use_site(site):
        _grant(site, home)
        _create_workflow(site, home)
    transaction.on_commit(routing.invalidate)
    signals.site_provisioned.send(sender=GovSite, site=site)
    return site


def site_status_check(*, site: GovSite, status: str) -> None:
    """Whether ``site`` may change to ``status``; ``ValidationError`` (on the
    ``status`` field) says why not.

    A site goes online (active, or archived: both serve its pages) from
    preparation or from being closed only with its ICP filing number and its
    public-security filing number in the registry, as the national rules
    require. A site already online keeps running without them (sites that went
    live before the rule); its dashboard warns its admins. Nothing goes back to
    preparation, which is where a new site starts.
    """
    if status not in SiteStatus.values:
        raise ValidationError(
            {"status": [_("Unknown site status: %(status)s.") % {"status": status}]}
        )
    if status == site.status:
        return
    if status == SiteStatus.PREPARATION:
        raise ValidationError(
            {
                "status": [
                    _("A site that has been launched cannot return to preparation.")
                ]
            }
        )
    missing = site.missing_filing_numbers
    if status in ONLINE_STATUSES and site.status not in ONLINE_STATUSES and missing:
        raise ValidationError(
            {
                "status": [
                    _(
                        "%(name)s cannot go online without its filing numbers: fill "
                        "in the %(missing)s in the site's details first."
                    )
                    % {"name": site.name, "missing": _(" and ").join(missing)}
                ]
            }
        )


@transaction.atomic
def site_status_change(*, site: GovSite, status: str) -> GovSite:
    """Change a site's status (the admin's status form, ``set_site_status`` and
    ``seed_demo`` all come here); refused as ``site_status_check`` says."""
    # The registry row as it is now (locked), not as the caller last read it.
    current = GovSite.objects.select_for_update().get(pk=site.pk)
    site_status_check(site=current, status=status)
    site.status = status
    site.save(update_fields=["status", "updated_at"])
    if current.status != status:
        signals.site_status_changed.send(
            sender=GovSite, site=site, old_status=current.status, new_status=status
        )
    return site


def site_close(*, site: GovSite) -> GovSite:
    """Close a site: its pages answer 410 with a notice; all content is kept."""
    return site_status_change(site=site, status=SiteStatus.CLOSED)


def site_reopen(*, site: GovSite) -> GovSite:
    """Put a site online (launch it, or reopen it after closing)."""
    return site_status_change(site=site, status=SiteStatus.ACTIVE)


def site_archive(*, site: GovSite) -> GovSite:
    """Archive a site: it stays online, read-only for everyone who edits it."""
    return site_status_change(site=site, status=SiteStatus.ARCHIVED)


@transaction.atomic
def site_set_aliases(*, site: GovSite, aliases: list[str]) -> GovSite:
    errors = _check_hosts([site.host, *aliases], exclude_site=site)
    if errors:
        raise ValidationError(errors)
    SiteHost.objects.filter(govsite=site, is_primary=False).delete()
    SiteHost.objects.bulk_create(
        SiteHost(govsite=site, hostname=alias, is_primary=False) for alias in aliases
    )
    return site


def site_groups(*, site: GovSite) -> dict[str, Group]:
    with all_sites():
        links = SiteGroup.objects.filter(site=site).select_related("group")
        return {link.role: link.group for link in links}


class SitePermissionDenied(PermissionDenied):
    """The actor may not administer this site (a 403 wherever it surfaces)."""


@transaction.atomic
def site_member_add(
    *, site: GovSite, actor, username: str, role: str, password: str = ""
):
    """Put ``username`` in the site's ``role`` group; create the account if a
    password is given and it does not exist. Only the site's admins may."""

    if not can_administer_site(actor, site):
        raise SitePermissionDenied
    if role not in SiteRole.values:
        raise ValidationError({"role": [_("Unknown role.")]})
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is None:
        if not password:
            raise ValidationError(
                {
                    "username": [
                        _("There is no user %(name)s; give a password to create one.")
                        % {"name": username}
                    ]
                }
            )
        user = user_model(username=username)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise ValidationError({"password": error.messages}) from None
        user.set_password(password)
        user.save()
    site_groups(site=site)[role].user_set.add(user)
    signals.site_member_changed.send(
        sender=GovSite, site=site, actor=actor, user=user, role=role, added=True
    )
    return user


@transaction.atomic
def site_member_remove(*, site: GovSite, actor, user, role: str) -> None:
    if not can_administer_site(actor, site):
        raise SitePermissionDenied
    group = site_groups(site=site).get(role)
    if group is not None:
        group.user_set.remove(user)
        signals.site_member_changed.send(
            sender=GovSite, site=site, actor=actor, user=user, role=role, added=False
        )


EDITABLE_FIELDS = (
    "name", "short_name", "theme", "organiser", "operator", "contact_address",
    "contact_phone", "contact_email", "icp_number", "public_security_number",
)  # fmt: skip


FILING_FIELDS = ("icp_number", "public_security_number")


def site_update_check(*, site: GovSite, changes: dict) -> None:
    """Whether ``site_update`` may make ``changes``; ``ValidationError`` per field
    says why not: an online site's filing numbers may be corrected, not removed."""
    stored = GovSite.objects.filter(pk=site.pk).values("status", *FILING_FIELDS).get()
    if stored["status"] not in ONLINE_STATUSES:
        return
    errors = {
        name: [_("An online site must show its filing number; correct it instead.")]
        for name in FILING_FIELDS
        if name in changes
        and not (changes[name] or "").strip()
        and stored[name].strip()
    }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def site_update(*, site: GovSite, **changes) -> GovSite:
    """Change a site's details; its name follows into the Wagtail site, its page
    folder and its collection, so the admin shows one name everywhere."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {', '.join(sorted(unknown))}")
    site_update_check(site=site, changes=changes)
    for name, value in changes.items():
        setattr(site, name, value)
    site.full_clean(exclude=["parent", "tree_path", "wagtail_site", "folder_page",
                             "collection"])  # fmt: skip
    site.save()
    if "name" in changes:
        Site.objects.filter(pk=site.wagtail_site_id).update(site_name=site.name)
        folder = site.folder_page
        folder.title = folder.draft_title = site.name
        folder.save(update_fields=["title", "draft_title"])
        collection = site.collection
        collection.name = f"{site.name} ({site.code})"
        collection.save(update_fields=["name"])
    signals.site_updated.send(sender=GovSite, site=site, fields=sorted(changes))
    return site
