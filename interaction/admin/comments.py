"""Comments on consultations in the admin: the listing (Wagtail's generic index
view, with export for the adoption report) and a comment's page, where it is
tagged as adopted or not, or hidden as spam."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from wagtail.admin.ui.tables import Column, DateColumn, Table, TitleColumn

from interaction import services
from interaction.forms import AdoptionForm, CommentReplyForm
from interaction.masking import mask_name, mask_text_with
from interaction.models import Comment
from sites.selectors import sites_for_user
from sites.tenancy import for_sites

from .filters import CommentFilterSet
from .listing import SiteScopedIndexView

INDEX_URL = "interaction_comments:index"
EDIT_URL = "interaction_comments:edit"


class CommentTable(Table):
    def get_row_classname(self, instance):
        return "comment-hidden" if instance.hidden else ""


def _with_shown_fields(comments: list) -> list:
    """``comments`` with the commenter's name, and their name and any number or
    address typed into the text, masked."""
    for comment in comments:
        comment.shown_name = mask_name(comment.name)
        comment.shown_text = mask_text_with(comment.text, names=[comment.name])
        comment.short_text = Truncator(comment.shown_text).chars(120)
        comment.adoption_shown = comment.get_adoption_display()
        if comment.hidden:
            comment.adoption_shown = " ".join(
                filter(None, [comment.adoption_shown, f"({_('Hidden (spam)')})"])
            )
    return comments


class CommentIndexView(SiteScopedIndexView):
    """The comments on the user's sites' consultations, newest first; filters by
    site, consultation, spam and adoption; export for the adoption report."""

    table_class = CommentTable
    page_title = gettext_lazy("Comments on consultations")
    filterset_class = CommentFilterSet
    search_fields = ["text"]
    export_filename = "comments"
    list_export = [
        "id",
        "consultation",
        "submitted",
        "name",
        "comment",
        "hidden",
        "adoption",
        "reason",
        "site",
    ]
    export_headings = {
        "id": gettext_lazy("ID"),
        "consultation": gettext_lazy("Consultation"),
        "submitted": gettext_lazy("Submitted"),
        "name": pgettext_lazy("a person's name", "Name"),
        "comment": gettext_lazy("Comment"),
        "hidden": gettext_lazy("Hidden"),
        "adoption": gettext_lazy("Adoption"),
        "reason": gettext_lazy("Reason"),
        "site": gettext_lazy("Site"),
    }

    def get_base_queryset(self):
        return for_sites(Comment, self.scope).select_related("consultation", "site")

    def get_filterset_kwargs(self):
        consultations = (
            for_sites(Comment, self.user_sites)
            .order_by("-consultation_id")
            .values_list("consultation_id", "consultation__title")
            .distinct()
        )
        return {**super().get_filterset_kwargs(), "consultations": consultations}

    @cached_property
    def columns(self):
        columns = [
            TitleColumn(
                "text",
                label=gettext_lazy("Comment"),
                accessor="short_text",
                get_url=lambda comment: reverse(EDIT_URL, args=[comment.pk]),
            ),
            Column(
                "consultation",
                label=gettext_lazy("Consultation"),
                accessor="consultation.title",
            ),
            DateColumn(
                "submitted_at",
                label=gettext_lazy("Submitted"),
                sort_key="submitted_at",
            ),
            Column(
                "adoption",
                label=gettext_lazy("Adoption"),
                accessor="adoption_shown",
                sort_key="adoption",
            ),
        ]
        if self.shows_sites:
            columns.append(
                Column("site", label=gettext_lazy("Site"), accessor="site.name")
            )
        return columns

    def with_shown_fields(self, rows: list) -> list:
        return _with_shown_fields(rows)

    def export_row(self, comment) -> dict:
        return {
            "id": comment.pk,
            "consultation": comment.consultation.title,
            "submitted": timezone.localtime(comment.submitted_at).strftime(
                "%Y-%m-%d %H:%M"
            ),
            "name": comment.shown_name,
            "comment": comment.shown_text,
            "hidden": _("yes") if comment.hidden else "",
            "adoption": comment.get_adoption_display() if comment.adoption else "",
            "reason": comment.adoption_reason,
            "site": comment.site.name,
        }


def comment_edit(request, pk):
    comment = (
        for_sites(Comment, sites_for_user(request.user))
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
    reply_form = CommentReplyForm(
        request.POST if request.POST.get("action") == "reply" else None,
        initial={"reply": comment.reply},
    )
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "reply" and reply_form.is_valid():
            try:
                services.comment_reply(
                    site=comment.site,
                    comment=comment,
                    text=reply_form.cleaned_data["reply"],
                    user=request.user,
                )
            except ValidationError as error:
                reply_form.add_error(None, error)
            else:
                messages.success(
                    request, _("Reply saved; it shows under the comment on the site.")
                )
                return redirect(EDIT_URL, pk=comment.pk)
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
            return redirect(EDIT_URL, pk=comment.pk)
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
            return redirect(EDIT_URL, pk=comment.pk)
    (comment,) = _with_shown_fields([comment])
    return TemplateResponse(
        request,
        "interaction/admin/comment_edit.html",
        {
            "page_title": _("Comment"),
            "header_title": _("Comment on %(title)s")
            % {"title": comment.consultation.title},
            "breadcrumbs_items": [
                {"url": reverse("wagtailadmin_home"), "label": _("Home")},
                {"url": reverse(INDEX_URL), "label": _("Comments on consultations")},
                {"url": "", "label": _("Comment")},
            ],
            "header_icon": "comment",
            "comment": comment,
            "form": form,
            "reply_form": reply_form,
        },
    )
