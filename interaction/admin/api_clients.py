"""API clients (other platforms handing cases in) of the user's sites; only a
site's admins (or admins of a site above) create and deactivate them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from interaction import selectors, services
from interaction.forms import ApiClientForm
from interaction.models import ApiClient
from sites.selectors import can_administer_site, sites_for_user
from sites.tenancy import for_sites


def _sites(request):
    sites = sites_for_user(request.user)
    if not sites.exists():
        raise PermissionDenied
    return sites


def api_client_index(request):
    sites = _sites(request)
    new_key = None
    form = ApiClientForm()
    site_choices = [s for s in sites if can_administer_site(request.user, s)]
    if request.method == "POST":
        if not site_choices:
            raise PermissionDenied
        form = ApiClientForm(request.POST)
        site_id = request.POST.get("site", "")
        site = next((s for s in site_choices if str(s.pk) == site_id), None)
        if site is None:
            messages.error(request, _("Choose one of your sites."))
        elif form.is_valid():
            client, new_key = services.api_client_create(
                site=site, name=form.cleaned_data["name"]
            )
            messages.success(
                request,
                _(
                    "API client %(name)s created. Copy its key now: it is not "
                    "shown again."
                )
                % {"name": client.name},
            )
    return TemplateResponse(
        request,
        "interaction/admin/api_clients.html",
        {
            "page_title": _("API clients"),
            "header_title": _("API clients"),
            "header_icon": "key",
            "clients": list(selectors.api_client_list(sites=sites)),
            "administered": {s.pk for s in site_choices},
            "sites": site_choices,
            "form": form,
            "new_key": new_key,
        },
    )


@require_POST
def api_client_deactivate(request, pk):
    client = (
        for_sites(ApiClient, _sites(request))
        .filter(pk=pk)
        .select_related("site")
        .first()
    )
    if client is None:
        raise Http404
    if not can_administer_site(request.user, client.site):
        raise PermissionDenied
    services.api_client_deactivate(site=client.site, client=client)
    messages.success(
        request, _("API client %(name)s deactivated.") % {"name": client.name}
    )
    return redirect("interaction_api_clients")
