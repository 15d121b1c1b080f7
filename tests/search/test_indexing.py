"""Keeping the index true: page changes reach the index through the durable queue,
written in the transaction of the change."""

import pytest
from django_tasks_db.models import DBTaskResult

from search.documents import page_key
from search.models import PendingIndexUpdate, SearchDocument
from tests.factories import ArticleFactory, PolicyDocumentFactory, column
from tests.factories.content import body

pytestmark = pytest.mark.django_db


def _queued_updates():
    return DBTaskResult.objects.filter(task_path__endswith="update_items_task")


def test_publishing_queues_the_update_in_the_same_transaction(site, index):
    page = ArticleFactory(parent=column(site, "zwyw"), title="关于一网通办的通知")
    assert not SearchDocument.objects.exists()  # a draft is not indexed
    DBTaskResult.objects.all().delete()
    page.save_revision().publish()
    assert _queued_updates().filter(status="READY").exists()
    assert PendingIndexUpdate.objects.filter(item_key=page_key(page.pk)).exists()
    assert not SearchDocument.objects.exists()  # not inline in the request
    index()
    document = SearchDocument.objects.get(item_key=page_key(page.pk))
    assert document.site_ids == [site.pk]
    assert document.content_type == "article"
    assert document.urls[str(site.pk)].endswith(f"_{page.pk}.html")
    assert not PendingIndexUpdate.objects.exists()


def test_a_rolled_back_publish_queues_nothing(site, index):
    from django.db import transaction

    page = ArticleFactory(parent=column(site, "zwyw"))
    DBTaskResult.objects.all().delete()
    PendingIndexUpdate.objects.all().delete()
    with pytest.raises(RuntimeError), transaction.atomic():
        page.save_revision().publish()
        raise RuntimeError("the change fails")
    assert not _queued_updates().exists()
    assert not PendingIndexUpdate.objects.exists()


def test_unpublishing_and_deleting_remove_the_document(site, index):
    page = ArticleFactory(parent=column(site, "zwyw"), publish=True)
    other = ArticleFactory(parent=column(site, "zwyw"), publish=True)
    index()
    assert SearchDocument.objects.count() == 2
    page.unpublish()
    index()
    assert list(SearchDocument.objects.values_list("page_id", flat=True)) == [other.pk]
    other.delete()
    index()
    assert not SearchDocument.objects.exists()


def test_editing_a_live_page_changes_the_document_when_published(site, index):
    page = ArticleFactory(parent=column(site, "zwyw"), title="旧标题", publish=True)
    index()
    page.title = "新标题"
    page.body = body("修改后的正文")
    revision = page.save_revision()
    index()
    assert SearchDocument.objects.get().title == "旧标题"  # a draft changes nothing
    revision.publish()
    index()
    document = SearchDocument.objects.get()
    assert document.title == "新标题"
    assert "修改后的正文" in document.body


def test_moving_a_page_updates_its_address(site, index):
    page = ArticleFactory(parent=column(site, "zwyw"), publish=True)
    index()
    before = SearchDocument.objects.get().urls[str(site.pk)]
    target = column(site, "tzgg")
    page.move(target, pos="last-child")
    index()
    document = SearchDocument.objects.get()
    assert document.urls[str(site.pk)] != before
    assert document.column_id == target.pk


def test_policy_documents_carry_number_and_organ(site, index):
    page = PolicyDocumentFactory(
        parent=column(site, "zcwj"),
        document_number="辽政办发〔2019〕12号",
        issuing_organ="辽宁省人民政府办公厅",
        publish=True,
    )
    index()
    document = SearchDocument.objects.get(page_id=page.pk)
    assert document.document_number == "辽政办发〔2019〕12号"
    assert document.issuing_organ == "辽宁省人民政府办公厅"
    assert document.content_type == "policy_document"


def test_closing_a_site_takes_its_items_out_of_the_index(site, index):
    from sites import routing
    from sites.models import SiteStatus

    ArticleFactory(parent=column(site, "zwyw"), publish=True)
    index()
    assert SearchDocument.objects.filter(site=site).exists()
    site.status = SiteStatus.CLOSED
    site.save()
    routing.invalidate()
    index()
    index()  # the subtree task queues the items' updates
    assert not SearchDocument.objects.filter(site=site).exists()
