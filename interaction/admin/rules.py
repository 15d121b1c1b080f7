"""A site's interaction rules: reply deadline, warning window and how long
personal data is kept; its site admins (and admins of the sites above) only."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from interaction import selectors, services
from interaction.forms import InteractionSettingsForm
from sites.selectors import can_administer_site, sites_for_user
from sites.tenancy import use_site


def settings_edit(request, site_pk):
    site = sites_for_user(request.user).filter(pk=site_pk).first()
    if site is None or not can_administer_site(request.user, site):
        raise Http404
    rules = selectors.interaction_settings_get(site=site)
    form = InteractionSettingsForm(request.POST or None, instance=rules)
    with use_site(site):  # the form checks the row's unique constraint
        valid = request.method == "POST" and form.is_valid()
    if valid:
        services.interaction_settings_update(
            site=site,
            **{name: form.cleaned_data[name] for name in form.Meta.fields},
        )
        messages.success(
            request,
            _("Deadlines and retention of %(site)s saved.") % {"site": site.name},
        )
        return redirect("interaction_settings", site_pk=site.pk)
    return TemplateResponse(
        request,
        "interaction/admin/settings.html",
        {
            "page_title": _("Interaction settings"),
            "header_title": _("Interaction settings: %(site)s") % {"site": site.name},
            "header_icon": "cog",
            "form": form,
        },
    )
