"""Webhooks in the Wagtail admin: platform admins and site admins register and
change the webhooks of the sites they administer (a site admin sees only those),
and read each webhook's deliveries with their answers. The signing secret is
shown once, when the webhook is made."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sites.selectors import is_platform_admin, sites_administered_by
from sites.tenancy import for_sites, use_site

from . import webhooks
from .models import Webhook, WebhookDelivery, WebhookEvent


class WebhookForm(forms.Form):
    site = forms.TypedChoiceField(label=gettext_lazy("Site"), coerce=int)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    url = forms.URLField(
        label=gettext_lazy("Address"), max_length=500, assume_scheme="https"
    )
    events = forms.MultipleChoiceField(
        label=gettext_lazy("Events"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    active = forms.BooleanField(
        label=gettext_lazy("Active"), required=False, initial=True
    )
    allow_private = forms.BooleanField(
        label=gettext_lazy("Allow a private or intranet address"),
        required=False,
        help_text=gettext_lazy(
            "Only for a system inside the government network; platform admins only."
        ),
    )

    def __init__(self, *args, sites, platform_admin: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [(s.pk, s.name) for s in sites]
        if not platform_admin:
            del self.fields["allow_private"]


def _sites(request) -> list:
    sites = list(sites_administered_by(request.user))
    if not sites:
        raise PermissionDenied
    return sites


def _webhook(request, pk) -> Webhook:
    hook = (
        for_sites(Webhook, _sites(request)).filter(pk=pk).select_related("site").first()
    )
    if hook is None:
        raise Http404
    return hook


def _render(request, template, title, **context):
    return TemplateResponse(
        request,
        template,
        {"page_title": title, "header_title": title, "header_icon": "link"} | context,
    )


def webhook_index(request):
    sites = _sites(request)
    hooks = for_sites(Webhook, sites).select_related("site").order_by("site", "name")
    return _render(
        request, "subscriptions/admin/webhook_index.html", _("Webhooks"), hooks=hooks
    )


def webhook_create(request):
    sites = _sites(request)
    admin = is_platform_admin(request.user)
    form = WebhookForm(request.POST or None, sites=sites, platform_admin=admin)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        site = next(s for s in sites if s.pk == data["site"])
        try:
            hook, secret = webhooks.webhook_create(
                site=site,
                name=data["name"],
                url=data["url"],
                events=data["events"],
                allow_private=data.get("allow_private", False),
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _render(
                request,
                "subscriptions/admin/webhook_secret.html",
                _("Webhook created"),
                hook=hook,
                secret=secret,
            )
    return _render(
        request, "subscriptions/admin/webhook_form.html", _("New webhook"), form=form
    )


def webhook_edit(request, pk):
    hook = _webhook(request, pk)
    sites = [hook.site]
    admin = is_platform_admin(request.user)
    initial = {
        "site": hook.site_id,
        "name": hook.name,
        "url": hook.url,
        "events": hook.events,
        "active": hook.active,
        "allow_private": hook.allow_private,
    }
    form = WebhookForm(
        request.POST or None, initial=initial, sites=sites, platform_admin=admin
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            webhooks.webhook_update(
                site=hook.site,
                webhook=hook,
                user=request.user,
                name=data["name"],
                url=data["url"],
                events=data["events"],
                active=data["active"],
                allow_private=data.get("allow_private", hook.allow_private),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Webhook saved."))
            return redirect("subscriptions_webhook_edit", pk=hook.pk)
    with use_site(hook.site):
        deliveries = list(WebhookDelivery.objects.filter(webhook=hook)[:50])
    return _render(
        request,
        "subscriptions/admin/webhook_form.html",
        hook.name,
        form=form,
        hook=hook,
        deliveries=deliveries,
    )
