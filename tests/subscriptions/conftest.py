"""Helpers of the subscription tests: subscribing as the public would, reading
the links out of the mail, running the queue as the worker would."""

import re

import pytest
from django.core import mail
from django.test import Client

from tests.factories import column
from tests.interaction.helpers import form_fields
from tests.tasks import run_queued_tasks

LINK = re.compile(r"https?://[^/\s]+(/subscriptions/[a-z/]+/\?t=[^\s]+)")


@pytest.fixture(autouse=True)
def _generous_rate(settings):
    settings.SUBSCRIPTIONS_SUBSCRIBE_RATE = "1000/h"


@pytest.fixture
def tzgg(county):
    return column(county, "tzgg")


def public_client(site) -> Client:
    return Client(HTTP_HOST=site.host, enforce_csrf_checks=True)


def subscribe(client, **data):
    """POST the subscribe form (with its CSRF token and the check question
    solved) and return the answer."""
    fields = form_fields(client.get("/subscriptions/").content.decode())
    values = {"frequency": "instant", **data}
    return client.post("/subscriptions/", {**fields, **values})


def links(message, path: str) -> list[str]:
    return [m for m in LINK.findall(message.body) if m.startswith(path)]


def mails_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


def run():
    """Run the queue until it is empty (tasks queue further tasks). Static
    publishing's tasks stay queued: the first writes every public page of each
    site the test restored (their launch queued it); no subscription waits on it
    (tests/delivery test it)."""
    total = 0
    while ran := run_queued_tasks(skip=("delivery.",)):
        total += ran
    return total
