import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Page

from sites.models import GovSite
from syndication import selectors, services


def _one_line(error) -> str:
    messages = getattr(error, "messages", None) or [str(error)]
    return "; ".join(str(m) for m in messages)


class Command(BaseCommand):
    help = (
        "Push a published item down to other sites (信息推送), as the admin's action "
        "does, and print the targets as JSON. Runs as the platform's operator: the "
        "targets must be below the item's site."
    )

    def add_arguments(self, parser):
        parser.add_argument("--page", type=int, required=True, help="page id")
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--to", nargs="+", metavar="CODE", help="site codes")
        group.add_argument(
            "--below", metavar="CODE", help="every open site below this site"
        )
        parser.add_argument(
            "--column",
            metavar="CODE",
            help="column code on the targets (default: the item's own column's code)",
        )
        parser.add_argument("--fallback-column", metavar="CODE", default="")
        parser.add_argument("--mandatory", action="store_true")

    def handle(self, *args, page, to, below, column, fallback_column, mandatory, **kw):
        source_page = Page.objects.filter(pk=page).first()
        if source_page is None:
            raise CommandError(f"no page with id {page}")
        if to:
            targets = list(GovSite.objects.filter(code__in=to))
            unknown = sorted(set(to) - {site.code for site in targets})
            if unknown:
                raise CommandError(f"no site with code {', '.join(unknown)}")
        else:
            top = GovSite.objects.filter(code=below).first()
            if top is None:
                raise CommandError(f"no site with code {below}")
            targets = list(
                selectors.sites_below(site=top).filter(
                    status__in=selectors.RECEIVING_STATUSES
                )
            )
        if not column:
            parent = source_page.get_parent().specific
            column = getattr(parent, "code", "")
        try:
            plan = services.item_send(
                user=None,
                page=source_page,
                targets=targets,
                column_code=column,
                fallback_column_code=fallback_column,
                mandatory=mandatory,
            )
        except (ValidationError, PermissionDenied) as error:
            raise CommandError(_one_line(error)) from None
        self.stdout.write(json.dumps(plan.as_json(), ensure_ascii=False, indent=2))
