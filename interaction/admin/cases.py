"""Cases in the admin: the listing (Wagtail's generic index view) and a case's
page with its history and steps, each step through its service."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import Column, DateColumn, Table, TitleColumn

from core.uploads.sniffing import content_type_of
from interaction import selectors, services
from interaction.forms import NoteForm, ReasonForm, ReplyForm, TransferForm
from interaction.masking import (
    mask_email,
    mask_id_number,
    mask_name,
    mask_phone,
    mask_text_with,
)
from interaction.models import Case, CaseAttachment
from sites.selectors import sites_administered_by
from sites.tenancy import use_site

from .filters import DEADLINE_CHOICES, CaseFilterSet
from .listing import SiteScopedIndexView

INDEX_URL = "interaction_cases:index"
DETAIL_URL = "interaction_cases:detail"
DEADLINE_LABELS = dict(DEADLINE_CHOICES)


class CaseTable(Table):
    """Each row says whether its case is overdue or nearly so."""

    def get_row_classname(self, instance):
        flag = getattr(instance, "deadline_flag", "")
        return f"case-row case-{flag}" if flag else "case-row"


class DeadlineColumn(Column):
    cell_template_name = "interaction/admin/deadline_cell.html"


def _with_shown_fields(cases: list) -> list:
    """``cases`` with their deadline flag (one query for the whole list) and the
    submitter's name and the title masked, as every default view shows them."""
    flags = selectors.deadline_flags(cases, timezone.localdate())
    for case, flag in zip(cases, flags, strict=True):
        case.deadline_flag = flag
        case.shown_title = mask_text_with(case.title, names=[case.name])
        case.shown_name = mask_name(case.name)
    return cases


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


class CaseIndexView(SiteScopedIndexView):
    """The cases of the user's sites, earliest deadline first; filters by site,
    status, kind, deadline and date filed; export with personal data masked."""

    table_class = CaseTable
    filterset_class = CaseFilterSet
    page_title = gettext_lazy("Cases")
    template_name = "interaction/admin/case_index.html"
    search_fields = ["tracking_number", "title", "category"]
    export_filename = "cases"
    list_export = [
        "tracking_number",
        "kind",
        "channel",
        "title",
        "name",
        "category",
        "intake_site",
        "site",
        "status",
        "deadline",
        "submitted_at",
        "due_on",
        "replied_at",
    ]
    export_headings = {
        **{
            name: capfirst(Case._meta.get_field(name).verbose_name)
            for name in (
                "tracking_number",
                "kind",
                "channel",
                "title",
                "name",
                "category",
                "status",
                "submitted_at",
                "due_on",
                "replied_at",
            )
        },
        "intake_site": gettext_lazy("Filed on"),
        "site": gettext_lazy("Handled by"),
        "deadline": gettext_lazy("Deadline"),
    }

    def get_base_queryset(self):
        # The selector knows which sites' cases a scope holds (where a case is
        # handled now) and each site's warning window for "nearly overdue".
        return selectors.case_list(
            sites=self.scope, flag=self.filter_values.get("flag") or ""
        )

    @cached_property
    def columns(self):
        columns = [
            TitleColumn(
                "tracking_number",
                label=gettext_lazy("Tracking number"),
                sort_key="tracking_number",
                get_url=lambda case: reverse(DETAIL_URL, args=[case.pk]),
            ),
            Column("title", label=gettext_lazy("Title"), accessor="shown_title"),
            Column(
                "kind",
                label=gettext_lazy("Kind"),
                accessor="get_kind_display",
                sort_key="kind",
            ),
            Column(
                "status",
                label=gettext_lazy("Status"),
                accessor="get_status_display",
                sort_key="status",
            ),
            DateColumn(
                "submitted_at",
                label=gettext_lazy("Submitted"),
                sort_key="submitted_at",
            ),
            DeadlineColumn(
                "due_on", label=gettext_lazy("Reply due"), sort_key="due_on"
            ),
        ]
        if self.shows_sites:
            columns.insert(
                3, Column("site", label=gettext_lazy("Site"), accessor="site.name")
            )
        return columns

    def with_shown_fields(self, rows: list) -> list:
        return _with_shown_fields(rows)

    def export_row(self, case) -> dict:
        return {
            "tracking_number": case.tracking_number,
            "kind": case.get_kind_display(),
            "channel": case.get_channel_display(),
            "title": case.shown_title,
            "name": case.shown_name,
            "category": case.category,
            "intake_site": case.intake_site.name,
            "site": case.site.name,
            "status": case.get_status_display(),
            "deadline": str(DEADLINE_LABELS.get(case.deadline_flag, "")),
            "submitted_at": _local(case.submitted_at),
            "due_on": case.due_on,
            "replied_at": _local(case.replied_at),
        }

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        administered = set(
            sites_administered_by(self.request.user).values_list("pk", flat=True)
        )
        context["settings_sites"] = [
            site for site in self.user_sites[:50] if site.pk in administered
        ]
        return context


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
        except (services.CaseActionError, ValidationError) as error:
            messages.error(request, " ".join(error.messages))
        else:
            if action == "reveal":
                unmasked = result
            elif result is not None:
                messages.success(request, _done(action, case, result))
                if action == "transfer":
                    return redirect(INDEX_URL)
                return redirect(DETAIL_URL, pk=case.pk)
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
            "breadcrumbs_items": [
                {"url": reverse("wagtailadmin_home"), "label": _("Home")},
                {"url": reverse(INDEX_URL), "label": _("Cases")},
                {"url": "", "label": case.tracking_number},
            ],
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
