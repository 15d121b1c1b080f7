"""Public pages of accounts. On the identity host: sign-in and registration, and
the single sign-on endpoint that sends each site host a one-time ticket. On every
site host: the start of sign-in (a redirect to the identity host), the callback
that turns a ticket into a local session, sign-out, and the 「我的」 pages.
Plain redirects and forms: no JavaScript is needed anywhere."""

from __future__ import annotations

import json
import secrets
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth import (
    authenticate,
    login,
    logout,
    update_session_auth_hash,
)
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.http.request import split_domain_port
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.core import _get_ip, is_ratelimited

from interaction import services as interaction_services
from themes import registry as theme_registry

from . import selectors, services, upstream
from .forms import (
    ClaimForm,
    CodeSignInForm,
    DeleteForm,
    PasswordForm,
    PasswordSignInForm,
    ProfileForm,
)
from .middleware import IDENTITY_SESSION_KEY

BACKEND = "accounts.backends.PublicAccountBackend"
# In the site host's session: the state and the page to return to of a sign-in
# under way. In the identity host's session: the authorisation waiting for it.
SSO_STATE_KEY = "accounts_sso"
PENDING_KEY = "accounts_pending_authorize"


def _hostname(request) -> str:
    return split_domain_port(request._get_raw_host())[0].lower()


def _is_identity_host(request) -> bool:
    return (
        getattr(request, "govsite", None) is None
        and _hostname(request) == settings.ACCOUNTS_IDENTITY_HOST
    )


def _port_suffix(request) -> str:
    port = request.get_port()
    default = "443" if request.is_secure() else "80"
    return "" if str(port) == default else f":{port}"


def _identity_url(request, path: str) -> str:
    return (
        f"{request.scheme}://{settings.ACCOUNTS_IDENTITY_HOST}"
        f"{_port_suffix(request)}{path}"
    )


def _safe_next(request, value: str | None, default: str = "/") -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return (
            value if value.startswith("/") and not value.startswith("//") else default
        )
    return default


def _limited(request) -> bool:
    return is_ratelimited(
        request,
        group="accounts.signin",
        key="ip",
        rate=settings.ACCOUNTS_SIGNIN_RATE,
        method="POST",
        increment=True,
    )


def _sign_in(request, user) -> None:
    session = services.identity_session_start(
        user=user, user_agent=request.headers.get("user-agent", "")
    )
    login(request, user, backend=BACKEND)
    request.session[IDENTITY_SESSION_KEY] = str(session.pk)


def _pending_site(request):
    pending = request.session.get(PENDING_KEY)
    if not pending:
        return None
    client = selectors.sso_client_get(client_id=pending.get("client_id", ""))
    return client.site if client else None


def _theme_as(request, site) -> None:
    """Identity pages look like the site the person came from."""
    if site is not None:
        request._govtheme = theme_registry.theme_get(site.theme, site=site)


# Sign-in: on a site host a redirect, on the identity host the form


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request):
    if getattr(request, "govsite", None) is not None:
        return _sso_start(request)
    if not _is_identity_host(request):
        raise Http404
    return _identity_sign_in(request)


def _sso_start(request):
    next_url = _safe_next(request, request.GET.get("next"))
    if request.user.is_authenticated:
        return redirect(next_url)
    client = selectors.sso_client_for_site(site=request.govsite)
    if client is None:
        raise Http404
    state = secrets.token_urlsafe(24)
    request.session[SSO_STATE_KEY] = {"state": state, "next": next_url}
    query = urlencode(
        {
            "client_id": client.client_id,
            "redirect_uri": (
                f"{request.scheme}://{client.hostname}{_port_suffix(request)}"
                f"{services.CALLBACK_PATH}"
            ),
            "state": state,
        }
    )
    return HttpResponseRedirect(
        _identity_url(request, f"/accounts/sso/authorize/?{query}")
    )


def _after_identity_sign_in(request):
    pending = request.session.pop(PENDING_KEY, None)
    if pending:
        return redirect(f"/accounts/sso/authorize/?{urlencode(pending)}")
    return redirect(_safe_next(request, request.GET.get("next"), "/accounts/login/"))


def _render_sign_in(request, context, status=200):
    """The sign-in page. With a sign-in for a site under way, its forms may end on
    that site's registered callback: the page's Content-Security-Policy
    (``form-action 'self'``) names that one address too, or the browser would stop
    the redirects that follow the form."""
    response = render(request, "accounts/sign_in.html", context, status=status)
    origins = []
    pending = request.session.get(PENDING_KEY)
    if pending and selectors.sso_client_get(client_id=pending.get("client_id", "")):
        parts = urlsplit(pending["redirect_uri"])
        origins.append(f"{parts.scheme}://{parts.netloc}")
    if upstream.is_configured():
        # The province's button leads to its provider (same rule).
        parts = urlsplit(settings.ACCOUNTS_UPSTREAM_OIDC["issuer"])
        origins.append(f"{parts.scheme}://{parts.netloc}")
    if origins:
        response._csp_update = {"form-action": origins}
    return response


