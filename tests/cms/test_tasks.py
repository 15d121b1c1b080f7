"""Wagtail's own background work goes to the durable database queue."""

import logging

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult
from wagtail.models import ReferenceIndex

from cms.models import HomePage


# Transactional: the worker manages its own connection. The serialized rollback
# restores Wagtail's root page and collection after the flush.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_wagtail_reference_index_update_is_queued_not_run_inline(site, caplog):
    home = HomePage.objects.get(pk=site.wagtail_site.root_page_id)
    DBTaskResult.objects.all().delete()
    ReferenceIndex.objects.all().delete()
    home.intro = f'<p>见 <a linktype="page" id="{home.pk}">首页</a></p>'
    home.save()
    queued = DBTaskResult.objects.filter(
        task_path__endswith="update_reference_index_task"
    )
    assert queued.filter(status="READY").exists()
    assert not ReferenceIndex.objects.filter(object_id=str(home.pk)).exists()

    with caplog.at_level(logging.INFO, logger="cms.tasks"):
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert not queued.filter(status="READY").exists()
    assert ReferenceIndex.objects.filter(object_id=str(home.pk)).exists()
    logged = {r.task: r.status for r in caplog.records if r.name == "cms.tasks"}
    assert logged == {
        "wagtail.tasks.update_reference_index_task": "SUCCESSFUL",
        # Wagtail's search index update rides the same queue.
        "modelsearch.tasks.insert_or_update_object_task": "SUCCESSFUL",
    }
