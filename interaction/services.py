"""Every write of interaction: submitting, handling and rating cases, comments on
consultations, API clients, anonymising. Keyword-only; one transaction each."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import logging
import secrets
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import Case as SqlCase
from django.db.models import DateTimeField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from cms.models.choices import ConsultationState
from core.audit.models import AuditAction
from core.audit.services import audit_record
from core.uploads.sniffing import content_type_of
from sites.models import GovSite
from sites.selectors import rows_of_person
from sites.signals import public_pages_changed_send
from sites.tenancy import use_site

from . import crypto
from .models import (
    COMMENT_MAX,
    ApiClient,
    Case,
    CaseAttachment,
    CaseEvent,
    CaseEventKind,
    CaseIntake,
    CaseKind,
    CaseStatus,
    Comment,
    InteractionSettings,
    Rating,
)
from .selectors import (
    case_by_idempotency_key,
    case_find,
    interaction_settings_get,
    reply_rules,
    transfer_targets,
)
from .signals import case_status_changed, comment_replied
from .tasks import notify_submitter

logger = logging.getLogger(__name__)

QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I
QUERY_CODE_LENGTH = 8


class CaseActionError(ValidationError):
    """A handling step that does not apply to the case as it is."""


@dataclass
class CaseInput:
    kind: str
    channel: str
    title: str
    content: str
    category: str = ""
    name: str = ""
    phone: str = ""
    email: str = ""
    id_number: str = ""
    allow_public: bool = False
    about_own_staff: bool = False
    attachments: list = field(default_factory=list)

    @classmethod
    def from_cleaned(cls, data: Mapping[str, Any], *, channel: str) -> CaseInput:
        """A letter from a validated form's ``cleaned_data`` (the public form's
        or the API's), sent through ``channel``; no attachments when the form
        has none."""
        return cls(
            kind=data["kind"],
            channel=channel,
            title=data["title"],
            content=data["content"],
            category=data["category"],
            name=data["name"],
            phone=data["phone"],
            email=data["email"],
            id_number=data["id_number"],
            allow_public=data["allow_public"],
            about_own_staff=data["about_own_staff"],
            attachments=list(data.get("attachments") or []),
        )


def _new_query_code() -> str:
    return "".join(
        secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH)
    )


def query_code_hash(tracking_number: str, code: str) -> str:
    return crypto.keyed_hash(f"{tracking_number}:{code.strip().upper()}")


TRACKING_RANDOM_DIGITS = 9


def luhn_check_digit(digits: str) -> str:
    """The Luhn check digit of ``digits``: one wrong digit, or two neighbours
    swapped, when a number is read out over the phone makes it invalid."""
    total = 0
    for position, ch in enumerate(reversed(digits)):
        value = int(ch)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def _tracking_number(site: GovSite, day: datetime.date) -> str:
    """Site code + year + 9 random digits + a check digit (24 digits, easy to read
    out over the phone). Random, so nobody learns other people's numbers from their
    own; numbers issued earlier (site code + date + sequence) stay valid. Whether
    it is free is answered by the insert of its ``CaseIntake`` row."""
    # The check digit covers what follows the site code (which may begin with
    # "bm", central departments' letters).
    body = (
        f"{day:%Y}"
        f"{secrets.randbelow(10**TRACKING_RANDOM_DIGITS):0{TRACKING_RANDOM_DIGITS}d}"
    )
    return site.code + body + luhn_check_digit(body)


# Tries at a free tracking number: one in 10**9 is taken per case filed this year.
TRACKING_NUMBER_TRIES = 10


def normalise_tracking_number(value: str) -> str:
    """A tracking number as typed: full-width digits, spaces and hyphens allowed."""
    value = unicodedata.normalize("NFKC", value or "")
    # Site codes of central departments begin with a lower-case "bm".
    return "".join(ch for ch in value if ch not in " -\t").lower()


def _event(case: Case, kind: str, *, actor=None, message: str = "", **extra):
    return CaseEvent.objects.create(
        site_id=case.site_id,
        case=case,
        kind=kind,
        actor=actor,
        message=message,
        **extra,
    )


def _notify(case: Case) -> None:
    if case.email:
        notify_submitter.enqueue(case.site_id, case.pk)
    case_status_changed.send(sender=Case, case=case)


class IdempotencyConflict(Exception):
    """The idempotency key was used already, for a submission with other content."""

    def __init__(self, case: Case):
        super().__init__(
            "This idempotency key was already used for a different submission."
        )
        self.case = case


def submission_digest(data: CaseInput) -> str:
    """A keyed hash of everything a submission says (attachments by name, size and
    content), to tell a repeated submission from another one under the same key."""
    parts: list = [
        data.kind,
        data.channel,
        data.title,
        data.content,
        data.category,
        data.name,
        data.phone,
        data.email,
        data.id_number,
        bool(data.allow_public),
        bool(data.about_own_staff),
    ]
    for upload in data.attachments:
        digest = hashlib.sha256()
        upload.seek(0)
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        parts.append([upload.name, upload.size, digest.hexdigest()])
    return crypto.keyed_hash(json.dumps(parts, ensure_ascii=False))


def _same_submission(existing: Case, digest: str) -> Case:
    """``existing`` if it was stored from the same submission (cases stored before
    digests were kept are taken as the same); otherwise IdempotencyConflict."""
    if existing.submission_digest and not hmac.compare_digest(
        existing.submission_digest, digest
    ):
        raise IdempotencyConflict(existing)
    return existing


def case_submit(
    *,
    site: GovSite,
    data: CaseInput,
    idempotency_key: str,
    user=None,
    api_client: ApiClient | None = None,
) -> tuple[Case, str | None]:
    """Store a case in one transaction; return it and its query code, or, when the
    idempotency key was used already for the same submission, the existing case
    and ``None``. The same key with other content raises IdempotencyConflict.

    A report about the site's own staff goes to the parent site's handlers.
    """
    handling_site = site
    if data.about_own_staff:
        if data.kind != CaseKind.REPORT:
            raise ValidationError(_("Only a report can be sent to the level above."))
        if site.parent_id is None:
            raise ValidationError(
                _("This site has no level above; file the report with the province.")
            )
        handling_site = site.parent
    digest = submission_digest(data)
    today = timezone.localdate()
    due_on = reply_rules(site=handling_site).due_on(today)
    code = _new_query_code()
    stored: list[str] = []  # attachment files written, removed if nothing commits
    try:
        # Without a savepoint of its own: in the caller's transaction (the public
        # form commits its rate counter and captcha mark with the case), a fault
        # here rolls back all of it.
        with transaction.atomic(savepoint=False):
            case = _case_store(
                site=site,
                handling_site=handling_site,
                data=data,
                idempotency_key=idempotency_key,
                digest=digest,
                code=code,
                today=today,
                due_on=due_on,
                user=user,
                api_client=api_client,
                stored=stored,
            )
    except BaseException:
        # No row points at this request's files: remove them.
        _attachment_files_delete(names=stored)
        raise
    if case is None:
        # The key was used already (a double click, a retry, or the same key sent
        # twice at once: the other request stored it and committed).
        existing = case_by_idempotency_key(site=site, key=idempotency_key)
        if existing is None:
            raise IntegrityError("idempotency key taken by no case")
        return _same_submission(existing, digest), None
    if data.email:
        # Robust: the case is stored; a mail that fails is logged, and the person
        # still gets the receipt.
        transaction.on_commit(
            lambda: _mail_query_code(case, code, data.email), robust=True
        )
    return case, code


def _intake_claim(*, site: GovSite, tracking_number: str, idempotency_key: str) -> str:
    """Insert the intake row of a case filed on ``site`` unless its number or key
    is taken (one statement, no error, so no savepoint is needed to go on): ""
    when inserted, else which was taken, "key" or "number". A request holding the
    same key uncommitted makes this wait for its commit (then "key") or its
    rollback (then inserted)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {CaseIntake._meta.db_table} "  # noqa: S608 - model's table
            "(site_id, tracking_number, idempotency_key) VALUES (%s, %s, %s) "
            "ON CONFLICT DO NOTHING RETURNING id",
            [site.pk, tracking_number, idempotency_key],
        )
        if cursor.fetchone() is not None:
            return ""
    with use_site(site):
        taken = CaseIntake.objects.filter(site=site, idempotency_key=idempotency_key)
        return "key" if taken.exists() else "number"


