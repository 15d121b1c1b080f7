"""Handling in the Wagtail admin, for the staff of the case's current site only:
lists with deadline flags, a case with its history and actions, unmasked personal
data behind an audited button, comments with export and adoption, API clients."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.uploads.sniffing import content_type_of
from sites.params import id_param
from sites.selectors import can_administer_site, sites_for_user
from sites.tenancy import for_sites, use_site

from . import selectors, services
from .forms import (
    AdoptionForm,
    ApiClientForm,
    NoteForm,
    ReasonForm,
    ReplyForm,
    TransferForm,
)
from .masking import (
    mask_email,
    mask_id_number,
    mask_name,
    mask_phone,
    mask_text_with,
)
from .models import (
    Adoption,
    ApiClient,
    CaseAttachment,
    CaseKind,
    CaseStatus,
    Comment,
)

CASES_PER_PAGE = 50
COMMENTS_PER_PAGE = 50


def _page(request, items, per_page: int):
    """The page of ``items`` asked for in ``?p=``; a missing, malformed or too large
    number gives the first (or last) page, never an error."""
    return Paginator(items, per_page).get_page(request.GET.get("p"))


def _sites(request):
    sites = sites_for_user(request.user)
    if not sites.exists():
        raise PermissionDenied
    return sites


def case_index(request):
    sites = _sites(request)
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    flag = request.GET.get("flag", "")
    site_id = request.GET.get("site", "")
    site_pk = id_param(site_id)
    scope = sites.filter(pk=site_pk) if site_pk is not None else sites
    cases = selectors.case_list(
        sites=scope,
        status=status if status in CaseStatus.values else "",
        kind=kind if kind in CaseKind.values else "",
        flag=flag if flag in ("overdue", "due_soon") else "",
    )
    page = _page(request, cases, CASES_PER_PAGE)
    today = timezone.localdate()
    on_page = list(page.object_list)
    rows = [
        (case, flag_of_case, mask_text_with(case.title, names=[case.name]))
        for case, flag_of_case in zip(
            on_page, selectors.deadline_flags(on_page, today), strict=True
        )
    ]
    return TemplateResponse(
        request,
        "interaction/admin/case_index.html",
        {
            "page_title": _("Cases"),
            "header_title": _("Cases"),
            "header_icon": "mail",
            "rows": rows,
            "page_obj": page,
            "sites": sites,
            "statuses": CaseStatus.choices,
            "kinds": CaseKind.choices,
            "current": {"status": status, "kind": kind, "flag": flag, "site": site_id},
            "settings_sites": [
                s for s in sites[:50] if can_administer_site(request.user, s)
            ],
        },
    )


def _case(request, pk):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    if case is None:
        raise Http404
    return case


def case_detail(request, pk):
    case = _case(request, pk)
    site = case.site
    forms = {
        "decline": ReasonForm(prefix="decline"),
        "transfer": TransferForm(
            prefix="transfer", targets=selectors.transfer_targets(site=site, case=case)
        ),
        "reply": ReplyForm(prefix="reply", initial={"message": case.reply}),
        "note": NoteForm(prefix="note"),
    }
    unmasked = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            result = _act(request, case, site, action, forms)
        except services.CaseActionError as error:
            messages.error(request, " ".join(error.messages))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if action == "reveal":
                unmasked = result
            elif result is not None:
                messages.success(request, _done(action, case, result))
                if action == "transfer":
                    return redirect("interaction_case_index")
                return redirect("interaction_case_detail", pk=case.pk)
        case = _case(request, pk)
    with use_site(site):
        events = list(case.events.select_related("actor", "to_site", "from_site"))
        attachments = list(case.attachments.all())
    personal = unmasked or {
        "name": mask_name(case.name),
        "phone": mask_phone(case.phone) if case.phone else "",
        "email": mask_email(case.email) if case.email else "",
        "id_number": mask_id_number(case.id_number) if case.id_number else "",
    }

    def shown(text: str) -> str:
        # Personal data typed inside the texts is masked like the fields, until
        # the audited "show unmasked" button is used.
        if unmasked is not None:
            return text
        return mask_text_with(text, names=[case.name])

    texts = {
        name: shown(getattr(case, name))
        for name in ("title", "content", "reply", "rating_comment")
    }
    for event in events:
        event.shown_message = shown(event.message)
    return TemplateResponse(
        request,
        "interaction/admin/case_detail.html",
        {
            "page_title": case.tracking_number,
            "header_title": f"{case.tracking_number} {texts['title']}",
            "texts": texts,
            "header_icon": "mail",
            "case": case,
            "events": events,
            "attachments": attachments,
            "personal": personal,
            "unmasked": unmasked is not None,
            "flag": selectors.deadline_flag(case),
            "forms": forms,
        },
    )


def _done(action: str, case, result) -> str:
    """What the step did, for the message after it."""
    number = {"number": case.tracking_number}
    if action == "accept":
        return _("Case %(number)s accepted.") % number
    if action == "decline":
        return _("Case %(number)s declined; the submitter can see the reason.") % (
            number
        )
    if action == "transfer":
        return _("Case %(number)s transferred to %(site)s.") % {
            **number,
            "site": result.site.name,
        }
    if action == "reply":
        return _("Reply to case %(number)s sent; the case is now replied.") % number
    if action == "close":
        return _("Case %(number)s closed.") % number
    if action == "note":
        return _("Internal note added to case %(number)s.") % number
    return _("Done.")  # pragma: no cover - every action is named above


def _act(request, case, site, action, forms):
    user = request.user
    if action == "accept":
        return services.case_accept(site=site, case=case, user=user)
    if action == "close":
        return services.case_close(site=site, case=case, user=user)
    if action == "reveal":
        return services.case_personal_data_view(site=site, case=case, user=user)
    if action == "decline":
        form = forms["decline"] = ReasonForm(request.POST, prefix="decline")
        if form.is_valid():
            return services.case_decline(
                site=site, case=case, user=user, reason=form.cleaned_data["message"]
            )
    elif action == "transfer":
        form = forms["transfer"] = TransferForm(
            request.POST,
            prefix="transfer",
            targets=selectors.transfer_targets(site=site, case=case),
        )
        if form.is_valid():
            return services.case_transfer(
                site=site,
                case=case,
                user=user,
                to_site=form.cleaned_data["to_site"],
                message=form.cleaned_data["message"],
            )
    elif action == "reply":
        form = forms["reply"] = ReplyForm(request.POST, prefix="reply")
        if form.is_valid():
            return services.case_reply(
                site=site, case=case, user=user, reply=form.cleaned_data["message"]
            )
    elif action == "note":
        form = forms["note"] = NoteForm(request.POST, prefix="note")
        if form.is_valid():
            return services.case_note(
                site=site, case=case, user=user, message=form.cleaned_data["message"]
            )
    else:
        raise services.CaseActionError(_("Unknown action."))
    messages.error(request, _("Correct the errors in the form below."))
    return None


def case_attachment(request, pk, attachment_pk):
    case = _case(request, pk)
    with use_site(case.site):
        attachment = CaseAttachment.objects.filter(case=case, pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    file = attachment.file.open("rb")
    response = FileResponse(
        file,
        as_attachment=True,
        filename=attachment.original_name,
        # From the file's contents, whatever the row says (older rows kept the
        # type the submitter's browser sent).
        content_type=content_type_of(file),
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Opened anyway (a PDF viewer in the browser), it runs no script.
    response["Content-Security-Policy"] = "sandbox"
    return response


# Comments


def _comments(request):
    sites = _sites(request)
    comments = for_sites(Comment, sites).select_related("consultation", "site")
    consultation = id_param(request.GET.get("consultation"))
    if consultation is not None:
        comments = comments.filter(consultation_id=consultation)
    hidden = request.GET.get("hidden", "")
    if hidden in ("0", "1"):
        comments = comments.filter(hidden=hidden == "1")
    adoption = request.GET.get("adoption", "")
    if adoption in Adoption.values:
        comments = comments.filter(adoption=adoption)
    elif adoption == "none":
        comments = comments.filter(adoption="")
    return comments.order_by("-submitted_at")


EXPORT_COLUMNS = [
    "id",
    "consultation",
    "submitted",
    "name",
    "comment",
    "hidden",
    "adoption",
    "reason",
]


def _export_rows(comments):
    for c in comments:
        yield [
            c.pk,
            c.consultation.title,
            timezone.localtime(c.submitted_at).strftime("%Y-%m-%d %H:%M"),
            c.name,
            c.text,
            _("yes") if c.hidden else "",
            c.get_adoption_display() if c.adoption else "",
            c.adoption_reason,
        ]


def _safe_cell(value):
    """Spreadsheet formulas typed by the public stay text (CSV/Excel injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def comment_index(request):
    comments = _comments(request)
    export = request.GET.get("export", "")
    headers = [
        _("ID"),
        _("Consultation"),
        _("Submitted"),
        _("Name"),
        _("Comment"),
        _("Hidden"),
        _("Adoption"),
        _("Reason"),
    ]
    if export == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # Excel reads UTF-8 CSV with a BOM
        writer = csv.writer(buffer)
        writer.writerow(headers)
        for row in _export_rows(comments):
            writer.writerow([_safe_cell(v) for v in row])
        response = HttpResponse(
            buffer.getvalue(), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="comments.csv"'
        return response
    if export == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "comments"
        sheet.append(headers)
        for row in _export_rows(comments):
            sheet.append([_safe_cell(v) for v in row])
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(
            out.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="comments.xlsx"'
        return response
    page = _page(request, comments.select_related("consultation"), COMMENTS_PER_PAGE)
    return TemplateResponse(
        request,
        "interaction/admin/comment_index.html",
        {
            "page_title": _("Comments on consultations"),
            "header_title": _("Comments on consultations"),
            "header_icon": "comment",
            "comments": list(page.object_list),
            "page_obj": page,
            "adoptions": Adoption.choices,
            "query": request.GET.urlencode(),
            "current": request.GET,
        },
    )


def comment_edit(request, pk):
    comment = (
        for_sites(Comment, _sites(request))
        .filter(pk=pk)
        .select_related("consultation", "site")
        .first()
    )
    if comment is None:
        raise Http404
    form = AdoptionForm(
        request.POST if request.POST.get("action") == "adopt" else None,
        initial={"adoption": comment.adoption, "reason": comment.adoption_reason},
    )
    if request.method == "POST":
        action = request.POST.get("action")
        if action in ("hide", "show"):
            services.comment_hide(
                site=comment.site, comment=comment, hidden=action == "hide"
            )
            messages.success(
                request,
                _("Comment hidden as spam; it no longer shows on the site.")
                if action == "hide"
                else _("Comment shown on the site again."),
            )
            return redirect("interaction_comment_edit", pk=comment.pk)
        if action == "adopt" and form.is_valid():
            comment = services.comment_adopt(
                site=comment.site,
                comment=comment,
                adoption=form.cleaned_data["adoption"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(
                request,
                _("Comment tagged as %(adoption)s.")
                % {"adoption": comment.get_adoption_display()},
            )
            return redirect("interaction_comment_edit", pk=comment.pk)
    return TemplateResponse(
        request,
        "interaction/admin/comment_edit.html",
        {
            "page_title": _("Comment"),
            "header_title": _("Comment on %(title)s")
            % {"title": comment.consultation.title},
            "header_icon": "comment",
            "comment": comment,
            "form": form,
        },
    )


# API clients


def api_client_index(request):
    """API clients of the user's sites; only site admins (of the site or a site
    above it) create them."""
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
    return redirect(reverse("interaction_api_clients"))


# Per-site rules


def settings_edit(request, site_pk):
    """A site's reply deadline, warning window and retention period: its site
    admins (and admins of the sites above) only."""
    from .forms import InteractionSettingsForm

    site = _sites(request).filter(pk=site_pk).first()
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