def _identity_sign_in(request):
    site = _pending_site(request)
    _theme_as(request, site)
    context = {
        "code_form": CodeSignInForm(),
        "password_form": PasswordSignInForm(),
        "for_site": site,
        "upstream": upstream.is_configured(),
    }
    if request.method == "GET":
        if request.user.is_authenticated and request.session.get(IDENTITY_SESSION_KEY):
            context["signed_in"] = True
        return _render_sign_in(request, context)
    if _limited(request):
        context["refusal"] = _(
            "Too many sign-in attempts from your network; wait a while and try again."
        )
        return _render_sign_in(request, context, status=429)
    action = request.POST.get("action")
    if action == "password":
        form = PasswordSignInForm(request.POST)
        context["password_form"] = form
        if form.is_valid():
            user = authenticate(
                request,
                username=form.cleaned_data["identifier"],
                password=form.cleaned_data["password"],
            )
            if user is not None and selectors.is_public_account(user):
                _sign_in(request, user)
                return _after_identity_sign_in(request)
            form.add_error(
                None, _("The account name, number, address or password is not right.")
            )
        return _render_sign_in(request, context, status=400)
    form = CodeSignInForm(request.POST)
    context["code_form"] = form
    if not form.is_valid():
        return _render_sign_in(request, context, status=400)
    data = form.cleaned_data
    if action == "send":
        try:
            services.code_send(target=data["target"])
        except ValidationError as error:
            form.add_error("target", error)
            return _render_sign_in(request, context, status=400)
        context["code_sent"] = True
        return _render_sign_in(request, context)
    try:
        user, _created = services.sign_in_with_code(
            target=data["target"],
            code=data["code"],
            consent=data["consent"],
            username=data["username"],
        )
    except ValidationError as error:
        form.add_error(None, error)
        context["code_sent"] = True
        return _render_sign_in(request, context, status=400)
    _sign_in(request, user)
    return _after_identity_sign_in(request)


@never_cache
def register(request):
    """Registration is signing in with a code for a new address."""
    return redirect("/accounts/login/")


# Single sign-on


@never_cache
def sso_authorize(request):
    if not _is_identity_host(request):
        raise Http404
    params = {
        "client_id": request.GET.get("client_id", ""),
        "redirect_uri": request.GET.get("redirect_uri", ""),
        "state": request.GET.get("state", ""),
    }
    try:
        authorization = services.sso_authorization_check(
            **params, port=int(request.get_port())
        )
    except ValidationError as error:
        return render(
            request,
            "accounts/refused.html",
            {"refusal": error.messages[0]},
            status=400,
        )
    session_id = request.session.get(IDENTITY_SESSION_KEY)
    if (
        request.user.is_authenticated
        and session_id
        and selectors.is_public_account(request.user)
    ):
        identity_session = (
            selectors.identity_sessions_of(user=request.user)
            .filter(pk=session_id)
            .first()
        )
        if identity_session is not None:
            return HttpResponseRedirect(
                services.sso_ticket_issue(
                    authorization=authorization, identity_session=identity_session
                )
            )
    request.session[PENDING_KEY] = params
    return redirect("/accounts/login/")


@never_cache
def sso_callback(request):
    site = getattr(request, "govsite", None)
    if site is None:
        raise Http404
    expected = request.session.pop(SSO_STATE_KEY, None)
    refusal = _("The sign-in link has expired or was already used; sign in again.")
    if not expected or not constant_time_compare(
        expected.get("state", ""), request.GET.get("state", "")
    ):
        # Not a sign-in this browser started here (sign-in CSRF): refused.
        return render(
            request, "accounts/refused.html", {"refusal": refusal}, status=400
        )
    try:
        identity_session = services.sso_ticket_redeem(
            site=site, ticket=request.GET.get("ticket", "")
        )
    except ValidationError as error:
        return render(
            request, "accounts/refused.html", {"refusal": error.messages[0]}, status=400
        )
    login(request, identity_session.user, backend=BACKEND)
    request.session[IDENTITY_SESSION_KEY] = str(identity_session.pk)
    return redirect(_safe_next(request, expected.get("next")))


@never_cache
@require_POST
def sign_out(request):
    """Sign out here and everywhere: the identity session ends, and with it every
    host's session made from it."""
    session_id = request.session.get(IDENTITY_SESSION_KEY)
    if request.user.is_authenticated and session_id:
        services.identity_session_end(user=request.user, session_id=session_id)
    logout(request)
    return redirect(_safe_next(request, request.POST.get("next")))


# The province's identity provider (accounts.upstream)

UPSTREAM_KEY = "accounts_upstream"
UPSTREAM_CALLBACK = "/accounts/upstream/callback/"