def _case_store(
    *,
    site: GovSite,
    handling_site: GovSite,
    data: CaseInput,
    idempotency_key: str,
    digest: str,
    code: str,
    today: datetime.date,
    due_on: datetime.date,
    user,
    api_client: ApiClient | None,
    stored: list[str],
) -> Case | None:
    """The intake row (a random tracking number, drawn again while taken), the
    case, its attachments (their files' names added to ``stored``) and its first
    event; None, having written nothing, when the idempotency key is taken."""
    for _attempt in range(TRACKING_NUMBER_TRIES):
        tracking_number = _tracking_number(site, today)
        taken = _intake_claim(
            site=site, tracking_number=tracking_number, idempotency_key=idempotency_key
        )
        if taken == "key":
            return None
        if not taken:
            break
    else:  # pragma: no cover - one number in 10**9 is taken per case this year
        raise IntegrityError("no free tracking number")
    with use_site(handling_site):
        case = Case.objects.create(
            site=handling_site,
            intake_site=site,
            tracking_number=tracking_number,
            query_code_hash=query_code_hash(tracking_number, code),
            idempotency_key=idempotency_key,
            submission_digest=digest,
            kind=data.kind,
            channel=data.channel,
            about_own_staff=data.about_own_staff,
            title=data.title,
            content=data.content,
            category=data.category,
            name=data.name,
            phone=data.phone,
            email=data.email,
            id_number=data.id_number,
            allow_public=data.allow_public,
            user=user if user is not None and user.is_authenticated else None,
            api_client=api_client,
            due_on=due_on,
        )
        for upload in data.attachments:
            upload.seek(0)
            attachment = CaseAttachment(
                site=handling_site,
                case=case,
                original_name=upload.name[:200],
                # From the checked contents, never the browser's word.
                content_type=content_type_of(upload),
                size=upload.size,
            )
            attachment.file.save(upload.name, upload, save=False)
            stored.append(attachment.file.name)
            attachment.save()
        _event(case, CaseEventKind.SUBMITTED)
    return case


