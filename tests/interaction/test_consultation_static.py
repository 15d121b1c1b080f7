"""A consultation's page shows its comments (count, adoption summary, texts and
replies where it says so): a new comment, a comment hidden or shown again, or
tagged, writes its static file again through static publishing's queue (and
moves its site's page cache on), not its lists."""

import pytest
from django_tasks_db.models import DBTaskResult

from delivery import tree
from delivery.models import PendingKind, PendingPublish
from delivery.selectors import page_address
from interaction import services
from tests.tasks import run_static_publishing

pytestmark = pytest.mark.django_db


@pytest.fixture
def static_tree(settings, tmp_path):
    PendingPublish.objects.all().delete()
    DBTaskResult.objects.all().delete()
    settings.DELIVERY_STATIC_ROOT = tmp_path / "public"
    settings.DELIVERY_PAGE_DELAY = 0
    settings.DELIVERY_LIST_DELAY = 0
    return tmp_path / "public"


def _comment(site, page, text, key):
    return services.comment_submit(
        site=site,
        consultation=page,
        name="赵六",
        contact="zl@example.org",
        text=text,
        idempotency_key=key,
    )[0]


def _file(site, page) -> str:
    body = tree.read(site.host, page_address(page.specific))
    assert body is not None
    return body.decode()


def test_the_consultation_file_follows_its_comments_after_the_queue_runs(
    county, open_consultation, static_tree
):
    open_consultation.show_comment_texts = True
    open_consultation.save_revision().publish()
    run_static_publishing()
    assert "已收到 0 条意见" in _file(county, open_consultation)

    kept = _comment(county, open_consultation, "建议延长办理时间", "static-key-0001")
    spam = _comment(county, open_consultation, "出售发票请联系", "static-key-0002")
    assert run_static_publishing() >= 1
    html = _file(county, open_consultation)
    assert "已收到 2 条意见" in html and "出售发票请联系" in html

    # (Publishing it recorded its state changes, due the day it closes.)
    PendingPublish.objects.all().delete()
    services.comment_hide(site=county, comment=spam, hidden=True)
    # The page alone: the lists that show the consultation stay as they are.
    kinds = set(PendingPublish.objects.values_list("kind", flat=True))
    assert kinds == {PendingKind.PAGE}
    assert run_static_publishing() >= 1
    html = _file(county, open_consultation)
    assert "出售发票请联系" not in html and "已收到 1 条意见" in html

    services.comment_adopt(site=county, comment=kept, adoption="adopted", reason="")
    assert run_static_publishing() >= 1
    assert "采纳 1 条，部分采纳 0 条，未采纳 0 条" in _file(county, open_consultation)

    services.comment_hide(site=county, comment=spam, hidden=False)
    assert run_static_publishing() >= 1
    assert "出售发票请联系" in _file(county, open_consultation)


def test_nothing_is_queued_when_nothing_the_page_shows_changed(
    county, open_consultation, static_tree
):
    spam = _comment(county, open_consultation, "垃圾广告", "static-key-0011")
    services.comment_hide(site=county, comment=spam, hidden=True)
    PendingPublish.objects.all().delete()
    # Hidden again, or tagged while hidden: the page shows neither.
    services.comment_hide(site=county, comment=spam, hidden=True)
    services.comment_adopt(site=county, comment=spam, adoption="adopted", reason="")
    assert not PendingPublish.objects.exists()
