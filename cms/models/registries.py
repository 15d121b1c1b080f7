"""Platform-wide numbering: counters and the normative-document registry."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Counter(models.Model):
    """A named sequence that only goes up (``core.numbering.next_value``).

    ``scope`` says what is numbered ("index", "normative", "case"); ``key`` whose
    numbers they are (a site code and year, an issuing organ and year). A number
    handed out is never handed out again, even when what received it is deleted.
    """

    tenant_scope_exempt = "platform-wide sequences; keys name their site themselves"

    scope = models.CharField(max_length=30)
    key = models.CharField(max_length=200)
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="counter_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}={self.value}"


class NormativeRegistration(models.Model):
    """A registration number of a normative document (行政规范性文件登记号).

    Issued once, when the document is first published, sequential per issuing organ
    and year, and kept when the document is deleted so it is never reused.
    """

    tenant_scope_exempt = "platform-wide registry: numbers are unique across sites"

    issuing_organ = models.CharField(_("issuing organ"), max_length=100)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    document = models.OneToOneField(
        "cms.PolicyDocumentPage",
        verbose_name=_("document"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="registration",
    )
    document_title = models.CharField(_("document title"), max_length=255)
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("normative document registration")
        verbose_name_plural = _("normative document registrations")
        ordering = ["issuing_organ", "year", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuing_organ", "year", "sequence"],
                name="registration_unique_number",
            )
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"{self.issuing_organ}〔{self.year}〕第{self.sequence}号"
