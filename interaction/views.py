"""Public pages under /interaction/: the case form, its receipt, the status look-up
with rating, the public listing, and the comment form of a consultation. Dynamic
pages (never cached), with CSRF; every refusal is a clear Chinese message."""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from cms.models import ConsultationPage
from cms.models.choices import ConsultationState
from sites.params import text_param

from . import selectors, services
from .forms import CommentForm, LookupForm, PublicCaseForm, RatingForm
from .masking import mask_name, mask_text_with
from .models import PUBLIC_EVENT_KINDS, CaseChannel, CaseKind, CaseStatus

logger = logging.getLogger(__name__)

RECEIPTS = "interaction_receipts"
# Keys whose receipt (with the plain query code) this browser has been shown: the
# code leaves the session on its first display; a reload then says so.
RECEIPTS_SHOWN = "interaction_receipts_shown"
RECEIPTS_SHOWN_KEPT = 20
RATING_SALT = "interaction.rating"
RATING_MAX_AGE = 3600

# What each channel accepts, and what it is called on the page.
CHANNELS = {
    CaseChannel.MAILBOX: list(CaseKind.values),
    CaseChannel.LEADER_MAILBOX: [CaseKind.INQUIRY, CaseKind.SUGGESTION],
    CaseChannel.COMPLAINTS: [CaseKind.COMPLAINT, CaseKind.REPORT],
}


def _site(request):
    site = getattr(request, "govsite", None)
    if site is None:
        raise Http404
    return site


def limited(request, group: str, rate: str) -> bool:
    """Counts this request against ``rate`` per IP, and per account when signed
    in; True when either is over."""
    over = is_ratelimited(
        request, group=group, key="ip", rate=rate, method="POST", increment=True
    )
    if request.user.is_authenticated:
        over |= is_ratelimited(
            request, group=group, key="user", rate=rate, method="POST", increment=True
        )
    return over


def _too_many(request, template, context):
    context["refusal"] = _(
        "Too many submissions from your network in a short time. Please wait a "
        "while and try again."
    )
    return render(request, template, context, status=429)


