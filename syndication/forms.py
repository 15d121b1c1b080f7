"""The admin's forms: the target picker (a tree by hierarchy with shortcuts), the
column by code, and the reasons of a decline or a hide."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sites.models import GovSite

ALL_BELOW = "all_below"
DEPARTMENTS = "departments"


class SendForm(forms.Form):
    targets = forms.MultipleChoiceField(
        label=_("Sites"), required=False, widget=forms.CheckboxSelectMultiple
    )
    shortcuts = forms.MultipleChoiceField(
        label=_("Shortcuts"), required=False, widget=forms.CheckboxSelectMultiple
    )
    column_code = forms.SlugField(
        label=_("Column code"),
        help_text=_("The column each site gets the item in, e.g. tzgg (通知公告)."),
    )
    fallback_column_code = forms.SlugField(
        label=_("Fallback column code"),
        required=False,
        help_text=_("Used on sites without the column above."),
    )
    mandatory = forms.BooleanField(
        label=_("Must be republished (live at once on every site)"), required=False
    )

    def __init__(
        self,
        *args,
        candidates: QuerySet[GovSite],
        shortcuts: dict | None = None,
        allow_mandatory: bool = True,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.sites = list(candidates)
        self.site_map = {str(site.pk): site for site in self.sites}
        depth0 = min((s.tree_path.count("/") for s in self.sites), default=0)
        # The tree: each site indented by its depth in the hierarchy.
        self.fields["targets"].choices = [
            (
                str(site.pk),
                "\u3000" * (site.tree_path.count("/") - depth0)
                + f"{site.name}（{site.get_level_display()}）",
            )
            for site in self.sites
        ]
        self.shortcut_sites = {}
        choices = []
        if shortcuts:
            self.shortcut_sites[ALL_BELOW] = shortcuts["all_below"]
            choices.append((ALL_BELOW, _("All sites below")))
            self.shortcut_sites[DEPARTMENTS] = shortcuts["departments"]
            choices.append((DEPARTMENTS, _("All department sites")))
            for parent_id, ids in shortcuts["counties_of"].items():
                parent = GovSite.objects.filter(pk=parent_id).first()
                if parent is None:
                    continue
                key = f"counties:{parent_id}"
                self.shortcut_sites[key] = ids
                choices.append(
                    (key, _("All counties of %(name)s") % {"name": parent.name})
                )
        self.fields["shortcuts"].choices = choices
        if not shortcuts:
            del self.fields["shortcuts"]
        if not allow_mandatory:
            del self.fields["mandatory"]

    def clean(self):
        data = super().clean()
        ids = set(data.get("targets") or [])
        for key in data.get("shortcuts") or []:
            ids |= {str(pk) for pk in self.shortcut_sites.get(key, [])}
        chosen = [self.site_map[pk] for pk in sorted(ids) if pk in self.site_map]
        if not chosen:
            raise forms.ValidationError(_("Choose at least one site."))
        data["chosen_sites"] = chosen
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=500
    )
