"""Liveness and readiness probes: JSON, no authentication, nothing secret in them.

Neither needs the site registry: ``sites.middleware`` lets both through when the
database is down, so ``/healthz`` stays 200 and ``/readyz`` names what failed."""

from django.db import DatabaseError, InterfaceError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks_db.models import DBTaskResult


@never_cache
@require_GET
def healthz(request):
    """The process is alive and answering."""
    return JsonResponse({"status": "ok"})


def _check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except (DatabaseError, InterfaceError):
        return False, "unreachable"
    return True, "ok"


def _check_migrations() -> tuple[bool, str]:
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except (DatabaseError, InterfaceError):
        return False, "unknown"
    if plan:
        return False, f"{len(plan)} unapplied"
    return True, "ok"


def _check_task_queue() -> tuple[bool, str]:
    try:
        DBTaskResult.objects.exists()
    except (DatabaseError, InterfaceError):
        return False, "unreachable"
    return True, "ok"


@never_cache
@require_GET
def readyz(request):
    """Ready to serve: database reachable, no unapplied migrations, queue reachable."""
    checks = {"database": _check_database()}
    if checks["database"][0]:
        checks["migrations"] = _check_migrations()
        checks["task_queue"] = _check_task_queue()
    else:
        checks["migrations"] = (False, "unknown")
        checks["task_queue"] = (False, "unknown")
    ready = all(ok for ok, _ in checks.values())
    return JsonResponse(
        {
            "status": "ok" if ready else "unavailable",
            "checks": {name: detail for name, (_, detail) in checks.items()},
        },
        status=200 if ready else 503,
    )
