"""The admin edit form of content pages: publishing rules checked before publishing."""

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminPageForm

from cms import publishing
from cms.publishing import NO_INTERPRETATION
from sites.forms import SiteReferencesFormMixin

# Buttons of Wagtail's page editor that publish or send the page towards publishing.
PUBLISHING_ACTIONS = (
    "action-publish",
    "action-submit",
    "action-restart-workflow",
    "action-workflow-action",
)


def derived_slug(*, title: str, parent, page=None) -> str:
    """The internal slug of a new content page: from its title, made unique among
    the column's pages (drafts included) with a number, so a draft left behind
    never blocks the next page with the same title."""
    base = slugify(title or "", allow_unicode=True)[:60].strip("-") or "page"
    if parent is None:
        return base
    siblings = parent.get_children().filter(slug__startswith=base)
    if page is not None and page.pk:
        siblings = siblings.exclude(pk=page.pk)
    taken = set(siblings.values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def confirmed_labels(keys) -> list[str]:
    """What a stored confirmation covers, for the editor and the reviewers."""
    labels = []
    for key in keys or ():
        if key == NO_INTERPRETATION:
            labels.append(_("no published interpretation"))
        elif key.startswith("term:"):
            labels.append(f"“{key.removeprefix('term:')}”")
    return labels


class ContentPageForm(SiteReferencesFormMixin, WagtailAdminPageForm):
    confirm_warnings = forms.BooleanField(
        label=gettext_lazy("I have checked the flagged wording"),
        required=False,
        help_text=gettext_lazy(
            "When the checks before publishing flag wording that may be wrong, "
            "correct it or tick this box to confirm it is right."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = confirmed_labels(getattr(self.instance, "confirmed_warnings", None))
        if labels:
            # The review steps see the editor's confirmation; they need not give
            # it again unless the wording flagged has changed.
            self.fields["confirm_warnings"].help_text = _(
                "Confirmed with this version: %(items)s. Tick the box again only "
                "when new wording is flagged."
            ) % {"items": "、".join(labels)}
        field = self.fields.get("index_number")
        if field is not None and self._index_number_issued():
            field.disabled = True
            field.help_text = _(
                "索引号, issued when the document first went live; it does not change."
            )

    def _index_number_issued(self) -> bool:
        page = self.instance
        if not page.pk:
            return False
        record = type(page).objects.filter(pk=page.pk).first()
        return record is not None and record.index_number_issued

    def clean(self):
        cleaned = super().clean()
        # A content page's address is built from its date and id: its slug is
        # only an internal label, derived once, never typed.
        if not self.instance.slug:
            self.instance.slug = derived_slug(
                title=cleaned.get("title", ""),
                parent=self.parent_page,
                page=self.instance,
            )
        return cleaned

    def is_publishing(self) -> bool:
        return any(self.data.get(action) for action in PUBLISHING_ACTIONS)

    def _post_clean(self):
        super()._post_clean()
        parent = self.parent_page
        if parent is None and self.instance.pk:
            parent = self.instance.get_parent()
        if parent is None:
            return
        publishing_now = self.is_publishing()
        problems = publishing.check_before_saving(
            page=self.instance, parent=parent, publishing=publishing_now
        )
        for field, message in problems.errors:
            self.add_error(field, message)
        if not publishing_now:
            return
        if self.cleaned_data.get("confirm_warnings"):
            unconfirmed = set()
        else:
            unconfirmed = problems.unconfirmed_warnings(
                self.instance.confirmed_warnings
            )
        if unconfirmed:
            self.add_error("confirm_warnings", problems.warning_message())
        else:
            # Kept with the revision: the next steps of the review see it.
            self.instance.confirmed_warnings = sorted(problems.warning_keys)
