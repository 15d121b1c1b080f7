"""Public pages under /interaction/: the case form, its receipt, the status look-up
with rating, the public listing, and the comment form of a consultation. Dynamic
pages (never cached), with CSRF; every refusal is a clear Chinese message."""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import DatabaseError, transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import (
    _SIMPLE_KEYS,
    _get_ip,
    _get_window,
    _make_cache_key,
    _split_rate,
    is_ratelimited,
)

from cms.models import ConsultationPage
from cms.models.choices import ConsultationState
from core import people
from sites.tenancy import use_site

from . import crypto, floodgate, selectors, services
from .forms import (
    IDEMPOTENCY_KEY,
    CommentForm,
    LookupForm,
    PublicCaseForm,
    RatingForm,
)
from .masking import mask_name, mask_text_with
from .models import PUBLIC_EVENT_KINDS, CaseChannel, CaseKind, CaseStatus

logger = logging.getLogger(__name__)

# The receipt travels in a cookie of the submitter's own browser, never in the
# session (kept on the server for weeks): signed, timed, the query code encrypted
# inside, valid for minutes, limited to the receipt page, and replaced by a
# code-less marker once the receipt has shown it. Setting it needs no database,
# so a letter that is stored always leads to its receipt.
RECEIPT_COOKIE = "interaction_receipt_"
RECEIPT_SALT = "interaction.receipt"
RECEIPT_PATH = "/interaction/cases/submitted/"
RECEIPT_MAX_AGE = 10 * 60
RECEIPT_SHOWN_MAX_AGE = 24 * 3600
# Sessions written before receipts moved to the cookie.
LEGACY_RECEIPTS = "interaction_receipts"
RATING_SALT = "interaction.rating"
RATING_MAX_AGE = 3600
CASE_FORM_TEMPLATE = "interaction/case_form.html"

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


def _over_already(request, group: str, key: str, rate: str) -> bool:
    """Whether this address (or account) used up ``rate`` already: one cache
    read, as django-ratelimit names its counter (its own check always tries an
    insert first)."""
    limit, period = _split_rate(rate)
    value = _SIMPLE_KEYS[key](request)
    counter = _make_cache_key(group, _get_window(value, period), rate, value, "POST")
    count = caches[settings.RATELIMIT_USE_CACHE].get(counter)
    return count is not None and count >= limit


def limited(request, group: str, rate: str, *, gate: bool = False) -> bool:
    """Counts this request against ``rate`` per IP, and per account when signed
    in; True when either is over. A request from an address (or account) that is
    over already is refused on one read, without counting it again: a flood costs
    no write. With ``gate``, an address over already is also refused by the flood
    gate (``interaction.floodgate``) until its window ends: its next requests
    cost no read either."""
    return refused_already(request, group, rate, gate=gate) or counted_over(
        request, group, rate
    )


def refused_already(request, group: str, rate: str, *, gate: bool = False) -> bool:
    """The first half of ``limited``: whether this address (or account) is over
    ``rate`` already (reads only)."""
    if not getattr(settings, "RATELIMIT_ENABLE", True):
        return False
    if _over_already(request, group, "ip", rate):
        if gate:
            _limit, period = _split_rate(rate)
            floodgate.refuse(request, _get_window(_SIMPLE_KEYS["ip"](request), period))
        return True
    return request.user.is_authenticated and _over_already(request, group, "user", rate)


def counted_over(request, group: str, rate: str) -> bool:
    """The second half of ``limited``: count this request per IP (and account);
    True when that takes either over ``rate``."""
    if not getattr(settings, "RATELIMIT_ENABLE", True):
        return False
    keys = ["ip", "user"] if request.user.is_authenticated else ["ip"]
    over = False
    for key in keys:
        over |= is_ratelimited(
            request, group=group, key=key, rate=rate, method="POST", increment=True
        )
    return over


def _too_many(request):
    return floodgate.too_many()


