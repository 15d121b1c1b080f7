import json

from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Page

from syndication import services
from syndication.models import Peer


class Command(BaseCommand):
    help = (
        "Queue a published item for a peer platform (省市平台对接): the outbox sends "
        "it in the background, signed, with retries and back-off."
    )

    def add_arguments(self, parser):
        parser.add_argument("--page", type=int, required=True, help="page id")
        parser.add_argument("--peer", required=True, help="peer code")
        parser.add_argument("--column", required=True, help="column code at the peer")

    def handle(self, *args, page, peer, column, **options):
        source_page = Page.objects.filter(pk=page, live=True).first()
        if source_page is None:
            raise CommandError(f"no published page with id {page}")
        found = Peer.objects.filter(code=peer, active=True).first()
        if found is None:
            raise CommandError(f"no active peer with code {peer}")
        message = services.outbox_add(page=source_page, peer=found, column_code=column)
        self.stdout.write(
            json.dumps(
                {
                    "message": message.pk,
                    "peer": found.code,
                    "remote_id": message.remote_id,
                    "revision": message.revision,
                    "state": message.state,
                },
                ensure_ascii=False,
            )
        )
