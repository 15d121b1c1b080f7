"""The admin edit form of content pages: publishing rules checked before publishing."""

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from sites.forms import SiteReferencesFormMixin

# Buttons of Wagtail's page editor that publish or send the page towards publishing.
PUBLISHING_ACTIONS = (
    "action-publish",
    "action-submit",
    "action-restart-workflow",
    "action-workflow-action",
)


class ContentPageForm(SiteReferencesFormMixin, WagtailAdminPageForm):
    confirm_warnings = forms.BooleanField(
        label=_("I have checked the flagged wording"),
        required=False,
        help_text=_(
            "When the checks before publishing flag wording that may be wrong, "
            "correct it or tick this box to confirm it is right."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A content page's address is built from its date and id, so its slug is
        # only a label: filled in from the title when left empty.
        if "slug" in self.fields:
            self.fields["slug"].required = False

    def clean_slug(self):
        slug = self.cleaned_data.get("slug")
        if slug:
            return slug
        if self.instance.slug:
            return self.instance.slug
        base = slugify(self.data.get("title", ""), allow_unicode=True)[:60] or "page"
        parent = self.parent_page
        if parent is None:
            return base
        taken = set(
            parent.get_children()
            .filter(slug__startswith=base)
            .values_list("slug", flat=True)
        )
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        return slug

    def is_publishing(self) -> bool:
        return any(self.data.get(action) for action in PUBLISHING_ACTIONS)

    def _post_clean(self):
        super()._post_clean()
        from cms import publishing

        parent = self.parent_page
        if parent is None and self.instance.pk:
            parent = self.instance.get_parent()
        if parent is None:
            return
        problems = publishing.check_before_saving(
            page=self.instance, parent=parent, publishing=self.is_publishing()
        )
        for field, message in problems.errors:
            self.add_error(field, message)
        if problems.warnings and not self.cleaned_data.get("confirm_warnings"):
            self.add_error("confirm_warnings", problems.warning_message())
