"""Audit entries for events other packages signal: sign-in and sign-out
(Django), accounts and groups, Wagtail's page and settings saves, and the sites
registry (sites.signals: the bottom layer cannot import us)."""

from django.contrib.auth import get_user_model, user_logged_in, user_logged_out
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished

from sites import signals as site_signals
from sites.models import GovSite

from .models import AuditAction, AuditResult
from .services import audit_record

User = get_user_model()


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    # A superuser's sign-in (the demo's, or an emergency) is marked as such.
    audit_record(
        action=AuditAction.SUPERUSER_COMMAND
        if user.is_superuser
        else AuditAction.SIGN_IN,
        actor=user,
        request=request,
    )


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    name = str(credentials.get("username", ""))[:150]
    audit_record(
        action=AuditAction.SIGN_IN_FAILED,
        actor_name=name,
        request=request,
        result=AuditResult.FAILURE,
    )


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action=AuditAction.SIGN_OUT, actor=user, request=request)


# Accounts: created, deactivated, changed (the fields that matter), deleted.
WATCHED_USER_FIELDS = ("username", "is_active", "is_staff", "is_superuser", "email")


@receiver(pre_save, sender=User)
def _remember_user(sender, instance, raw=False, **kwargs):
    if raw or not instance.pk:
        instance._audit_before = None
        return
    instance._audit_before = (
        User.objects.filter(pk=instance.pk)
        .values(*WATCHED_USER_FIELDS, "password")
        .first()
    )


@receiver(post_save, sender=User)
def _user_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    if created:
        audit_record(
            action=AuditAction.SUPERUSER_COMMAND
            if instance.is_superuser
            else AuditAction.ACCOUNT_CREATED,
            obj=instance,
            detail={"created": True},
        )
        return
    before = getattr(instance, "_audit_before", None)
    if not before:
        return
    changed = [f for f in WATCHED_USER_FIELDS if before[f] != getattr(instance, f)]
    if before["password"] != instance.password:
        audit_record(action=AuditAction.PASSWORD_CHANGED, obj=instance)
    if "is_active" in changed and not instance.is_active:
        audit_record(action=AuditAction.ACCOUNT_DEACTIVATED, obj=instance)
        changed.remove("is_active")
    if changed:
        audit_record(
            action=AuditAction.ACCOUNT_CHANGED,
            obj=instance,
            detail={"fields": changed},
        )


@receiver(post_delete, sender=User)
def _user_deleted(sender, instance, **kwargs):
    audit_record(action=AuditAction.ACCOUNT_DELETED, obj=instance)


@receiver(m2m_changed, sender=User.groups.through)
def _membership_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    detail = {"change": action.removeprefix("post_"), "ids": sorted(pk_set or [])}
    # ``group.user_set.add(user)`` arrives reversed: the group is the instance.
    detail["of"] = "users" if reverse else "groups"
    audit_record(action=AuditAction.GROUP_CHANGED, obj=instance, detail=detail)


@receiver(m2m_changed, sender=Group.permissions.through)
def _group_permissions_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and not reverse:
        audit_record(
            action=AuditAction.GROUP_CHANGED,
            obj=instance,
            detail={"permissions": action.removeprefix("post_"),
                    "ids": sorted(pk_set or [])},
        )  # fmt: skip


# Pages (Wagtail's signals; deletion from the base model's post_delete).


def _page_site_id(page) -> int | None:
    """The site whose page folder holds ``page`` (the deepest, for nested sites)."""
    steps = Page.steplen
    prefixes = [page.path[:end] for end in range(steps, len(page.path) + 1, steps)]
    return (
        GovSite.objects.filter(folder_page__path__in=prefixes)
        .order_by("-folder_page__depth")
        .values_list("pk", flat=True)
        .first()
    )


@receiver(page_published)
def _page_published(sender, instance, revision=None, **kwargs):
    actor = getattr(revision, "user", None)
    audit_record(
        action=AuditAction.PAGE_PUBLISHED,
        actor=actor,
        obj=instance,
        site_id=_page_site_id(instance),
    )


@receiver(page_unpublished)
def _page_unpublished(sender, instance, **kwargs):
    audit_record(
        action=AuditAction.PAGE_UNPUBLISHED,
        obj=instance,
        site_id=_page_site_id(instance),
    )


@receiver(post_delete, sender=Page)
def _page_deleted(sender, instance, **kwargs):
    audit_record(
        action=AuditAction.PAGE_DELETED, obj=instance, site_id=_page_site_id(instance)
    )


@receiver(post_save)
def _settings_saved(sender, instance, raw=False, created=False, **kwargs):
    # A row created with the defaults on first read (``for_site``, often while a
    # public page renders) is nobody's change; the settings page's save is.
    if raw or created or not issubclass(sender, BaseSiteSetting | BaseGenericSetting):
        return
    audit_record(action=AuditAction.SETTINGS_CHANGED, obj=instance)


# The sites registry.


@receiver(site_signals.site_provisioned)
def _site_provisioned(sender, site, **kwargs):
    audit_record(action=AuditAction.SITE_PROVISIONED, site=site, obj=site)


@receiver(site_signals.site_status_changed)
def _site_status_changed(sender, site, old_status, new_status, **kwargs):
    audit_record(
        action=AuditAction.SITE_STATUS_CHANGED,
        site=site,
        obj=site,
        detail={"from": old_status, "to": new_status},
    )


@receiver(site_signals.site_updated)
def _site_updated(sender, site, fields, **kwargs):
    audit_record(
        action=AuditAction.SITE_CHANGED, site=site, obj=site, detail={"fields": fields}
    )


@receiver(site_signals.site_member_changed)
def _site_member_changed(sender, site, actor, user, role, added, **kwargs):
    audit_record(
        action=AuditAction.ROLE_GRANTED if added else AuditAction.ROLE_REVOKED,
        actor=actor,
        site=site,
        obj=user,
        detail={"role": role},
    )
