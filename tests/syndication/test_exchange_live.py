"""The sender against a live receiving server: an item sent through the outbox
(core.outbound, signed) shows in the receiving site's inbox, once."""

import pytest

from sites.tenancy import use_site
from syndication import exchange, services
from syndication.models import OutboxMessage, OutboxState, Peer, ReceivedItem
from tests.factories import ArticleFactory, SiteFactory, column

from .conftest import run_queued_tasks

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_item_sent_to_a_live_peer_shows_in_its_sites_inbox_once(live_server):
    sender = SiteFactory(name="发送方省政府")
    receiver = SiteFactory(name="接收方省政府")
    notice = ArticleFactory(
        parent=column(sender, "tzgg"), publish=True, title="跨平台推送的通知"
    )
    peer = Peer.objects.create(
        code="loopback-peer",
        name="本机测试平台",
        base_url=live_server.url,
        secret="a-shared-secret",
        site=receiver,
        allow_private=True,  # loopback: configured as such
    )
    message = services.outbox_add(page=notice, peer=peer, column_code="tzgg")
    run_queued_tasks()
    with use_site(sender):
        message = OutboxMessage.objects.get(pk=message.pk)
    assert (message.state, message.last_error) == (OutboxState.SENT, "")
    with use_site(receiver):
        [item] = ReceivedItem.objects.all()
    assert item.title == "跨平台推送的通知"
    assert item.source_name == "发送方省政府"
    assert item.column.code == "tzgg"
    # Sent again (a retry after a lost answer): the peer keeps one.
    with use_site(sender):
        OutboxMessage.objects.filter(pk=message.pk).update(state=OutboxState.PENDING)
    assert (
        exchange.outbox_deliver(site_id=sender.pk, message_id=message.pk)
        == OutboxState.SENT
    )
    with use_site(receiver):
        assert ReceivedItem.objects.count() == 1