@never_cache
@require_http_methods(["GET", "POST"])
def case_new(request):
    site = _site(request)
    channel = request.GET.get("channel", CaseChannel.MAILBOX)
    if channel not in CHANNELS:
        raise Http404
    anonymous = not request.user.is_authenticated
    template = "interaction/case_form.html"
    context = {"channel": CaseChannel(channel), "site": site}
    if request.method == "POST":
        form = PublicCaseForm(
            request.POST, request.FILES, anonymous=anonymous, kinds=CHANNELS[channel]
        )
        context["form"] = form
        if limited(
            request, "interaction.case_submit", settings.INTERACTION_SUBMIT_RATE
        ):
            return _too_many(request, template, context)
        if form.is_valid():
            data = form.cleaned_data
            try:
                case, code = services.case_submit(
                    site=site,
                    data=services.CaseInput(
                        kind=data["kind"],
                        channel=channel,
                        title=data["title"],
                        content=data["content"],
                        category=data["category"],
                        name=data["name"],
                        phone=data["phone"],
                        email=data["email"],
                        id_number=data["id_number"],
                        allow_public=data["allow_public"],
                        about_own_staff=data["about_own_staff"],
                        attachments=data["attachments"],
                    ),
                    idempotency_key=data["idempotency_key"],
                    user=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            except (DatabaseError, OSError):
                logger.exception("case submission failed")
                form.add_error(
                    None,
                    _(
                        "Your letter could not be saved because of a fault on our "
                        "side. Nothing was stored; what you typed is kept below "
                        "(attachments must be chosen again). Please submit again."
                    ),
                )
            else:
                receipts = request.session.get(RECEIPTS, {})
                if code is not None:
                    receipts[data["idempotency_key"]] = [case.tracking_number, code]
                    request.session[RECEIPTS] = receipts
                return redirect(
                    f"/interaction/cases/submitted/?k={data['idempotency_key']}"
                )
        return render(request, template, context, status=400)
    kind = request.GET.get("kind")
    form = PublicCaseForm(
        initial={
            "idempotency_key": str(uuid.uuid4()),
            "kind": kind if kind in CHANNELS[channel] else CHANNELS[channel][0],
        },
        anonymous=anonymous,
        kinds=CHANNELS[channel],
    )
    context["form"] = form
    return render(request, template, context)


@never_cache
def case_submitted(request):
    site = _site(request)
    key = text_param(request.GET.get("k"), max_length=64)
    receipts = request.session.get(RECEIPTS, {})
    receipt = receipts.pop(key, None) if key else None
    shown_once = False
    if receipt is not None:
        # Shown now, kept no longer: the plain code leaves the session.
        request.session[RECEIPTS] = receipts
        shown = [k for k in request.session.get(RECEIPTS_SHOWN, []) if k != key]
        request.session[RECEIPTS_SHOWN] = [*shown, key][-RECEIPTS_SHOWN_KEPT:]
    else:
        # A reload of the receipt, or a repeated submission whose first answer
        # this browser never showed: the number, but not the code (kept only as a
        # hash; it went out by mail).
        case = selectors.case_by_idempotency_key(site=site, key=key) if key else None
        if case is None:
            raise Http404
        receipt = [case.tracking_number, None]
        shown_once = key in request.session.get(RECEIPTS_SHOWN, [])
    tracking_number, code = receipt
    return render(
        request,
        "interaction/case_submitted.html",
        {
            "site": site,
            "tracking_number": tracking_number,
            "query_code": code,
            "shown_once": shown_once,
        },
    )


def _status_context(case, form=None):
    events = [e for e in case.events.all() if e.kind in PUBLIC_EVENT_KINDS]
    names = [case.name]
    can_rate = (
        case.status in (CaseStatus.REPLIED, CaseStatus.CLOSED) and not case.rating
    )
    return {
        "case": case,
        "masked_name": mask_name(case.name),
        "masked_content": mask_text_with(case.content, names=names),
        "events": events,
        "can_rate": can_rate,
        "rating_form": form
        or RatingForm(
            initial={
                "token": signing.dumps(
                    [case.intake_site_id, case.tracking_number], salt=RATING_SALT
                )
            }
        ),
    }


@never_cache
@require_http_methods(["GET", "POST"])
def case_lookup(request):
    site = _site(request)
    template = "interaction/case_lookup.html"
    if request.method == "GET":
        return render(request, template, {"form": LookupForm()})
    form = LookupForm(request.POST)
    context = {"form": form}
    if limited(request, "interaction.case_lookup", settings.INTERACTION_LOOKUP_RATE):
        context["refusal"] = _(
            "Too many look-ups from your network in a short time. Please wait a "
            "while and try again."
        )
        return render(request, template, context, status=429)
    if not form.is_valid():
        return render(request, template, context, status=400)
    try:
        case = services.case_lookup(
            site=site,
            tracking_number=form.cleaned_data["tracking_number"],
            query_code=form.cleaned_data["query_code"],
        )
    except services.LookupRefused as refused:
        context["refusal"] = refused.message
        return render(request, template, context, status=400)
    return _render_status(request, case)


def _render_status(request, case, form=None, status=200):
    from sites.tenancy import use_site

    with use_site(case.site):
        context = _status_context(case, form)
    return render(request, "interaction/case_status.html", context, status=status)


@never_cache
@require_http_methods(["POST"])
def case_rate(request):
    site = _site(request)
    form = RatingForm(request.POST)
    if limited(request, "interaction.case_rate", settings.INTERACTION_LOOKUP_RATE):
        return render(
            request,
            "interaction/case_lookup.html",
            {"form": LookupForm(), "refusal": _("Too many requests; try again later.")},
            status=429,
        )
    try:
        intake_site_id, tracking_number = signing.loads(
            request.POST.get("token", ""), salt=RATING_SALT, max_age=RATING_MAX_AGE
        )
    except signing.BadSignature:
        return render(
            request,
            "interaction/case_lookup.html",
            {
                "form": LookupForm(),
                "refusal": _(
                    "The page has expired; look up your case again to rate it."
                ),
            },
            status=400,
        )
    case = selectors.case_find(site=site, tracking_number=tracking_number)
    if case is None or case.intake_site_id != intake_site_id:
        raise Http404
    if not form.is_valid():
        return _render_status(request, case, form, status=400)
    try:
        case = services.case_rate(
            case=case,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
        )
    except services.CaseActionError as error:
        form.add_error(None, error)
        return _render_status(request, case, form, status=400)
    return _render_status(request, case)


@never_cache
def case_public_list(request):
    from django.core.paginator import Paginator

    site = _site(request)
    paginator = Paginator(selectors.case_public_list(site=site), 20)
    page = paginator.get_page(request.GET.get("page"))
    rows = [
        {
            "case": case,
            "name": mask_name(case.name),
            "title": mask_text_with(case.title, names=[case.name]),
            "content": mask_text_with(case.content, names=[case.name]),
            "reply": mask_text_with(case.reply, names=[case.name]),
        }
        for case in page.object_list
    ]
    return render(
        request,
        "interaction/case_list.html",
        {"site": site, "rows": rows, "page_obj": page},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def comment_new(request, page_id: int):
    site = _site(request)
    consultation = (
        ConsultationPage.objects.live()
        .descendant_of(site.root_page)
        .filter(pk=page_id)
        .first()
    )
    if consultation is None:
        raise Http404
    anonymous = not request.user.is_authenticated
    template = "interaction/comment_form.html"
    context = {"consultation": consultation}
    form_args = {
        "requires_identity": consultation.requires_identity,
        "anonymous": anonymous,
    }
    if consultation.state != ConsultationState.OPEN:
        context["refusal"] = (
            _("This consultation opens on %(date)s; comments are not accepted yet.")
            % {"date": consultation.starts_on.isoformat()}
            if consultation.state == ConsultationState.UPCOMING
            else _(
                "This consultation closed on %(date)s; comments are no longer accepted."
            )
            % {"date": consultation.ends_on.isoformat()}
        )
        status = 400 if request.method == "POST" else 200
        return render(request, template, context, status=status)
    if request.method == "POST":
        form = CommentForm(request.POST, **form_args)
        context["form"] = form
        if limited(request, "interaction.comment", settings.INTERACTION_SUBMIT_RATE):
            return _too_many(request, template, context)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.comment_submit(
                    site=site,
                    consultation=consultation,
                    name=data["name"],
                    contact=data["contact"],
                    text=data["text"],
                    idempotency_key=data["idempotency_key"],
                )
            except services.CommentRefused as refused:
                context["refusal"] = refused.message
                return render(request, template, context, status=400)
            except DatabaseError:
                logger.exception("comment submission failed")
                form.add_error(
                    None,
                    _(
                        "Your comment could not be saved because of a fault on our "
                        "side; it is kept below. Please submit again."
                    ),
                )
            else:
                return render(request, "interaction/comment_thanks.html", context)
        return render(request, template, context, status=400)
    context["form"] = CommentForm(
        initial={"idempotency_key": str(uuid.uuid4())}, **form_args
    )
    return render(request, template, context)


@never_cache
def case_mine(request):
    """A signed-in person's own cases on every site (public accounts, when they
    exist, sign in here too)."""
    from django.contrib.auth.views import redirect_to_login

    _site(request)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    cases = list(
        selectors.cases_of_user(user=request.user).select_related("site")[:200]
    )
    return render(request, "interaction/case_mine.html", {"cases": cases})
