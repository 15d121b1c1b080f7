"""Run the durable queue's tasks in the test's own transaction.

``manage.py db_worker`` (tested for real in tests/cms/test_tasks.py) closes its
connection between tasks, which would end a test's transaction; this does the same
work on the queued rows without touching the connection.
"""

from django_tasks_db.models import DBTaskResult


def run_queued_tasks(*, skip: tuple[str, ...] = ()) -> int:
    """Every queued task, but those whose path starts with one of ``skip`` (left
    queued)."""
    ran = 0
    for result in DBTaskResult.objects.ready().order_by("enqueued_at"):
        if result.task_path.startswith(skip):
            continue
        task = result.task
        task.func(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
        result.delete()
        ran += 1
    return ran


def run_static_publishing() -> int:
    """Static publishing's queued tasks (delivery's only), as its worker runs
    them, until none is left (a task may queue the next one); other packages'
    tasks stay queued."""
    ran = 0
    while batch := list(
        DBTaskResult.objects.ready()
        .filter(task_path__startswith="delivery.")
        .order_by("enqueued_at")
    ):
        for result in batch:
            args = result.args_kwargs
            result.task.func(*args["args"], **args["kwargs"])
            result.delete()
            ran += 1
    return ran
