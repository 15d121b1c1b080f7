"""The cases API (mounted at /api/v1/cases): other platforms (the 12345 and 8890
hotlines) hand cases in and look up their status, on a site's own host, with a
per-client key in ``X-API-Key``. Same validation, rate limits and idempotency as
the public form; no captcha."""

from __future__ import annotations

import datetime
import hashlib
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited
from ninja import Field, Header, Router, Schema, Status
from ninja.security import APIKeyHeader

from sites.tenancy import use_site

from . import selectors, services
from .forms import CaseFieldsForm
from .models import PUBLIC_EVENT_KINDS, CaseChannel, CaseKind, CaseStatus


class ApiKey(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None):
        site = getattr(request, "govsite", None)
        if site is None or not key:
            return None
        client = selectors.api_client_for_key(site=site, key=key)
        if client is not None:
            request.api_client = client
        return client


router = Router(tags=["cases"], auth=ApiKey())


class CaseIn(Schema):
    kind: CaseKind
    title: str = Field(max_length=100_000)
    content: str = Field(max_length=100_000)
    category: str = ""
    name: str = ""
    phone: str = ""
    email: str = ""
    id_number: str = ""
    allow_public: bool = False
    about_own_staff: bool = False


class CaseReceipt(Schema):
    tracking_number: str
    query_code: str | None = Field(
        None, description="Shown once, on the first answer for an idempotency key."
    )
    status: CaseStatus
    created: bool


class CaseEventOut(Schema):
    kind: str
    at: datetime.datetime


class CaseStatusOut(Schema):
    tracking_number: str
    kind: CaseKind
    status: CaseStatus
    handled_by: str
    submitted_at: datetime.datetime
    due_on: datetime.date | None
    reply: str
    rating: str
    events: list[CaseEventOut]


class Problem(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


def _client_key(group, request):
    return f"client:{request.api_client.pk}"


def _limited(request, group: str, rate: str) -> bool:
    return is_ratelimited(
        request, group=group, key=_client_key, rate=rate, method=ALL, increment=True
    )


_IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9\-_:.]{8,64}")


def stored_idempotency_key(client, key: str) -> str:
    """The form a client's ``Idempotency-Key`` is stored and looked up in: fixed
    length, fits ``Case.idempotency_key`` (64) whatever the key's length, and
    never equal to a key of the public form (a UUID)."""
    prefix = f"api:{client.pk}:"
    digest = hashlib.sha256(key.encode()).hexdigest()
    return (prefix + digest)[:64]


@router.post(
    "",
    response={
        200: CaseReceipt,
        201: CaseReceipt,
        400: Problem,
        409: Problem,
        429: Problem,
    },
    summary="Submit a case",
)
def case_create(
    request,
    payload: CaseIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key"),
):
    """Store a case; a repeated ``Idempotency-Key`` with the same content returns
    the case stored first (200, without the query code) instead of storing it
    twice; the same key with different content is refused (409)."""
    if not _IDEMPOTENCY_KEY.fullmatch(idempotency_key):
        return Status(
            400, {"detail": "Idempotency-Key must be 8-64 letters, digits or -_:."}
        )
    if _limited(request, "interaction.api_submit", settings.INTERACTION_API_RATE):
        return Status(429, {"detail": "Too many requests for this client; slow down."})
    form = CaseFieldsForm(data=payload.dict())
    if not form.is_valid():
        return Status(
            400,
            {
                "detail": "The case is not valid.",
                "errors": {k: [str(e) for e in v] for k, v in form.errors.items()},
            },
        )
    data = form.cleaned_data
    site = request.govsite
    client = request.api_client
    try:
        case, code = services.case_submit(
            site=site,
            data=services.CaseInput.from_cleaned(data, channel=CaseChannel.API),
            idempotency_key=stored_idempotency_key(client, idempotency_key),
            api_client=client,
        )
    except services.IdempotencyConflict:
        return Status(
            409,
            {
                "detail": "This Idempotency-Key was already used for a case with "
                "different content; send a new case with a new key."
            },
        )
    except ValidationError as error:
        return Status(400, {"detail": " ".join(error.messages)})
    receipt = {
        "tracking_number": case.tracking_number,
        "query_code": code,
        "status": case.status,
        "created": code is not None,
    }
    return Status(201 if code is not None else 200, receipt)


@router.get(
    "/{tracking_number}",
    response={200: CaseStatusOut, 404: Problem, 429: Problem},
    summary="Look up a case's status",
)
def case_status(
    request,
    tracking_number: str,
    query_code: str = Header(..., alias="X-Query-Code"),
):
    """The status of a case filed on this host's site; the query code goes in the
    ``X-Query-Code`` header (never in the URL). Wrong codes count towards this
    client's attempt limit for the number; an unknown number, a wrong code and a
    locked number answer the same."""
    if _limited(request, "interaction.api_lookup", settings.INTERACTION_API_RATE):
        return Status(429, {"detail": "Too many requests for this client; slow down."})
    try:
        case = services.case_lookup(
            site=request.govsite,
            tracking_number=tracking_number,
            query_code=query_code,
            client=f"api:{request.api_client.pk}",
        )
    except services.LookupRefused as refused:
        return Status(404, {"detail": str(refused.message)})

    with use_site(case.site):
        events = [
            {"kind": e.kind, "at": e.created_at}
            for e in case.events.all()
            if e.kind in PUBLIC_EVENT_KINDS
        ]
    return Status(
        200,
        {
            "tracking_number": case.tracking_number,
            "kind": case.kind,
            "status": case.status,
            "handled_by": case.site.name,
            "submitted_at": case.submitted_at,
            "due_on": case.due_on,
            "reply": case.reply,
            "rating": case.rating,
            "events": events,
        },
    )