def _attachment_files_delete(*, names: list[str]) -> None:
    storage = CaseAttachment._meta.get_field("file").storage
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.exception("attachment file not deleted", extra={"file": name})


def _mail_query_code(case: Case, code: str, address: str) -> None:
    """The tracking number and query code, once, to the address given (after the
    case is committed; a mail server that is down does not undo the case)."""

    with override("zh-hans"):
        subject = _("Your case %(number)s has been received") % {
            "number": case.tracking_number
        }
        body = _(
            "Tracking number: %(number)s\nQuery code: %(code)s\n"
            "Look up your case at http://%(host)s/interaction/cases/lookup/"
        ) % {
            "number": case.tracking_number,
            "code": code,
            "host": case.intake_site.public_netloc,
        }
    try:
        send_mail(subject, body, None, [address])
    except Exception:
        # Never the reason a stored letter shows an error: the receipt shows the
        # code anyway.
        logger.exception("query code mail failed", extra={"case_id": case.pk})


class LookupRefused(Exception):
    """Wrong tracking number or query code, or too many wrong tries."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


LOOKUP_LOCK = datetime.timedelta(minutes=30)


def _lookup_keys(site: GovSite, tracking_number: str, client: str) -> tuple[str, str]:
    """Cache keys of the wrong tries and of the lock of one number from one client
    (hashed: neither the number nor the address is kept as such)."""
    digest = hashlib.sha256(
        f"{site.pk}:{tracking_number}:{client}".encode()
    ).hexdigest()
    return f"lookup:tries:{digest}", f"lookup:lock:{digest}"


def _lookup_failed(site: GovSite, tracking_number: str, client: str) -> None:
    cache = caches["ratelimit"]
    tries_key, lock_key = _lookup_keys(site, tracking_number, client)
    seconds = int(LOOKUP_LOCK.total_seconds())
    if cache.add(tries_key, 1, seconds):
        tries = 1
    else:
        try:
            tries = cache.incr(tries_key)
        except ValueError:  # expired in between
            cache.set(tries_key, 1, seconds)
            tries = 1
    if tries >= settings.INTERACTION_LOOKUP_ATTEMPTS:
        until = timezone.now() + LOOKUP_LOCK
        cache.set(lock_key, int(until.timestamp()), seconds)
        cache.delete(tries_key)


def case_lookup(
    *, site: GovSite, tracking_number: str, query_code: str, client: str
) -> Case:
    """The case filed on ``site`` with this number, if ``query_code`` is right.

    Wrong tries are counted per tracking number *and* client (its IP address, or
    the API client): after ``INTERACTION_LOOKUP_ATTEMPTS`` in a row that client
    cannot look the number up for 30 minutes, while the submitter, elsewhere,
    still can. Unknown numbers are counted and locked the same way, so the answer
    (wrong, or locked) never tells whether a number exists.
    """
    number = normalise_tracking_number(tracking_number)
    _tries_key, lock_key = _lookup_keys(site, number, client)
    locked_until = caches["ratelimit"].get(lock_key)
    if locked_until:
        until = datetime.datetime.fromtimestamp(locked_until, tz=datetime.UTC)
        raise LookupRefused(
            _(
                "Too many wrong tries for this tracking number: try again after "
                "%(time)s."
            )
            % {"time": timezone.localtime(until).strftime("%H:%M")}
        )
    case = case_find(site=site, tracking_number=number) if number else None
    given = query_code_hash(number, query_code)
    # The same work whether or not the number exists.
    expected = case.query_code_hash if case is not None else query_code_hash("", "")
    if case is None or not hmac.compare_digest(expected, given):
        _lookup_failed(site, number, client)
        raise LookupRefused(_("The tracking number or the query code is not right."))
    caches["ratelimit"].delete(_tries_key)
    return case


# Handling (check, then execute, as Wagtail's actions do)


def _locked(case: Case, site: GovSite) -> Case:
    """The case's row as it is now, locked until the transaction ends, so that two
    steps at once (or a double POST) are checked one after the other."""
    if case.site_id != site.pk:
        raise PermissionDenied
    with use_site(site):
        fresh = Case.objects.select_for_update().filter(pk=case.pk).first()
    if fresh is None:  # it was moved to another site meanwhile
        raise PermissionDenied
    return fresh


def _sync(case: Case, fresh: Case) -> Case:
    """Give the caller's object the values just saved."""
    for model_field in Case._meta.concrete_fields:
        setattr(case, model_field.attname, getattr(fresh, model_field.attname))
    return case


