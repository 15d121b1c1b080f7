"""Public accounts (one per citizen, shared by every hosted site), their one-time
codes, consent records, and the single sign-on registry: identity sessions, the
site hosts registered as clients, and the one-time tickets between them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from interaction.fields import EncryptedTextField


class Channel(models.TextChoices):
    PHONE = "phone", _("mobile number")
    EMAIL = "email", _("e-mail address")


class PublicAccount(models.Model):
    """What the platform knows of one citizen besides Django's user row. The
    mobile number is stored encrypted (interaction.crypto) and found by its keyed
    hash; the e-mail address by its lower-cased form."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="public_account",
    )
    phone = EncryptedTextField(_("mobile number"), blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, editable=False)
    phone_verified_at = models.DateTimeField(null=True, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    name = EncryptedTextField(_("name"), blank=True)
    id_number = EncryptedTextField(_("ID number"), blank=True)
    # The upstream identity provider's subject, once linked (accounts.upstream).
    upstream_subject = models.CharField(max_length=255, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("public account")
        verbose_name_plural = _("public accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["phone_hash"],
                condition=~models.Q(phone_hash=""),
                name="account_unique_phone",
            ),
            models.UniqueConstraint(
                fields=["email"],
                condition=~models.Q(email=""),
                name="account_unique_email",
            ),
            models.UniqueConstraint(
                fields=["upstream_subject"],
                condition=~models.Q(upstream_subject=""),
                name="account_unique_upstream_subject",
            ),
        ]

    def __str__(self) -> str:
        return self.user.get_username()


class Consent(models.Model):
    """A person's agreement to the personal-information rules: which version,
    when. Kept as a history; the newest row is the one in force."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    version = models.CharField(max_length=20)
    purpose = models.TextField()
    accepted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-accepted_at"]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.version}"


class VerificationCode(models.Model):
    """A one-time code sent to a mobile number or an e-mail address: kept only as
    a keyed hash, valid for minutes, accepted once, dead after a few wrong tries."""

    channel = models.CharField(max_length=8, choices=Channel.choices)
    target_hash = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.channel}:{self.pk}"


class IdentitySession(models.Model):
    """One signed-in browser on the identity host. Every site host's local session
    made from it carries its id and is refused once it has ended: signing out
    anywhere signs out everywhere."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    user_agent = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "ended_at"])]

    def __str__(self) -> str:
        return str(self.id)


class SsoClient(models.Model):
    """A site host registered with the identity host: registered when the site is
    provisioned, deactivated when it is closed. Its callback is the only address
    the identity host sends a ticket to."""

    # Part of the site registry (one row per site), not a site's own data.
    tenant_scope_exempt = "the identity host's registry of site hosts"

    site = models.OneToOneField(
        "govsites.GovSite", on_delete=models.CASCADE, related_name="+"
    )
    client_id = models.CharField(max_length=32, unique=True)
    hostname = models.CharField(max_length=253)
    active = models.BooleanField(default=True)
    registered_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.client_id


class SsoTicket(models.Model):
    """A one-time ticket from the identity host to one client's callback: kept as
    a hash, valid for a minute, redeemed once, by that client only."""

    ticket_hash = models.CharField(max_length=64, unique=True)
    client = models.ForeignKey(SsoClient, on_delete=models.CASCADE, related_name="+")
    identity_session = models.ForeignKey(
        IdentitySession, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return str(self.pk)
