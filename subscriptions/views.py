"""Public pages under /subscriptions/: subscribing, confirming, unsubscribing and
managing by signed link (no sign-in), a signed-in person's subscriptions,
notifications and 「我的主页」, and the header's count of unread notices (JSON,
never cached, so that every page's HTML stays the same for every visitor).
Errors are clear Chinese messages; forms carry CSRF tokens, the anonymous ones a
check question, and submissions are rate-limited per IP and account."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from interaction.views import limited

from . import notifications, pins, selectors, services
from .forms import FrequencyForm, ManageLinkForm, SubscribeForm
from .models import SubscriptionKind
from .tokens import InvalidToken


def _site(request):
    site = getattr(request, "govsite", None)
    if site is None:
        raise Http404
    return site


def _refuse(request, message: str, status: int = 400):
    return render(
        request, "subscriptions/message.html", {"refusal": message}, status=status
    )


def _bad_link(request):
    return _refuse(
        request,
        _(
            "This link is not valid or has expired. Ask for a new one on the "
            "subscriptions page."
        ),
    )


def _too_many(request):
    return _refuse(
        request,
        _(
            "Too many submissions from your network in a short time. Please wait "
            "a while and try again."
        ),
        status=429,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def subscribe(request):
    site = _site(request)
    signed_in = request.user.is_authenticated
    columns = selectors.column_list(site=site)
    initial = {
        "kind": request.GET.get("kind", SubscriptionKind.COLUMN),
        "column": request.GET.get("column", ""),
    }
    form = SubscribeForm(
        request.POST or None, initial=initial, columns=columns, signed_in=signed_in
    )
    if request.method == "POST":
        if limited(
            request, "subscriptions.subscribe", settings.SUBSCRIPTIONS_SUBSCRIBE_RATE
        ):
            return _too_many(request)
        if form.is_valid():
            try:
                services.subscription_create(
                    site=site,
                    kind=form.cleaned_data["kind"],
                    key=form.target_key(),
                    frequency=form.cleaned_data["frequency"],
                    email=form.cleaned_data.get("email", ""),
                    user=request.user if signed_in else None,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if signed_in:
                    return redirect("subscriptions:mine")
                return render(
                    request,
                    "subscriptions/message.html",
                    {
                        "message": _(
                            "We sent a confirmation link to %(email)s. The "
                            "subscription starts once you open it."
                        )
                        % {"email": form.cleaned_data["email"]}
                    },
                )
    return render(request, "subscriptions/subscribe.html", {"form": form})


@never_cache
@require_GET
def confirm(request):
    site = _site(request)
    try:
        subscription = services.subscription_confirm(
            site=site, token=request.GET.get("t", "")
        )
    except InvalidToken:
        return _bad_link(request)
    if subscription is None:
        return _refuse(request, _("This subscription was ended meanwhile."), 410)
    return render(
        request,
        "subscriptions/message.html",
        {
            "message": _("Subscribed: %(what)s. Thank you.") % {"what": subscription},
        },
    )


@csrf_exempt  # RFC 8058 one-click: mail clients POST without a form; the token
# is the proof, and it only ends one subscription.
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request):
    site = _site(request)
    token = request.POST.get("t") or request.GET.get("t", "")
    if request.method == "GET":
        try:
            services.tokens_check_unsubscribe(site=site, token=token)
        except InvalidToken:
            return _bad_link(request)
        return render(request, "subscriptions/unsubscribe.html", {"token": token})
    try:
        services.subscription_unsubscribe(site=site, token=token)
    except InvalidToken:
        return _bad_link(request)
    return render(
        request,
        "subscriptions/message.html",
        {"message": _("You are unsubscribed. No more messages will be sent for it.")},
    )


def _list_actions(request, site, subscriptions_of):
    """Delete or change one of the listed subscriptions (POST ``id``)."""
    subscription = subscriptions_of(request.POST.get("id", ""))
    if subscription is None:
        raise Http404
    if request.POST.get("action") == "delete":
        services.subscription_delete(site=site, subscription=subscription)
    else:
        form = FrequencyForm(request.POST)
        if form.is_valid():
            services.subscription_frequency_set(
                site=site,
                subscription=subscription,
                frequency=form.cleaned_data["frequency"],
            )


def _pk(value: str):
    return int(value) if value.isdigit() else None


@never_cache
@require_http_methods(["GET", "POST"])
def manage(request):
    site = _site(request)
    token = request.POST.get("t") or request.GET.get("t", "")
    try:
        email = services.manage_address(site=site, token=token)
    except InvalidToken:
        return _bad_link(request)
    if request.method == "POST":
        _list_actions(
            request,
            site,
            lambda pk: selectors.subscription_get(site=site, pk=_pk(pk), email=email),
        )
        return redirect(f"{request.path}?t={token}")
    return render(
        request,
        "subscriptions/list.html",
        {
            "subscriptions": selectors.subscription_list(site=site, email=email),
            "email": email,
            "token": token,
            "frequencies": FrequencyForm.base_fields["frequency"].choices,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def manage_link(request):
    site = _site(request)
    form = ManageLinkForm(request.POST or None)
    if request.method == "POST":
        if limited(
            request, "subscriptions.subscribe", settings.SUBSCRIPTIONS_SUBSCRIBE_RATE
        ):
            return _too_many(request)
        if form.is_valid():
            services.manage_link_send(site=site, email=form.cleaned_data["email"])
            return render(
                request,
                "subscriptions/message.html",
                {
                    "message": _(
                        "If this address has subscriptions on this site, a link to "
                        "them is on its way."
                    )
                },
            )
    return render(request, "subscriptions/manage_link.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def mine(request):
    site = _site(request)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.method == "POST":
        _list_actions(
            request,
            site,
            lambda pk: selectors.subscription_get(
                site=site, pk=_pk(pk), user=request.user
            ),
        )
        return redirect("subscriptions:mine")
    return render(
        request,
        "subscriptions/list.html",
        {
            "subscriptions": selectors.subscription_list(site=site, user=request.user),
            "signed_in": True,
            "frequencies": FrequencyForm.base_fields["frequency"].choices,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def notification_list(request):
    _site(request)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.method == "POST":
        notifications.notifications_mark_read(user=request.user)
        return redirect("subscriptions:notifications")
    rows = list(notifications.notification_list(user=request.user)[:100])
    return render(request, "subscriptions/notifications.html", {"rows": rows})


@never_cache
@require_GET
def notification_count(request):
    """{"count": unread notices}: 0 for visitors who are not signed in."""
    count = 0
    if request.user.is_authenticated:
        count = notifications.unread_count(user=request.user)
    return JsonResponse({"count": count})


@never_cache
@require_http_methods(["GET", "POST"])
def home(request):
    site = _site(request)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.method == "POST":
        try:
            if request.POST.get("action") == "unpin":
                pins.pin_remove(user=request.user, pk=_pk(request.POST.get("id", "")))
            else:
                pins.pin_add(
                    user=request.user,
                    site=site,
                    kind=request.POST.get("kind", ""),
                    target=request.POST.get("target", ""),
                    title=request.POST.get("title", ""),
                )
        except ValidationError as error:
            return _refuse(request, " ".join(error.messages))
        return redirect("subscriptions:home")
    return render(
        request,
        "subscriptions/home.html",
        {
            "pins": selectors.pin_list(user=request.user),
            "subscriptions": selectors.subscription_list(site=site, user=request.user),
            "columns": selectors.column_list(site=site),
        },
    )