def _require(case: Case, site: GovSite, statuses, message: str) -> Case:
    """The locked, current copy of ``case``, if it is in one of ``statuses``."""
    fresh = _locked(case, site)
    if fresh.status not in statuses:
        raise CaseActionError(message)
    return fresh


@transaction.atomic
def case_accept(*, site: GovSite, case: Case, user) -> Case:
    fresh = _require(
        case, site, {CaseStatus.SUBMITTED}, _("Only a new case can be accepted.")
    )
    with use_site(site):
        fresh.status = CaseStatus.ACCEPTED
        fresh.save(update_fields=["status"])
        _event(fresh, CaseEventKind.ACCEPTED, actor=user)
        _notify(fresh)
    return _sync(case, fresh)


@transaction.atomic
def case_decline(*, site: GovSite, case: Case, user, reason: str) -> Case:
    fresh = _require(
        case, site, {CaseStatus.SUBMITTED}, _("Only a new case can be declined.")
    )
    if not reason.strip():
        raise CaseActionError(_("Give the reason for declining."))
    with use_site(site):
        fresh.status = CaseStatus.DECLINED
        fresh.reply = reason
        fresh.closed_at = timezone.now()
        fresh.save(update_fields=["status", "reply", "closed_at"])
        _event(fresh, CaseEventKind.DECLINED, actor=user, message=reason)
        _notify(fresh)
    return _sync(case, fresh)


