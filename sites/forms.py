import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from .models import GovSite, SiteLevel, SiteRole, SiteStatus
from .references import page_references_refused
from .selectors import home_site_for_user
from .services import SiteDetails, site_status_check, site_validate


def theme_choices() -> list[tuple[str, str]]:
    """(name, label) of every registered theme. The registry belongs to the themes
    package, which this one may not import: settings name the function that lists
    them (``SITES_THEME_LIST``)."""

    path = getattr(settings, "SITES_THEME_LIST", None)
    if not path:
        return []
    return [
        (theme.name, f"{theme.label} ({theme.name})") for theme in import_string(path)()
    ]


class SiteProvisionForm(forms.Form):
    """新建站点: every field a platform admin gives to provision a site."""

    name = forms.CharField(label=_("Name"), max_length=100)
    short_name = forms.CharField(label=_("Short name"), max_length=30, required=False)
    code = forms.CharField(label=_("Site code"), max_length=10)
    level = forms.ChoiceField(label=_("Level"), choices=SiteLevel.choices)
    parent = forms.ModelChoiceField(
        label=_("Parent site"), queryset=GovSite.objects.none(), required=False
    )
    division_code = forms.CharField(label=_("Division code"), max_length=6)
    host = forms.CharField(label=_("Primary host"), max_length=253)
    aliases = forms.CharField(
        label=_("Alias hosts"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line; they redirect to the primary host."),
    )
    theme = forms.ChoiceField(
        label=_("Theme"),
        required=False,
        choices=lambda: [("", _("The level's default")), *theme_choices()],
    )
    organiser = forms.CharField(
        label=_("Organiser (主办单位)"), max_length=100, required=False
    )
    operator = forms.CharField(
        label=_("Operator (承办单位)"), max_length=100, required=False
    )
    contact_address = forms.CharField(
        label=_("Contact address"), max_length=200, required=False
    )
    contact_phone = forms.CharField(
        label=_("Contact phone"), max_length=40, required=False
    )
    contact_email = forms.EmailField(label=_("Contact email"), required=False)
    icp_number = forms.CharField(
        label=_("ICP filing number"), max_length=60, required=False
    )
    public_security_number = forms.CharField(
        label=_("Public security filing number"), max_length=60, required=False
    )

    def __init__(self, *args, parent_queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        if parent_queryset is not None:
            self.fields["parent"].queryset = parent_queryset

    def details(self) -> SiteDetails:
        data = self.cleaned_data
        aliases = tuple(
            alias.strip().lower()
            for alias in re.split(r"[\s,，]+", data.get("aliases") or "")
            if alias.strip()
        )
        parent = data.get("parent")
        return SiteDetails(
            code=data["code"].strip(),
            name=data["name"].strip(),
            short_name=data.get("short_name", "").strip(),
            level=data["level"],
            parent_code=parent.code if parent else None,
            division_code=data["division_code"].strip(),
            host=data["host"].strip().lower(),
            aliases=aliases,
            theme=data.get("theme", "").strip(),
            organiser=data.get("organiser", ""),
            operator=data.get("operator", ""),
            contact_address=data.get("contact_address", ""),
            contact_phone=data.get("contact_phone", ""),
            contact_email=data.get("contact_email", ""),
            icp_number=data.get("icp_number", ""),
            public_security_number=data.get("public_security_number", ""),
        )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            site_validate(self.details())
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                field = "parent" if name == "parent_code" else name
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return cleaned


class SiteStatusForm(forms.Form):
    """Change a site's status; the service's rules (filing numbers before going
    online) are checked here so that the form shows why not."""

    status = forms.ChoiceField(label=_("Status"), choices=SiteStatus.choices)

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.site = site

    def clean_status(self):
        status = self.cleaned_data["status"]
        try:
            site_status_check(site=self.site, status=status)
        except ValidationError as error:
            raise ValidationError(error.message_dict["status"]) from None
        return status


class SiteMemberForm(forms.Form):
    """Add a person to one of the site's role groups."""

    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=SiteRole.choices)
    # A form field (not loose HTML), so the password policy's refusals are shown
    # beside it: before, they had no field to go to and the page showed nothing.
    password = forms.CharField(
        label=_("Password (only to create a new account)"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class SiteReferencesFormMixin:
    """For page forms (``WagtailAdminPageForm``): refuse images, documents, pages
    and rows of other sites, whatever ids the form was sent (publish, save draft,
    autosave alike: every save validates the form)."""

    def _post_clean(self):
        super()._post_clean()

        extra = []
        for formset in getattr(self, "formsets", {}).values():
            for form in formset.forms:
                if getattr(form, "cleaned_data", None) and not form.cleaned_data.get(
                    "DELETE"
                ):
                    extra.append(form.instance)
        parent = getattr(self, "parent_page", None)
        refusals = page_references_refused(
            page=self.instance, parent=parent, extra=extra
        )
        if not refusals:
            return
        self._forget_refused(refusals)
        for refusal in refusals:
            field = refusal.field if refusal.field in self.fields else None
            if refusal.message not in self.errors.get(field or "__all__", []):
                self.add_error(field, refusal.message)

    def _forget_refused(self, refusals) -> None:
        """Blank the refused ids in the data the form is shown again with: a
        chooser would otherwise show the other site's object (its title, its
        thumbnail) to the person who guessed its id."""
        data = self.data.copy()
        for refusal in refusals:
            for key in list(data):
                named = key == refusal.field or (
                    key.startswith(f"{refusal.field}-")
                    and key.endswith(f"-{refusal.leaf}")
                )
                values = data.getlist(key) if hasattr(data, "getlist") else [data[key]]
                if named and refusal.pk in [str(value) for value in values]:
                    data[key] = ""
        self.data = data


class SitePageForm(SiteReferencesFormMixin, WagtailAdminPageForm):
    """The admin form of a site's pages: the ``base_form_class`` of page types
    without a form of their own."""


class ThemeChoiceFormMixin:
    """The registry's ``theme`` as a choice of the registered themes (keeping a
    site's current theme on offer if it is no longer registered)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("theme")
        if field is None:
            return
        choices = theme_choices()
        current = getattr(getattr(self, "instance", None), "theme", "")
        if current and current not in dict(choices):
            choices.append((current, current))
        self.fields["theme"] = forms.ChoiceField(
            label=field.label, choices=choices, help_text=field.help_text
        )


class OwnCollectionFormMixin:
    """For Wagtail's image and document forms (``user`` given): a new upload goes
    to the user's own site's collection unless they choose another, not to the
    first collection of the list (a province's, for someone who also works there)."""

    def __init__(self, *args, **kwargs):
        user = kwargs.get("user")
        super().__init__(*args, **kwargs)
        field = self.fields.get("collection")
        if user is None or field is None or self.instance.pk:
            return

        site = home_site_for_user(user)
        if site is not None and field.queryset.filter(pk=site.collection_id).exists():
            self.initial["collection"] = site.collection_id

    def clean(self):
        cleaned = super().clean()
        # An archived site is read-only: nothing new goes into its collection and
        # nothing in it changes.
        collections = getattr(self, "collections", None)
        if cleaned.get("collection") is not None:
            collection_id = cleaned["collection"].pk
        elif self.instance.pk is not None:
            collection_id = self.instance.collection_id
        elif collections is not None and len(collections) == 1:
            # Wagtail hides the field and fills in the one collection on save
            # (until then a new row holds the root collection, its default).
            collection_id = collections[0].pk
        else:
            collection_id = None
        if (
            collection_id is not None
            and GovSite.objects.filter(
                collection_id=collection_id, status=SiteStatus.ARCHIVED
            ).exists()
        ):
            # On the file field when a file came: Wagtail's multiple uploader
            # parks the file of a form whose only errors are elsewhere.
            field = "file" if "file" in self.changed_data else None
            self.add_error(field, _("This site is archived and read-only."))
        return cleaned
