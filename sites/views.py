"""Admin views of the site registry: provisioning, status, members."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from . import services
from .forms import SiteMemberForm, SiteProvisionForm, SiteStatusForm
from .models import GovSite, SiteRole
from .selectors import (
    can_administer_site,
    is_platform_admin,
    site_list,
    site_members,
    sites_for_user,
)


def _form_page(request, *, form, title, action_url, submit_label, extra=None):
    context = {
        "form": form,
        "page_title": title,
        "header_title": title,
        "header_icon": "site",
        "action_url": action_url,
        "submit_button_label": submit_label,
        "submit_button_active_label": submit_label,
        **(extra or {}),
    }
    return TemplateResponse(request, "sites/admin/form.html", context)


def provision(request):
    """新建站点 (platform admins only)."""
    if not is_platform_admin(request.user):
        raise PermissionDenied
    form = SiteProvisionForm(request.POST or None, parent_queryset=site_list())
    if request.method == "POST" and form.is_valid():
        try:
            site = services.site_provision(details=form.details())
        except ValidationError as error:  # lost a race with another provisioning
            for name, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(name if name in form.fields else None, message)
        else:
            messages.success(
                request, _("Site %(name)s is provisioned.") % {"name": site.name}
            )
            return redirect("govsites_govsite:index")
    return _form_page(
        request,
        form=form,
        title=_("New site"),
        action_url=reverse("govsites_provision"),
        submit_label=_("Provision site"),
    )


def change_status(request, pk):
    if not is_platform_admin(request.user):
        raise PermissionDenied
    site = get_object_or_404(GovSite, pk=pk)
    form = SiteStatusForm(
        request.POST or None, site=site, initial={"status": site.status}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.site_status_change(site=site, status=form.cleaned_data["status"])
        except ValidationError as error:  # the registry changed meanwhile
            for message in error.message_dict.get("status", error.messages):
                form.add_error("status", message)
        else:
            messages.success(
                request,
                _("%(name)s is now %(status)s.")
                % {"name": site.name, "status": site.get_status_display()},
            )
            return redirect("govsites_govsite:index")
    return _form_page(
        request,
        form=form,
        title=_("Status of %(name)s") % {"name": site.name},
        action_url=reverse("govsites_status", args=[site.pk]),
        submit_label=_("Save"),
    )


def members(request, pk):
    """A site admin's view of who works on the site, and adding people to it."""
    site = get_object_or_404(GovSite, pk=pk)
    if not can_administer_site(request.user, site):
        raise Http404
    form = SiteMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.site_member_add(
                site=site,
                actor=request.user,
                username=form.cleaned_data["username"],
                role=form.cleaned_data["role"],
                password=form.cleaned_data["password"],
            )
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(name if name in form.fields else None, message)
        else:
            messages.success(request, _("Member added."))
            return redirect("govsites_members", pk=site.pk)
    return TemplateResponse(
        request,
        "sites/admin/members.html",
        {
            "site": site,
            "form": form,
            "members": site_members(site=site),
            "page_title": _("Members of %(name)s") % {"name": site.name},
            "header_title": _("Members of %(name)s") % {"name": site.name},
            "header_icon": "group",
        },
    )


def member_remove(request, pk, user_id, role):
    """Asks first (GET shows whom and which role), removes on POST."""
    site = get_object_or_404(GovSite, pk=pk)
    if not can_administer_site(request.user, site):
        raise Http404
    group = services.site_groups(site=site).get(role)
    # Only a member of this site in this role: any other id is not found (the
    # page would otherwise name any account of the platform).
    if group is None:
        raise Http404
    user = get_object_or_404(group.user_set.all(), pk=user_id)
    if request.method == "POST":
        services.site_member_remove(site=site, actor=request.user, user=user, role=role)
        messages.success(request, _("Member removed."))
        return redirect("govsites_members", pk=site.pk)
    return TemplateResponse(
        request,
        "sites/admin/member_remove.html",
        {
            "site": site,
            "member": user,
            "role_label": SiteRole(role).label,
            "page_title": _("Remove a member"),
            "header_title": _("Remove a member"),
            "header_icon": "group",
        },
    )


def my_sites(request):
    """The sites the signed-in person works on, with links to their members."""

    sites = [
        (site, can_administer_site(request.user, site))
        for site in sites_for_user(request.user)
    ]
    return TemplateResponse(
        request,
        "sites/admin/my_sites.html",
        {
            "sites": sites,
            "page_title": _("My sites"),
            "header_title": _("My sites"),
            "header_icon": "site",
        },
    )