@transaction.atomic
def case_transfer(
    *, site: GovSite, case: Case, user, to_site: GovSite, message: str
) -> Case:
    """Move the case, its history and attachments to ``to_site`` (a site up or down
    the hierarchy, or a department site of a level above): from now on only
    ``to_site``'s staff see and handle it. The case keeps its id (admin links stay
    the same); the submitter still looks it up on the site it was filed on."""
    case = _require(
        case,
        site,
        {CaseStatus.SUBMITTED, CaseStatus.ACCEPTED},
        _("A replied or closed case cannot be transferred."),
    )
    if case.about_own_staff and (
        to_site.pk == case.intake_site_id
        or to_site.tree_path.startswith(case.intake_site.tree_path)
    ):
        # The reported site and its department sites below it never see it.
        raise CaseActionError(
            _(
                "A report about a site's staff cannot be sent to that site or to "
                "any site below it."
            )
        )
    if not transfer_targets(site=site, case=case).filter(pk=to_site.pk).exists():
        raise CaseActionError(_("A case can only go up or down its site's hierarchy."))
    rules = reply_rules(site=to_site)
    with use_site(site):
        _event(
            case,
            CaseEventKind.TRANSFERRED,
            actor=user,
            message=message,
            from_site=site,
            to_site=to_site,
        )
    case.status = CaseStatus.SUBMITTED
    case.due_on = rules.due_on(timezone.localdate())
    case = _case_move(case, from_site=site, to_site=to_site)
    with use_site(to_site):
        _notify(case)
    return case


def _copy_to(row, site: GovSite):
    """An unsaved copy of ``row`` (same id, same values) in ``site``."""
    values = {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}
    values["site_id"] = site.pk
    return type(row)(**values)


def _case_move(case: Case, *, from_site: GovSite, to_site: GovSite) -> Case:
    """Move ``case`` (with the values it holds now), its events and attachments
    from ``from_site`` to ``to_site`` by copy: delete the rows in the old site,
    insert them with the same ids in the new one, in the caller's transaction.

    No row's tenant column is ever updated: Citus, which distributes site-owned
    tables by ``site_id`` (README, "At scale"), refuses that, and moving a row to
    another shard is a delete and an insert there. A ``handling_site`` column
    (the case staying in the site it was filed on) was the other way; it was not
    taken because the tenant column would then no longer say who may see the row:
    every query of cases would have to filter by the handling site instead, a
    query scoped by the current site alone (``use_site(county)``) would show the
    county a report about its own staff, and a handling site's lists would fan
    out to every shard. A case has a handful of rows and is transferred rarely.
    Attachment files stay where they are (their names are only names)."""
    with use_site(from_site):
        events = list(CaseEvent.objects.filter(case_id=case.pk).order_by("pk"))
        attachments = list(CaseAttachment.objects.filter(case_id=case.pk))
        CaseEvent.objects.filter(case_id=case.pk).delete()
        CaseAttachment.objects.filter(case_id=case.pk).delete()
        Case.objects.filter(pk=case.pk).delete()
    with use_site(to_site):
        Case.objects.bulk_create([_copy_to(case, to_site)])
        CaseEvent.objects.bulk_create([_copy_to(event, to_site) for event in events])
        CaseAttachment.objects.bulk_create(
            [_copy_to(attachment, to_site) for attachment in attachments]
        )
        # bulk_create stamps auto_now_add fields with the time of the move: the
        # copies get back the times they had.
        Case.objects.filter(pk=case.pk).update(submitted_at=case.submitted_at)
        if events:
            CaseEvent.objects.filter(case_id=case.pk).update(
                created_at=SqlCase(
                    *(
                        When(pk=event.pk, then=Value(event.created_at))
                        for event in events
                    ),
                    output_field=DateTimeField(),
                )
            )
        return Case.objects.get(pk=case.pk)


@transaction.atomic
def case_reply(*, site: GovSite, case: Case, user, reply: str) -> Case:
    fresh = _require(
        case,
        site,
        {CaseStatus.ACCEPTED},
        _("Accept the case before replying to it."),
    )
    if not reply.strip():
        raise CaseActionError(_("The reply is empty."))
    with use_site(site):
        fresh.status = CaseStatus.REPLIED
        fresh.reply = reply
        fresh.replied_at = timezone.now()
        fresh.save(update_fields=["status", "reply", "replied_at"])
        _event(fresh, CaseEventKind.REPLIED, actor=user, message=reply)
        _notify(fresh)
    return _sync(case, fresh)


@transaction.atomic
def case_close(*, site: GovSite, case: Case, user) -> Case:
    fresh = _require(
        case, site, {CaseStatus.REPLIED}, _("Only a replied case can be closed.")
    )
    with use_site(site):
        fresh.status = CaseStatus.CLOSED
        fresh.closed_at = timezone.now()
        fresh.save(update_fields=["status", "closed_at"])
        _event(fresh, CaseEventKind.CLOSED, actor=user)
        _notify(fresh)
    return _sync(case, fresh)


