from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StaffRole(models.TextChoices):
    """三员分立: three administrator roles, never two on one account."""

    SYSTEM_ADMIN = "system", _("System administrator")
    SECURITY_ADMIN = "security", _("Security administrator")
    AUDIT_ADMIN = "audit", _("Audit administrator")


class StaffRoleAssignment(models.Model):
    """An account's administrator role. One row per account at most (the
    database's unique key), so no account holds two of the roles; the role's
    permissions come from its group (``ROLE_GROUPS``), which only
    ``staff_role_grant`` fills."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_role",
        verbose_name=_("account"),
    )
    role = models.CharField(_("role"), max_length=12, choices=StaffRole.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)

    class Meta:
        verbose_name = _("administrator role")
        verbose_name_plural = _("administrator roles")
        permissions = [
            ("manage_security", _("Can manage sign-in security")),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class StaffSession(models.Model):
    """A signed-in staff session, so its owner can list and end it (Django's
    sessions cannot be found by user)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    session_key = models.CharField(max_length=64, unique=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("staff session")
        verbose_name_plural = _("staff sessions")
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.address}"
