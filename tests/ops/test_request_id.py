"""Request ids: each answer names its request, and every log line written while
it is served carries the same id."""

import json
import logging
import re

import pytest
from django.test import Client

from ops.middleware import RequestIdFilter, request_id

pytestmark = pytest.mark.django_db


def test_each_request_gets_an_id_in_the_header_and_the_log_line(caplog):
    with caplog.at_level(logging.INFO, logger="cms.requests"):
        first = Client().get("/healthz")
        second = Client().get("/healthz")
    ids = [first["X-Request-ID"], second["X-Request-ID"]]
    assert all(re.fullmatch(r"[0-9a-f]{32}", value) for value in ids)
    assert ids[0] != ids[1]
    logged = [r.request_id for r in caplog.records if r.getMessage() == "request"]
    assert logged == ids


def test_an_id_from_the_proxy_is_kept_a_hostile_one_replaced():
    kept = Client().get("/healthz", HTTP_X_REQUEST_ID="edge-1234abcd")
    assert kept["X-Request-ID"] == "edge-1234abcd"
    replaced = Client().get("/healthz", HTTP_X_REQUEST_ID='x"\n{"level": "fake"}')
    assert re.fullmatch(r"[0-9a-f]{32}", replaced["X-Request-ID"])


def test_other_lines_during_the_request_carry_the_id():
    record = logging.LogRecord("cms", logging.INFO, __file__, 1, "x", (), None)
    token = request_id.set("abc12345")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id.reset(token)
    assert record.request_id == "abc12345"
    outside = logging.LogRecord("cms", logging.INFO, __file__, 1, "x", (), None)
    RequestIdFilter().filter(outside)
    assert outside.request_id == ""
    assert json.dumps({"request_id": outside.request_id})
