"""Run the durable queue's tasks in the test's own transaction.

``manage.py db_worker`` (tested for real in tests/cms/test_tasks.py) closes its
connection between tasks, which would end a test's transaction; this does the same
work on the queued rows without touching the connection.
"""

from django_tasks_db.models import DBTaskResult


def run_queued_tasks() -> int:
    ran = 0
    for result in DBTaskResult.objects.ready().order_by("enqueued_at"):
        task = result.task
        task.func(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
        result.delete()
        ran += 1
    return ran