@never_cache
@require_POST
def upstream_start(request):
    if not (_is_identity_host(request) and upstream.is_configured()):
        raise Http404
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    request.session[UPSTREAM_KEY] = {
        "state": state,
        "nonce": nonce,
        "consent": request.POST.get("consent") == "on",
    }
    try:
        url = upstream.authorization_url(
            redirect_uri=_identity_url(request, UPSTREAM_CALLBACK),
            state=state,
            nonce=nonce,
        )
    except ValidationError as error:
        return render(
            request, "accounts/refused.html", {"refusal": error.messages[0]}, status=502
        )
    return HttpResponseRedirect(url)


@never_cache
def upstream_callback(request):
    if not (_is_identity_host(request) and upstream.is_configured()):
        raise Http404
    expected = request.session.pop(UPSTREAM_KEY, None)
    if not expected or not constant_time_compare(
        expected["state"], request.GET.get("state", "")
    ):
        return render(
            request,
            "accounts/refused.html",
            {
                "refusal": _(
                    "The sign-in link has expired or was already used; sign in again."
                )
            },
            status=400,
        )
    try:
        claims = upstream.claims_for_code(
            code=request.GET.get("code", ""),
            redirect_uri=_identity_url(request, UPSTREAM_CALLBACK),
            nonce=expected.get("nonce", ""),
        )
        user, _created = upstream.upstream_sign_in(
            claims=claims, consent=expected["consent"]
        )
    except ValidationError as error:
        return render(
            request, "accounts/refused.html", {"refusal": error.messages[0]}, status=400
        )
    _sign_in(request, user)
    return _after_identity_sign_in(request)


@never_cache
def privacy(request):
    return render(
        request,
        "accounts/privacy.html",
        {
            "purpose": services.consent_purpose(),
            "version": settings.ACCOUNTS_CONSENT_VERSION,
        },
    )


# 我的 (on every site host)


def _site(request):
    site = getattr(request, "govsite", None)
    if site is None:
        raise Http404
    return site


def _me(request, template, context, status=200):
    context.setdefault("account", selectors.account_of(user=request.user))
    context["me_section"] = template.rsplit("/", 1)[-1].removesuffix(".html")
    return render(request, template, context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def me_profile(request):
    _site(request)
    account = selectors.account_of(user=request.user)
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                services.profile_update(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("/accounts/me/?saved=1")
        return _me(request, "accounts/me_profile.html", {"form": form}, status=400)
    form = ProfileForm(initial={"name": account.name, "email": account.email})
    return _me(
        request,
        "accounts/me_profile.html",
        {"form": form, "account": account, "saved": "saved" in request.GET},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def me_letters(request):
    site = _site(request)
    form = ClaimForm()
    context = {}
    status = 200
    if request.method == "POST":
        form = ClaimForm(request.POST)
        if form.is_valid():
            try:
                case = services.case_claim(
                    site=site,
                    user=request.user,
                    client=f"ip:{_get_ip(request)}",
                    **form.cleaned_data,
                )
            except interaction_services.LookupRefused as refused:
                form.add_error(None, refused.message)
                status = 400
            except ValidationError as error:
                form.add_error(None, error)
                status = 400
            else:
                context["claimed"] = case.tracking_number
                form = ClaimForm()
        else:
            status = 400
    context.update(
        {"form": form, "cases": list(selectors.letters_of(user=request.user)[:200])}
    )
    return _me(request, "accounts/me_letters.html", context, status=status)


@never_cache
@login_required
def me_comments(request):
    _site(request)
    comments = list(selectors.comments_of(user=request.user)[:200])
    return _me(request, "accounts/me_comments.html", {"comments": comments})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def me_security(request):
    _site(request)
    password_form, delete_form = PasswordForm(), DeleteForm()
    status, context = 200, {}
    if request.method == "POST":
        action = request.POST.get("action")
        status = 400
        if action == "password":
            password_form = PasswordForm(request.POST)
            if password_form.is_valid():
                try:
                    services.password_change(
                        user=request.user,
                        password=password_form.cleaned_data["password1"],
                    )
                except ValidationError as error:
                    password_form.add_error("password1", error)
                else:
                    # Changing the password keeps this device signed in.
                    update_session_auth_hash(request, request.user)
                    context["password_saved"], status = True, 200
        elif action == "device":
            services.identity_session_end(
                user=request.user, session_id=request.POST.get("session", "")
            )
            return redirect("/accounts/me/security/")
        elif action == "delete":
            delete_form = DeleteForm(request.POST)
            if delete_form.is_valid():
                services.account_delete(user=request.user)
                logout(request)
                return render(request, "accounts/deleted.html", {})
    context.update(
        {
            "password_form": password_form,
            "delete_form": delete_form,
            "devices": list(selectors.identity_sessions_of(user=request.user)),
            "current_device": request.session.get(IDENTITY_SESSION_KEY),
        }
    )
    return _me(request, "accounts/me_security.html", context, status=status)


@never_cache
@login_required
def me_export(request):
    _site(request)
    data = services.account_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.json"'
    return response