@transaction.atomic
def case_note(*, site: GovSite, case: Case, user, message: str) -> CaseEvent:
    case = _locked(case, site)
    if not message.strip():
        raise CaseActionError(_("The note is empty."))
    with use_site(site):
        return _event(case, CaseEventKind.NOTE, actor=user, message=message)


def case_personal_data_view(*, site: GovSite, case: Case, user) -> dict[str, str]:
    """The unmasked personal data, with an entry in the platform's audit log
    (core.audit) of who saw it, when and from where; the case's own steps keep
    its handling only."""
    if case.site_id != site.pk:
        raise PermissionDenied
    audit_record(
        action=AuditAction.PERSONAL_DATA_VIEWED, actor=user, site=site, obj=case
    )
    return {
        "name": case.name,
        "phone": case.phone,
        "email": case.email,
        "id_number": case.id_number,
    }


@transaction.atomic
def case_rate(*, case: Case, rating: str, comment: str = "") -> Case:
    """The submitter rates the reply; a dissatisfied rating reopens the case once."""
    if rating not in Rating.values:
        raise CaseActionError(_("Choose one of the ratings."))
    site = GovSite.objects.get(pk=case.site_id)
    try:
        caller, case = case, _locked(case, site)
    except PermissionDenied:  # transferred meanwhile: not replied any more
        raise CaseActionError(_("This case cannot be rated now.")) from None
    if case.status not in (CaseStatus.REPLIED, CaseStatus.CLOSED) or case.rating:
        raise CaseActionError(_("This case cannot be rated now."))
    with use_site(site):
        case.rating = rating
        case.rating_comment = comment
        case.rated_at = timezone.now()
        fields = ["rating", "rating_comment", "rated_at"]
        _event(case, CaseEventKind.RATED, message=f"{rating}: {comment}".strip(": "))
        if rating == Rating.DISSATISFIED and case.reopened_count == 0:
            rules = reply_rules(site=site)
            case.status = CaseStatus.ACCEPTED
            case.reopened_count = 1
            # A reopened case can be rated again once it is answered again.
            case.rating = ""
            case.due_on = rules.due_on(timezone.localdate())
            case.closed_at = None
            fields += ["status", "reopened_count", "due_on", "closed_at"]
            _event(case, CaseEventKind.REOPENED, message=comment)
        case.save(update_fields=fields)
        _notify(case)
    return _sync(caller, case)


ANONYMISED_NAME = "（已匿名）"


def case_anonymise(*, site: GovSite, case: Case) -> None:
    """Blank the case's personal data and delete its attachments (rows now, files
    once the transaction has committed)."""
    with transaction.atomic(), use_site(site):
        Case.objects.filter(pk=case.pk).update(
            name=ANONYMISED_NAME if case.name else "",
            phone="",
            email="",
            id_number="",
            anonymised_at=timezone.now(),
        )
        attachments = CaseAttachment.objects.filter(case_id=case.pk)
        names = [name for name in attachments.values_list("file", flat=True) if name]
        attachments.delete()
        _event(case, CaseEventKind.ANONYMISED)
        storage = CaseAttachment._meta.get_field("file").storage
        transaction.on_commit(lambda: _delete_files(storage, names))


def case_link_user(*, case: Case, user) -> bool:
    """Link a case filed without an account to ``user`` (a person claiming their
    letter with its tracking number and query code); False if it belongs to an
    account already (the same account included: nothing changes)."""
    with use_site(case.site):
        return bool(
            Case.objects.filter(pk=case.pk, user__isnull=True).update(user=user)
        )


def person_data_anonymise(*, user) -> int:
    """A person deleting their account: their cases are anonymised (kept, never
    lost, for the sites that handle them) and their comments lose name and
    contact; nothing stays linked to the account. Returns how many cases."""
    cases = list(rows_of_person(Case, user=user).select_related("site"))
    for case in cases:
        case_anonymise(site=case.site, case=case)
        with use_site(case.site):
            Case.objects.filter(pk=case.pk).update(user=None)
    comments = list(rows_of_person(Comment, user=user).select_related("site"))
    for comment in comments:
        with use_site(comment.site):
            Comment.objects.filter(pk=comment.pk).update(
                name=ANONYMISED_NAME if comment.name else "", contact="", user=None
            )
    return len(cases)