@never_cache
@require_http_methods(["GET", "POST"])
def case_new(request):
    site = _site(request)
    channel = request.GET.get("channel", CaseChannel.MAILBOX)
    if channel not in CHANNELS:
        raise Http404
    anonymous = not request.user.is_authenticated
    template = CASE_FORM_TEMPLATE
    context = {"channel": CaseChannel(channel), "site": site}
    if request.method == "POST":
        group, rate = "interaction.case_submit", settings.INTERACTION_SUBMIT_RATE
        if refused_already(request, group, rate, gate=True):
            return _too_many(request)
        # One transaction for the rate counters, the captcha's single-use mark and
        # the case (with the PostgreSQL counter table; Redis counters are apart):
        # one commit per letter, and a fault half-way leaves none of them.
        try:
            with transaction.atomic():
                if counted_over(request, group, rate):
                    return _too_many(request)
                return _case_post(request, site, channel, anonymous, context)
        except (DatabaseError, OSError):
            if "form" not in context:
                raise
            # Rolled back: nothing of this request stays, not the case, nor its
            # counters. The page is rendered after the rollback.
            logger.exception("case submission failed")
            context["form"].add_error(
                None,
                _(
                    "Your letter could not be saved because of a fault on our "
                    "side. Nothing was stored; what you typed is kept below "
                    "(attachments must be chosen again). Please submit again."
                ),
            )
            return render(request, template, context, status=400)
    kind = request.GET.get("kind")
    known = people.known_details(request.user)
    form = PublicCaseForm(
        initial={
            "idempotency_key": str(uuid.uuid4()),
            "kind": kind if kind in CHANNELS[channel] else CHANNELS[channel][0],
            # What a signed-in person's account knows (core.people).
            **{k: known[k] for k in ("name", "phone", "email") if k in known},
        },
        anonymous=anonymous,
        kinds=CHANNELS[channel],
    )
    context["form"] = form
    return render(request, template, context)


def _case_post(request, site, channel: str, anonymous: bool, context: dict):
    """The letter form's POST, inside the caller's transaction (a DatabaseError or
    OSError goes to the caller, which rolls everything back)."""
    form = PublicCaseForm(
        request.POST, request.FILES, anonymous=anonymous, kinds=CHANNELS[channel]
    )
    context["form"] = form
    if form.is_valid():
        data = form.cleaned_data
        try:
            case, code = services.case_submit(
                site=site,
                data=services.CaseInput.from_cleaned(data, channel=channel),
                idempotency_key=data["idempotency_key"],
                user=request.user,
            )
        except services.IdempotencyConflict:
            # The form was sent before with other content (the person went
            # back and changed it): say so, and give the form a new key so
            # that sending it again files this text as a new letter.
            form.add_error(
                None,
                _(
                    "This form was already sent with a different letter, which "
                    "was received. What you typed now has not been saved. To "
                    "send it as a new letter, submit the form again."
                ),
            )
            form.data = form.data.copy()
            form.data["idempotency_key"] = str(uuid.uuid4())
            return render(request, CASE_FORM_TEMPLATE, context, status=409)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            key = data["idempotency_key"]
            response = redirect(f"{RECEIPT_PATH}?k={key}")
            if code is not None:
                _set_receipt(response, key, case.tracking_number, code)
            return response
    return render(request, CASE_FORM_TEMPLATE, context, status=400)


