"""Admin views: push down / report up an item, its status, the inbox (推送信息)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import Page

from sites.selectors import sites_for_user

from . import selectors, services
from .forms import ReasonForm, SendForm
from .models import Direction, SyndicationTarget, TargetState


def _source_page(request, page_id: int):
    page = get_object_or_404(Page, pk=page_id).specific
    source = selectors.source_site_of(page)
    if source is None or not selectors.can_send_from(user=request.user, source=source):
        raise Http404  # another site's page: as if it did not exist
    return page, source


def send(request, page_id: int, direction: str):
    """信息推送 (push) or 信息报送 (report) of one published item."""
    if direction not in (Direction.PUSH, Direction.REPORT):
        raise Http404
    page, source = _source_page(request, page_id)
    if direction == Direction.PUSH:
        candidates = selectors.push_target_candidates(user=request.user, source=source)
        shortcuts = selectors.shortcut_sites(source=source, candidates=candidates)
        title = _("Push down: %(title)s") % {"title": page.title}
    else:
        candidates = selectors.report_target_candidates(source=source)
        shortcuts = None
        title = _("Report up: %(title)s") % {"title": page.title}
    form = SendForm(
        request.POST or None,
        candidates=candidates,
        shortcuts=shortcuts,
        allow_mandatory=direction == Direction.PUSH,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.item_send(
                user=request.user,
                page=page,
                targets=data["chosen_sites"],
                column_code=data["column_code"],
                fallback_column_code=data.get("fallback_column_code") or "",
                mandatory=bool(data.get("mandatory")),
                direction=direction,
            )
        except (ValidationError, PermissionDenied) as error:
            for message in getattr(error, "messages", [str(error)]):
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("Sent to %(count)d sites; they receive it in a moment.")
                % {"count": len(plan.sites)},
            )
            # The sites without either column are on the status page, once the
            # queued push has planned the columns.
            return redirect("syndication_status", page.pk)
    return TemplateResponse(
        request,
        "syndication/admin/send.html",
        {
            "form": form,
            "page": page,
            "source": source,
            "direction": direction,
            "page_title": title,
            "header_title": title,
            "header_icon": "resubmit",
        },
    )


def status(request, page_id: int):
    """Which sites took, declined or hid the item, and when (the source's view)."""
    page, source = _source_page(request, page_id)
    item = selectors.item_for_page(page_id=page.pk, source=source)
    rows = list(selectors.targets_of_item(item=item)) if item else []
    counts = dict.fromkeys(TargetState.values, 0)
    for row in rows:
        counts[row.state] += 1
    title = _("Syndication of %(title)s") % {"title": page.title}
    return TemplateResponse(
        request,
        "syndication/admin/status.html",
        {
            "page": page,
            "item": item,
            "rows": rows,
            "counts": [(TargetState(state).label, n) for state, n in counts.items()],
            "page_title": title,
            "header_title": title,
            "header_icon": "resubmit",
        },
    )


def inbox(request):
    """推送信息: items other sites sent to the sites the user works on."""
    sites = sites_for_user(request.user)
    title = _("Items from other sites")
    return TemplateResponse(
        request,
        "syndication/admin/inbox.html",
        {
            "rows": list(selectors.inbox(sites=sites)[:200]),
            "live_rows": list(selectors.live_received(sites=sites)[:100]),
            "peer_rows": list(selectors.peer_inbox(sites=sites)[:200]),
            "reason_form": ReasonForm(),
            "page_title": title,
            "header_title": title,
            "header_icon": "mail",
        },
    )


@require_POST
def decide(request, pk: int, action: str):
    try:
        target = services.target_get(user=request.user, pk=pk)
    except SyndicationTarget.DoesNotExist:
        raise Http404 from None
    actions = {
        "take": services.target_take,
        "decline": services.target_decline,
        "hide": services.target_hide,
    }
    if action not in actions:
        raise Http404
    kwargs = {}
    if action != "take":
        form = ReasonForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give a reason."))
            return redirect("syndication_inbox")
        kwargs["reason"] = form.cleaned_data["reason"]
    try:
        actions[action](user=request.user, target=target, **kwargs)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, _("Done."))
    return redirect("syndication_inbox")


@require_POST
def decide_received(request, pk: int, action: str):
    """Take or decline an item a peer platform sent."""
    item = selectors.received_get(sites=sites_for_user(request.user), pk=pk)
    if item is None or action not in ("take", "decline"):
        raise Http404
    try:
        if action == "take":
            services.received_take(user=request.user, item=item)
        else:
            form = ReasonForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            services.received_decline(user=request.user, item=item, reason=reason)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, _("Done."))
    return redirect("syndication_inbox")