def _delete_files(storage, names) -> None:
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.exception("attachment file not deleted", extra={"file": name})


def cases_anonymise_expired(
    *, site: GovSite, today: datetime.date | None = None
) -> int:
    """Anonymise the personal data of ``site``'s cases closed (or declined) longer
    ago than the site's retention period, and of cases replied to that long ago
    and never closed; also blank the contacts of comments on ``site``'s
    consultations closed that long ago. Returns how many cases were anonymised."""
    rules = reply_rules(site=site)
    cutoff = timezone.now() - datetime.timedelta(days=rules.retention_days)
    count = 0
    with use_site(site):
        expired = list(
            Case.objects.filter(
                Q(
                    status__in=(CaseStatus.CLOSED, CaseStatus.DECLINED),
                    closed_at__lt=cutoff,
                )
                | Q(status=CaseStatus.REPLIED, replied_at__lt=cutoff),
                anonymised_at__isnull=True,
            )
        )
    for case in expired:
        case_anonymise(site=site, case=case)
        count += 1
    comments_anonymise_expired(site=site, today=today)
    return count


def comments_anonymise_expired(
    *, site: GovSite, today: datetime.date | None = None
) -> int:
    """Blank the contact of comments on ``site``'s consultations that closed longer
    ago than the site's retention period (the comment text and the name it was
    published under stay). Returns how many comments were changed."""
    rules = reply_rules(site=site)
    today = today or timezone.localdate()
    last_kept = today - datetime.timedelta(days=rules.retention_days)
    with transaction.atomic(), use_site(site):
        return (
            Comment.objects.filter(consultation__ends_on__lt=last_kept)
            .exclude(contact="")
            .update(contact="")
        )


# Comments on consultations


class CommentRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class CommentConflict(Exception):
    """The idempotency key was used already, for a comment with other content."""


def _same_comment(existing: Comment, name: str, contact: str, text: str) -> Comment:
    if (existing.name, existing.contact, existing.text) != (name, contact, text):
        raise CommentConflict
    return existing


def comment_submit(
    *,
    site: GovSite,
    consultation,
    name: str,
    contact: str,
    text: str,
    idempotency_key: str,
    user=None,
) -> tuple[Comment, bool]:
    """Store a comment while the consultation is open; (comment, created). The
    same idempotency key with other content raises CommentConflict."""

    state = consultation.state
    if state == ConsultationState.UPCOMING:
        raise CommentRefused(
            _("This consultation opens on %(date)s; comments are not accepted yet.")
            % {"date": consultation.starts_on.isoformat()}
        )
    if state != ConsultationState.OPEN:
        raise CommentRefused(
            _("This consultation closed on %(date)s; comments are no longer accepted.")
            % {"date": consultation.ends_on.isoformat()}
        )
    if consultation.requires_identity and not (name.strip() and contact.strip()):
        raise CommentRefused(_("This consultation asks for your name and contact."))
    with use_site(site):
        existing = Comment.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return _same_comment(existing, name, contact, text), False
        try:
            with transaction.atomic():
                comment = Comment.objects.create(
                    site=site,
                    consultation=consultation,
                    idempotency_key=idempotency_key,
                    name=name,
                    contact=contact,
                    text=text,
                    user=user if user is not None and user.is_authenticated else None,
                )
                _consultation_page_changed(site=site, consultation_id=consultation.pk)
        except IntegrityError:
            existing = Comment.objects.get(idempotency_key=idempotency_key)
            return _same_comment(existing, name, contact, text), False
    return comment, True


def _consultation_page_changed(*, site: GovSite, consultation_id: int) -> None:
    """The consultation's page shows its comments (their count, the adoption
    summary, the texts and replies where it says so): its static file and cached
    copies are written again (``sites.signals.public_pages_changed``, which static
    publishing records in the caller's transaction). The lists that show the
    consultation do not show its comments."""
    public_pages_changed_send(
        sender=Comment, site_id=site.pk, page_ids=[consultation_id], lists=False
    )


