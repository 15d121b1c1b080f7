"""The second factor's pages (before the admin opens), one's own sessions, and
the security and system administrators' pages."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import CodeForm, EnrolForm, MfaResetForm, RoleGrantForm, UnlockForm
from .roles import MANAGE_SECURITY


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("wagtailadmin_home")


def mfa_verify(request):
    """输入动态验证码: every admin sign-in passes here."""
    if services.mfa_session_verified(request):
        return redirect(_next_url(request))
    if not services.mfa_is_enrolled(request.user):
        return redirect(reverse("staff_mfa_enrol"))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.mfa_verify(
            request=request, user=request.user, code=form.cleaned_data["code"]
        ):
            return redirect(_next_url(request))
        form.add_error(
            "code",
            _(
                "The code is wrong, already used or expired. After several wrong "
                "codes you must wait before the next try."
            ),
        )
    return TemplateResponse(
        request,
        "accounts_staff/mfa_verify.html",
        {"form": form, "next": _next_url(request)},
    )


def mfa_enrol(request):
    """设置动态验证码: at the first sign-in, scan the code, confirm it, keep the
    recovery codes."""
    if services.mfa_is_enrolled(request.user):
        return redirect(reverse("staff_mfa_verify"))
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.mfa_enrolment_confirm(
                request=request, user=request.user, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            form.add_error("code", error)
        else:
            return TemplateResponse(
                request,
                "accounts_staff/mfa_recovery_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
    enrolment = services.mfa_enrolment_start(user=request.user)
    return TemplateResponse(
        request,
        "accounts_staff/mfa_enrol.html",
        {"form": form, "next": _next_url(request), **enrolment},
    )


def my_sessions(request):
    """我的登录会话: one's own signed-in sessions, each with a sign-out."""
    return TemplateResponse(
        request,
        "accounts_staff/sessions.html",
        {
            "sessions": selectors.staff_session_list(user=request.user),
            "current_key": request.session.session_key,
            "page_title": _("My sessions"),
            "header_title": _("My sessions"),
        },
    )


@require_POST
def my_session_end(request, pk):
    session = selectors.staff_session_get(user=request.user, pk=pk)
    services.staff_session_end(
        user=request.user, session_key=session.session_key, request=request
    )
    messages.success(request, _("The session was signed out."))
    if session.session_key == request.session.session_key:
        return redirect(reverse("wagtailadmin_login"))
    return redirect(reverse("staff_sessions"))


def security(request):
    """登录安全 (security administrators): lift a lock, reset a second factor."""
    if not request.user.has_perm(MANAGE_SECURITY):
        raise PermissionDenied
    unlock = UnlockForm(request.POST if "unlock" in request.POST else None,
                        prefix="unlock")  # fmt: skip
    reset = MfaResetForm(request.POST if "reset" in request.POST else None,
                         prefix="reset")  # fmt: skip
    if request.method == "POST":
        if "unlock" in request.POST and unlock.is_valid():
            services.lockout_clear(
                actor=request.user,
                username=unlock.cleaned_data["username"],
                address=unlock.cleaned_data["address"] or "",
                request=request,
            )
            messages.success(request, _("The lock was lifted."))
            return redirect(reverse("staff_security"))
        if "reset" in request.POST and reset.is_valid():
            try:
                services.mfa_reset(actor=request.user, user=reset.user, request=request)
            except PermissionDenied:
                reset.add_error("username", _("You cannot reset this account."))
            else:
                messages.success(
                    request,
                    _("%(name)s sets up a new second factor at the next sign-in.")
                    % {"name": reset.user},
                )
                return redirect(reverse("staff_security"))
    return TemplateResponse(
        request,
        "accounts_staff/security.html",
        {
            "unlock_form": unlock,
            "reset_form": reset,
            "page_title": _("Sign-in security"),
            "header_title": _("Sign-in security"),
        },
    )


def roles(request):
    """三员分立 (system administrators): grant and revoke the three roles."""
    if not services.can_grant_roles(request.user):
        raise PermissionDenied
    form = RoleGrantForm(request.POST or None)
    if request.method == "POST":
        if "revoke" in request.POST:
            user = selectors.role_holder_get(pk=request.POST.get("revoke"))
            services.staff_role_revoke(actor=request.user, user=user, request=request)
            messages.success(request, _("The role was revoked."))
            return redirect(reverse("staff_roles"))
        if form.is_valid():
            try:
                services.staff_role_grant(
                    actor=request.user,
                    user=form.user,
                    role=form.cleaned_data["role"],
                    request=request,
                )
            except ValidationError as error:
                form.add_error(None, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The role was granted."))
                return redirect(reverse("staff_roles"))
    return TemplateResponse(
        request,
        "accounts_staff/roles.html",
        {
            "form": form,
            "assignments": selectors.role_assignment_list(),
            "page_title": _("Administrator roles"),
            "header_title": _("Administrator roles"),
        },
    )
