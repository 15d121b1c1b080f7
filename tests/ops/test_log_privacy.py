"""Log lines never hold query strings, e-mail addresses, phone or ID numbers typed
by the public (issue 12): the request log, Django's error log with its traceback,
and gunicorn's lines all go through core.privacy's filter."""

import io
import json
import logging

import pytest
from django.test import Client

from config.settings.base import LOGGING
from core.privacy import LogPrivacyFilter, mask_personal_data, mask_search_query

PERSONAL = {
    "q": "张三 13812345678 zhang.san@example.org",
    "phone": "024 2345 6789",
    "id": "210102199001011234",
    "wide": "１３９．１２３４．５６７８",
}
SECRETS = [
    "13812345678",
    "zhang.san@example.org",
    "zhang.san%40example.org",
    "2345 6789",
    "2345+6789",
    "210102199001011234",
    "１２３４",
    "q=",
]


@pytest.fixture
def log_lines():
    """The JSON lines the configured handlers write, as dicts."""
    handlers = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, LogPrivacyFilter) for f in h.filters)
    ]
    assert handlers, "no root handler has the privacy filter"
    stream = io.StringIO()
    old = [h.setStream(stream) for h in handlers]
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        for handler, previous in zip(handlers, old, strict=True):
            handler.setStream(previous)


def _assert_clean(lines):
    text = json.dumps(lines, ensure_ascii=False)
    for secret in SECRETS:
        assert secret not in text


def test_every_handler_of_the_settings_has_the_privacy_filter():
    for handler in LOGGING["handlers"].values():
        assert "privacy" in handler["filters"]
    assert LOGGING["filters"]["privacy"]["()"] == "core.privacy.LogPrivacyFilter"
    # Django's own handlers (mail_admins sends the whole request) are dropped.
    assert LOGGING["loggers"]["django"]["handlers"] == []
    assert not logging.getLogger("django").handlers


@pytest.mark.django_db
@pytest.mark.urls("tests.ops.log_urls")
def test_a_server_error_logs_no_query_string_or_personal_data(log_lines):
    client = Client(HTTP_HOST="localhost", raise_request_exception=False)
    response = client.get("/fail/", PERSONAL)
    assert response.status_code == 500

    lines = log_lines()
    by_logger = {line["name"]: line for line in lines}
    error = by_logger["django.request"]
    assert error["message"] == "Internal Server Error: /fail/"
    assert error["request"] == "GET /fail/"
    assert "ValueError: cannot read '张三 * *'" in error["exc_info"]
    assert by_logger["cms.requests"]["status"] == 500
    _assert_clean(lines)


@pytest.mark.django_db
def test_a_good_request_logs_its_path_without_personal_data(site, log_lines):
    client = Client(HTTP_HOST=site.host)
    assert client.get("/search/", PERSONAL).status_code == 200
    # A path can carry the data too (a mistyped address): masked in the line.
    assert client.get("/13812345678/zhang.san@example.org/").status_code == 404

    lines = [line for line in log_lines() if line["name"] == "cms.requests"]
    assert [(line["path"], line["status"]) for line in lines] == [
        ("/search/", 200),
        ("/*/*/", 404),
    ]
    _assert_clean(lines)


def test_the_filter_masks_messages_arguments_extras_and_tracebacks():
    logger = logging.getLogger("tests.privacy")
    record = logger.makeRecord(
        "tests.privacy",
        logging.ERROR,
        __file__,
        1,
        "lookup %s failed for %s",
        ("GET /api/v1/cases?code=1&phone=13812345678", "a@b.cn"),
        None,
        extra={"host": "a.localhost", "detail": "call 138-1234-5678"},
    )
    try:
        raise ValueError("invalid literal for int(): '210102199001011234'")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    assert LogPrivacyFilter().filter(record) is True
    assert record.getMessage() == "lookup GET /api/v1/cases?… failed for *"
    assert (record.host, record.detail) == ("a.localhost", "call *")
    assert record.exc_info is None
    assert "invalid literal for int(): '*'" in record.exc_text
    assert "210102199001011234" not in record.exc_text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("zhang.san@example.org", "*"),
        ("邮箱zhang＠example．org查询", "邮箱*查询"),
        ("13812345678", "*"),
        ("138.1234.5678", "*"),
        ("138-1234-5678", "*"),
        ("138 1234 5678", "*"),
        ("+86 138 1234 5678", "*"),
        ("１３８１２３４５６７８", "*"),
        ("电话024 2345 6789", "电话*"),
        ("(024)2345-6789", "*"),
        ("0411-87654321转", "*转"),
        ("210102199001011234", "*"),
        ("21010219900101123X号", "*号"),
        ("6222 0212 3456 7890", "*"),
        ("a%40b.cn", "*"),
        # Not personal data: kept.
        ("2024-01-05 通知", "2024-01-05 通知"),
        ("辽政办发〔2019〕12号", "辽政办发〔2019〕12号"),
        (
            "/news/tzgg/201905/t20190512_123.html",
            "/news/tzgg/201905/t20190512_123.html",
        ),
        ("192.168.10.20", "192.168.10.20"),
    ],
)
def test_personal_data_is_masked(text, masked):
    assert mask_personal_data(text) == masked


def test_search_statistics_also_mask_every_long_number():
    assert mask_search_query("QQ 123456789 群") == "QQ * 群"
    assert mask_search_query("2024年 预算") == "2024年 预算"


def test_the_filter_keeps_arguments_that_hold_nothing_to_mask():
    # Log capture (and other handlers) see the same record: numbers stay numbers.
    record = logging.LogRecord(
        "tests.privacy", logging.WARNING, __file__, 1, "%d days in %s", (3, 2026), None
    )
    LogPrivacyFilter().filter(record)
    assert record.args == (3, 2026)
    assert record.getMessage() == "3 days in 2026"