def comment_hide(*, site: GovSite, comment: Comment, hidden: bool) -> Comment:
    """Hide a comment as spam, or show it again: the consultation's page counts
    and shows only the visible ones."""
    if comment.site_id != site.pk:
        raise PermissionDenied
    with transaction.atomic(), use_site(site):
        changed = (
            Comment.objects.filter(pk=comment.pk)
            .exclude(hidden=hidden)
            .update(hidden=hidden)
        )
        if changed:
            _consultation_page_changed(
                site=site, consultation_id=comment.consultation_id
            )
    comment.hidden = hidden
    return comment


def comment_adopt(
    *, site: GovSite, comment: Comment, adoption: str, reason: str
) -> Comment:
    """Tag a comment adopted, partly adopted or not adopted: the consultation's
    page shows the summary of its visible comments' tags (and each tag by the
    comment's text, where it shows the texts)."""
    if comment.site_id != site.pk:
        raise PermissionDenied
    with transaction.atomic(), use_site(site):
        shown = (
            Comment.objects.filter(pk=comment.pk, hidden=False)
            .exclude(adoption=adoption)
            .exists()
        )
        Comment.objects.filter(pk=comment.pk).update(
            adoption=adoption, adoption_reason=reason
        )
        if shown:
            _consultation_page_changed(
                site=site, consultation_id=comment.consultation_id
            )
    comment.adoption, comment.adoption_reason = adoption, reason
    return comment


def comment_reply(*, site: GovSite, comment: Comment, text: str, user) -> Comment:
    """The site's official reply to a public comment: saved on the comment (shown
    under it on the public page and in its author's 「我的留言」), and
    ``comment_replied`` sent in the same transaction (the signed-in author gets an
    in-site notice). The same text again changes nothing; a hidden comment (spam)
    gets no reply."""
    if comment.site_id != site.pk:
        raise PermissionDenied
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write the reply."))
    if len(text) > COMMENT_MAX:
        raise ValidationError(
            _("A reply has at most %(max)s characters.") % {"max": COMMENT_MAX}
        )
    with transaction.atomic(), use_site(site):
        locked = (
            Comment.objects.select_for_update()
            .select_related("consultation")
            .get(pk=comment.pk)
        )
        if locked.hidden:
            raise ValidationError(_("Show the comment again before replying to it."))
        if locked.reply == text:
            return locked
        locked.reply = text
        locked.replied_at = timezone.now()
        locked.replied_by = user if user is not None and user.is_authenticated else None
        locked.save(update_fields=["reply", "replied_at", "replied_by"])
        if locked.consultation.show_comment_texts:
            # The consultation's page shows the reply: written again (static tree).
            _consultation_page_changed(
                site=site, consultation_id=locked.consultation_id
            )
        comment_replied.send(sender=Comment, comment=locked)
    return locked


# API clients and settings


def api_client_create(*, site: GovSite, name: str) -> tuple[ApiClient, str]:
    """A new API client of ``site`` and its key, which is shown only now."""
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationError(_("Give the client a name of at most 100 characters."))
    prefix = secrets.token_hex(4)
    key = f"gov_{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic(), use_site(site):
        client = ApiClient.objects.create(
            site=site, name=name, key_prefix=prefix, key_hash=crypto.api_key_hash(key)
        )
        audit_record(
            action=AuditAction.API_CLIENT_CHANGED,
            site=site,
            obj=client,
            detail={"change": "created", "key_prefix": prefix},
        )
    return client, key


def api_client_deactivate(*, site: GovSite, client: ApiClient) -> None:
    with transaction.atomic(), use_site(site):
        ApiClient.objects.filter(pk=client.pk).update(active=False)
        audit_record(
            action=AuditAction.API_CLIENT_CHANGED,
            site=site,
            obj=client,
            detail={"change": "deactivated", "key_prefix": client.key_prefix},
        )


def interaction_settings_update(*, site: GovSite, **values) -> InteractionSettings:
    with transaction.atomic(), use_site(site):
        rules = interaction_settings_get(site=site)
        for name, value in values.items():
            setattr(rules, name, value)
        rules.save()
        audit_record(
            action=AuditAction.SETTINGS_CHANGED,
            site=site,
            obj=rules,
            detail={"fields": sorted(values)},
        )
    return rules
