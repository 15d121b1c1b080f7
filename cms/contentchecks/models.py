"""The term lists checked before publishing: one platform-wide, one per site."""

from __future__ import annotations

import contextlib

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from sites.tenancy import SiteOwnedModel, use_site


class TermCategory(models.TextChoices):
    SENSITIVE = "sensitive", _("Sensitive word")
    OFFICIAL_TITLE = "official_title", _("Wrong official title")
    NAME = "name", _("Wrong name")
    PLACE_NAME = "place_name", _("Wrong place name")
    OTHER = "other", _("Other wording error")


class TermAction(models.TextChoices):
    BLOCK = "block", _("Block publishing")
    WARN = "warn", _("Warn only")


class CheckTerm(models.Model):
    """What both lists hold: a word or wrong form, and what to do when it is found."""

    term = models.CharField(
        _("term"),
        max_length=100,
        help_text=_(
            "The sensitive word or the wrong form, exactly as it would appear."
        ),
    )
    category = models.CharField(
        _("category"),
        max_length=20,
        choices=TermCategory.choices,
        default=TermCategory.SENSITIVE,
    )
    action = models.CharField(
        _("action"),
        max_length=10,
        choices=TermAction.choices,
        default=TermAction.BLOCK,
        help_text=_(
            "Block: the content cannot be published. Warn: the editor is told."
        ),
    )
    suggestion = models.CharField(
        _("suggestion"),
        max_length=100,
        blank=True,
        help_text=_("The correct form, shown to the editor."),
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True
        ordering = ["term"]

    def __str__(self) -> str:
        return self.term

    def clean(self) -> None:
        super().clean()
        self.term = (self.term or "").strip()
        self.suggestion = (self.suggestion or "").strip()
        if not self.term:
            raise ValidationError({"term": _("Enter the term to look for.")})
        if self.suggestion and self.suggestion == self.term:
            raise ValidationError(
                {"suggestion": _("The suggestion is the same as the term.")}
            )


class PlatformTerm(CheckTerm):
    """平台词库: checked on every site; kept by platform admins."""

    tenant_scope_exempt = "platform-wide list kept by platform admins"

    class Meta(CheckTerm.Meta):
        verbose_name = _("platform term")
        verbose_name_plural = _("platform terms")
        constraints = [
            models.UniqueConstraint(
                fields=["term"],
                name="contentchecks_platformterm_unique_term",
                violation_error_message=_("The platform list already has this term."),
            ),
        ]


class SiteTerm(SiteOwnedModel, CheckTerm):
    """站点词库: checked on one site only, in addition to the platform list."""

    class Meta(CheckTerm.Meta):
        verbose_name = _("site term")
        verbose_name_plural = _("site terms")
        ordering = ["site", "term"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "term"],
                name="contentchecks_siteterm_unique_term",
                violation_error_message=_("This site's list already has this term."),
            ),
        ]

    # Validation queries go through the scoped manager, which refuses to run
    # without a current site: run them in this row's site.
    def validate_unique(self, exclude=None) -> None:
        with self._in_own_site():
            super().validate_unique(exclude=exclude)

    def validate_constraints(self, exclude=None) -> None:
        if self.site_id is None:
            # Every constraint includes the site (the tenant walk checks it), so
            # none can be violated; the missing site is the field's own error.
            return
        with self._in_own_site():
            super().validate_constraints(exclude=exclude)

    def _in_own_site(self):
        if self.site_id is None:
            return contextlib.nullcontext()
        return use_site(self.site)
