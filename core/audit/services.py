"""Writing to the audit log (``audit_record``), checking it, purging old rows."""

import datetime
import logging
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .chain import row_hash
from .context import client_address, current_request
from .models import AuditAction, AuditEvent, AuditResult

logger = logging.getLogger(__name__)

# The chain is written one row at a time: this advisory lock (held until the
# writer's transaction ends) orders the writers, so each row sees the last one.
CHAIN_LOCK = 0x617564697431  # "audit1"
# Rows younger than this are never purged; the trigger holds the same line.
RETENTION = datetime.timedelta(days=183)


def _describe(obj) -> dict:
    if obj is None:
        return {}
    return {
        "object_type": obj._meta.label_lower,
        "object_id": str(obj.pk or "")[:64],
        "object_repr": str(obj)[:255],
    }


@transaction.atomic
def audit_record(
    *,
    action: str,
    actor=None,
    actor_name: str = "",
    request=None,
    site=None,
    site_id: int | None = None,
    obj=None,
    result: str = AuditResult.SUCCESS,
    detail: dict | None = None,
    address: str | None = None,
) -> AuditEvent:
    """Append one event. ``request`` (or the request being served) gives the
    actor and address when they are not named; ``obj`` the object acted on."""
    if action not in AuditAction.values:
        raise ValueError(f"unknown audit action: {action}")
    request = request if request is not None else current_request()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if actor is not None and not actor_name:
        actor_name = actor.get_username()
    event = AuditEvent(
        created_at=timezone.now(),
        actor=actor if actor is not None and actor.pk else None,
        actor_name=actor_name[:150],
        address=address or client_address(request),
        action=action,
        result=result,
        site_id=site.pk if site is not None else site_id,
        detail=detail or {},
        **_describe(obj),
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
    last = AuditEvent.objects.order_by("-pk").values_list("hash", flat=True).first()
    event.previous_hash = last or ""
    event.hash = row_hash(event, event.previous_hash)
    event.save(force_insert=True)
    return event


@dataclass
class ChainProblem:
    pk: int
    reason: str


def audit_verify(*, chunk: int = 2000) -> tuple[int, list[ChainProblem]]:
    """Walk the chain from the oldest row: every row's hash must match its
    content and the row before it. Returns the rows checked and the problems."""
    problems: list[ChainProblem] = []
    previous: str | None = None  # the oldest kept row's link is taken as is
    checked = 0
    last_pk = 0
    while True:
        rows = list(AuditEvent.objects.filter(pk__gt=last_pk).order_by("pk")[:chunk])
        if not rows:
            break
        for event in rows:
            checked += 1
            if previous is not None and event.previous_hash != previous:
                problems.append(
                    ChainProblem(event.pk, _("the row before it is missing or changed"))
                )
            if row_hash(event, event.previous_hash) != event.hash:
                problems.append(ChainProblem(event.pk, _("its content was changed")))
            previous = event.hash
            last_pk = event.pk
    return checked, problems


class PurgeRefused(Exception):
    pass


@transaction.atomic
def audit_purge(*, before: datetime.datetime, actor_name: str = "") -> int:
    """Delete rows older than ``before``, which must be at least six months ago.
    The trigger lets the DELETE through only with ``audit.purge`` set for this
    transaction, and only for rows older than six months, whatever is asked."""
    if before > timezone.now() - RETENTION:
        raise PurgeRefused(
            _("Audit rows are kept at least six months: choose a date before %(d)s.")
            % {"d": (timezone.now() - RETENTION).date().isoformat()}
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('audit.purge', 'on', true)")
        cursor.execute("DELETE FROM audit_auditevent WHERE created_at < %s", [before])
        deleted = cursor.rowcount
        cursor.execute("SELECT set_config('audit.purge', 'off', true)")
    audit_record(
        action=AuditAction.AUDIT_PURGED,
        actor_name=actor_name,
        detail={"before": before.isoformat(), "deleted": deleted},
    )
    return deleted
