import json
import logging

import pytest
from django.test import Client

from config.settings.base import LOGGING


@pytest.mark.django_db
def test_every_request_logs_one_structured_line(caplog, site):
    with caplog.at_level(logging.INFO, logger="cms.requests"):
        Client(HTTP_HOST=site.host).get("/no-such-page/")
    records = [r for r in caplog.records if r.name == "cms.requests"]
    assert len(records) == 1
    record = records[0]
    assert (record.host, record.path, record.status) == (
        site.host,
        "/no-such-page/",
        404,
    )
    assert record.duration_ms >= 0


def test_log_lines_are_json_with_the_request_fields():
    from pythonjsonlogger.json import JsonFormatter

    options = dict(LOGGING["formatters"]["json"])
    options.pop("()")
    formatter = JsonFormatter(**options)
    record = logging.LogRecord(
        "cms.requests", logging.INFO, __file__, 1, "request", None, None
    )
    record.host, record.path, record.status, record.duration_ms = (
        "a.localhost",
        "/",
        200,
        1.5,
    )
    line = json.loads(formatter.format(record))
    assert line["level"] == "INFO"
    assert (line["host"], line["path"], line["status"], line["duration_ms"]) == (
        "a.localhost",
        "/",
        200,
        1.5,
    )
