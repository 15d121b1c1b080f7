"""The audit log: one row per security-relevant event. Rows are only ever
inserted: a PostgreSQL trigger (migration 0002) refuses UPDATE and DELETE, except
the purge of rows older than six months, and each row carries a keyed hash of its
content and of the row before it, so an edit by a database superuser is found by
``manage.py verify_audit_log``."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    SIGN_IN = "sign_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
    SIGN_OUT = "sign_out", _("Signed out")
    LOCKED_OUT = "locked_out", _("Sign-in locked")
    UNLOCKED = "unlocked", _("Sign-in lock lifted")
    MFA_ENROLLED = "mfa_enrolled", _("Second factor enrolled")
    MFA_VERIFIED = "mfa_verified", _("Second factor verified")
    MFA_FAILED = "mfa_failed", _("Second factor refused")
    MFA_RECOVERY_USED = "mfa_recovery", _("Recovery code used")
    MFA_RESET = "mfa_reset", _("Second factor reset")
    SESSION_ENDED = "session_ended", _("Session ended")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    ACCOUNT_CREATED = "account_created", _("Account created")
    ACCOUNT_CHANGED = "account_changed", _("Account changed")
    ACCOUNT_DEACTIVATED = "account_deactivated", _("Account deactivated")
    ACCOUNT_DELETED = "account_deleted", _("Account deleted")
    GROUP_CHANGED = "group_changed", _("Group membership or permissions changed")
    ROLE_GRANTED = "role_granted", _("Role granted")
    ROLE_REVOKED = "role_revoked", _("Role revoked")
    SITE_PROVISIONED = "site_provisioned", _("Site provisioned")
    SITE_STATUS_CHANGED = "site_status", _("Site status changed")
    SITE_CHANGED = "site_changed", _("Site details changed")
    PAGE_PUBLISHED = "page_published", _("Page published")
    PAGE_UNPUBLISHED = "page_unpublished", _("Page unpublished")
    PAGE_DELETED = "page_deleted", _("Page deleted")
    SETTINGS_CHANGED = "settings_changed", _("Settings changed")
    EXPORTED = "exported", _("Data exported")
    API_CLIENT_CHANGED = "api_client", _("API client changed")
    PERSONAL_DATA_VIEWED = "unmasked", _("Personal data viewed unmasked")
    SUPERUSER_COMMAND = "superuser", _("Superuser account used")
    AUDIT_PURGED = "audit_purged", _("Audit rows purged")
    SYNDICATION = "syndication", _("Syndication step")


class AuditResult(models.TextChoices):
    SUCCESS = "success", _("Succeeded")
    FAILURE = "failure", _("Failed")
    REFUSED = "refused", _("Refused")


class AuditEvent(models.Model):
    """Who, when, from which address, what, on which site, with what result.

    Not a tenant model: the log is the platform's, and audit administrators read
    every site's rows. The user and the site are referenced without database
    constraints (and their names copied), so deleting either never tries to
    change a row here."""

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("by"),
    )
    actor_name = models.CharField(_("account"), max_length=150, blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    action = models.CharField(
        _("action"), max_length=24, choices=AuditAction.choices, db_index=True
    )
    result = models.CharField(
        _("result"),
        max_length=8,
        choices=AuditResult.choices,
        default=AuditResult.SUCCESS,
    )
    site = models.ForeignKey(
        "govsites.GovSite",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("site"),
    )
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    previous_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    tenant_scope_exempt = (
        "the platform's audit log: append-only, read across sites by audit "
        "administrators only"
    )

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-pk"]
        # Only audit administrators get it (accounts.staff roles); nobody gets
        # add, change or delete, which the trigger refuses anyway.
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.get_action_display()}"
