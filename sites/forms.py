import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import GovSite, SiteLevel, SiteRole, SiteStatus
from .services import SiteDetails, site_validate


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
    theme = forms.CharField(label=_("Theme"), max_length=40, required=False)
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
    status = forms.ChoiceField(label=_("Status"), choices=SiteStatus.choices)


class SiteMemberForm(forms.Form):
    """Add a person to one of the site's role groups."""

    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=SiteRole.choices)