def _set_receipt(response, key: str, tracking_number: str, code: str | None):
    """Put the receipt of ``key`` into its cookie (the code encrypted), or, with
    ``code`` None, the marker that it has been shown. Never fails the response: the
    letter is stored whatever happens here."""
    try:
        value = {"n": tracking_number}
        if code is not None:
            value["c"] = crypto.encrypt(code)
        response.set_cookie(
            RECEIPT_COOKIE + key,
            signing.dumps(value, salt=f"{RECEIPT_SALT}:{key}"),
            max_age=RECEIPT_MAX_AGE if code is not None else RECEIPT_SHOWN_MAX_AGE,
            path=RECEIPT_PATH,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    except Exception:
        logger.exception("receipt cookie not set")


def _read_receipt(request, key: str) -> dict | None:
    """The receipt of ``key`` from its cookie, if it is there, genuine and fresh."""
    value = request.COOKIES.get(RECEIPT_COOKIE + key)
    if not value:
        return None
    try:
        receipt = signing.loads(value, salt=f"{RECEIPT_SALT}:{key}")
        if "c" in receipt:
            # The code itself is valid for minutes only.
            signing.loads(value, salt=f"{RECEIPT_SALT}:{key}", max_age=RECEIPT_MAX_AGE)
            receipt["c"] = crypto.decrypt(receipt["c"])
    except (signing.BadSignature, crypto.DecryptionError, ValueError, TypeError):
        return None  # expired (SignatureExpired is a BadSignature), or not ours
    return receipt


def _drop_shown_receipts(request, response, *, keep: str) -> None:
    """Every other receipt already shown leaves the browser: a hotline operator
    filing letters all day from one browser would otherwise send a cookie per
    letter with each receipt until the request is refused as too large (431).
    Its page still shows the number after that (read from the case), not the
    code. A receipt not yet shown (another tab) stays."""
    for name, value in request.COOKIES.items():
        if not name.startswith(RECEIPT_COOKIE) or name == RECEIPT_COOKIE + keep:
            continue
        other = name[len(RECEIPT_COOKIE) :]
        try:
            shown = "c" not in signing.loads(value, salt=f"{RECEIPT_SALT}:{other}")
        except (signing.BadSignature, ValueError, TypeError):
            shown = True  # not ours: nothing to keep
        if shown:
            response.delete_cookie(name, path=RECEIPT_PATH, samesite="Lax")


@never_cache
def case_submitted(request):
    site = _site(request)
    key = request.GET.get("k", "")
    if not IDEMPOTENCY_KEY.fullmatch(key):
        raise Http404
    receipt = _read_receipt(request, key)
    code = receipt.get("c") if receipt else None
    if receipt is not None:
        tracking_number = receipt["n"]
        shown_once = code is None
    else:
        # No (fresh) cookie: a repeated submission whose first answer this
        # browser never got, or an old link. The number, but not the code (kept
        # only as a hash; it went out by mail).
        case = selectors.case_by_idempotency_key(site=site, key=key)
        if case is None:
            raise Http404
        tracking_number, shown_once = case.tracking_number, False
    response = render(
        request,
        "interaction/case_submitted.html",
        {
            "site": site,
            "tracking_number": tracking_number,
            "query_code": code,
            "shown_once": shown_once,
        },
    )
    if code is not None:
        # Shown now, kept no longer: the cookie keeps only the number.
        _set_receipt(response, key, tracking_number, None)
    _drop_shown_receipts(request, response, keep=key)
    if LEGACY_RECEIPTS in request.session:
        del request.session[LEGACY_RECEIPTS]
    return response


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
            client=f"ip:{_get_ip(request)}",
        )
    except services.LookupRefused as refused:
        context["refusal"] = refused.message
        return render(request, template, context, status=400)
    return _render_status(request, case)


def _render_status(request, case, form=None, status=200):
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
        if limited(
            request, "interaction.comment", settings.INTERACTION_SUBMIT_RATE, gate=True
        ):
            return _too_many(request)
        form = CommentForm(request.POST, **form_args)
        context["form"] = form
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
                    user=request.user,
                )
            except services.CommentConflict:
                form.add_error(
                    None,
                    _(
                        "This form was already sent with a different comment, which "
                        "was received. What you typed now has not been saved. To "
                        "send it as a new comment, submit the form again."
                    ),
                )
                form.data = form.data.copy()
                form.data["idempotency_key"] = str(uuid.uuid4())
                return render(request, template, context, status=409)
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
    known = people.known_details(request.user)
    context["form"] = CommentForm(
        initial={
            "idempotency_key": str(uuid.uuid4()),
            "name": known.get("name", ""),
            "contact": known.get("phone") or known.get("email", ""),
        },
        **form_args,
    )
    return render(request, template, context)


@never_cache
def case_mine(request):
    """A signed-in person's own cases on every site (public accounts, when they
    exist, sign in here too)."""

    _site(request)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    cases = list(
        selectors.cases_of_user(user=request.user).select_related("site")[:200]
    )
    return render(request, "interaction/case_mine.html", {"cases": cases})
