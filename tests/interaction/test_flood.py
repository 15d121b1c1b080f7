"""A flooded letter form: the first refused request costs one read, no write and
no page render; the next ones from that address are answered by the flood gate
without any query; another address is not affected."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from interaction import floodgate
from tests.interaction.conftest import public_client
from tests.interaction.helpers import form_fields
from tests.interaction.test_public import FORM, LETTER, _cases

pytestmark = pytest.mark.django_db


def test_a_refused_letter_costs_no_write_and_no_render(county, settings):
    settings.INTERACTION_SUBMIT_RATE = "1/h"
    client = public_client(county)
    fields = form_fields(client.get(FORM).content.decode())
    assert client.post(FORM, {**LETTER, **fields}).status_code == 302

    fields = form_fields(client.get(FORM).content.decode())
    with CaptureQueriesContext(connection) as queries:
        refused = client.post(FORM, {**LETTER, **fields, "title": "第二封"})
    assert refused.status_code == 429
    assert "提交次数过多" in refused.content.decode()
    assert refused.templates == []
    writes = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert len(_cases()) == 1


def test_the_flood_gate_refuses_the_next_requests_without_a_query(county, settings):
    settings.INTERACTION_SUBMIT_RATE = "1/h"
    client = public_client(county)
    fields = form_fields(client.get(FORM).content.decode())
    assert client.post(FORM, {**LETTER, **fields}).status_code == 302
    fields = form_fields(client.get(FORM).content.decode())
    assert client.post(FORM, {**LETTER, **fields, "title": "第二封"}).status_code == 429

    for attempt in range(3):
        with CaptureQueriesContext(connection) as queries:
            refused = client.post(FORM, {**LETTER, **fields, "title": f"再{attempt}"})
        assert refused.status_code == 429
        assert len(queries) == 0
        assert refused.templates == []
        assert "提交次数过多" in refused.content.decode()
        assert refused["Retry-After"]
    # The form itself still shows (GET), and another address may still write.
    assert client.get(FORM).status_code == 200
    neighbour = public_client(county, REMOTE_ADDR="198.51.100.7")
    fields = form_fields(neighbour.get(FORM).content.decode())
    assert (
        neighbour.post(FORM, {**LETTER, **fields, "title": "邻居"}).status_code == 302
    )
    assert len(_cases()) == 2


# answer_raw: the same refusal from the request's bytes (ops/gunicorn_worker.py
# offers them before gunicorn parses them; tests/ops/test_floodgate_fast_path.py
# runs it under gunicorn).


def _raw_post(path=FORM, *, body=b"title=x", extra="", version="HTTP/1.1"):
    head = (
        f"POST {path} {version}\r\nHost: x.example\r\n"
        f"Content-Length: {len(body)}\r\n{extra}\r\n"
    )
    return head.encode() + body


def _parse(response: bytes):
    head, body = response.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    return int(lines[0].split()[1]), dict(x.split(": ", 1) for x in lines[1:]), body


@pytest.fixture
def fresh_gate(settings):
    floodgate.forget_all()
    floodgate._raw = None  # read again from this test's settings
    yield settings
    floodgate.forget_all()
    floodgate._raw = None


def _refused_by_django(county, settings, **client_args):
    settings.INTERACTION_SUBMIT_RATE = "1/h"
    client = public_client(county, **client_args)
    fields = form_fields(client.get(FORM).content.decode())
    assert client.post(FORM, {**LETTER, **fields}).status_code == 302
    fields = form_fields(client.get(FORM).content.decode())
    assert client.post(FORM, {**LETTER, **fields, "title": "第二封"}).status_code == 429
    # The flood gate's answer (FloodGateMiddleware).
    refused = client.post(FORM, {**LETTER, **fields, "title": "第三封"})
    assert refused.status_code == 429 and refused.templates == []
    return refused


def test_the_raw_refusal_is_the_one_django_gives(county, fresh_gate):
    refused = _refused_by_django(county, fresh_gate)
    found = floodgate.answer_raw(_raw_post(), b"gunicorn", ("127.0.0.1", 5000))
    assert found is not None
    status, headers, body = _parse(found[0])
    assert (status, body, found[1]) == (429, refused.content, len(_raw_post()))
    expected = {k: v for k, v in refused.items() if k != "X-Request-ID"}
    assert {
        k: v
        for k, v in headers.items()
        if k not in ("X-Request-ID", "Server", "Date", "Connection")
    } == expected
    # Another address, another path, a GET: not the gate's.
    assert floodgate.answer_raw(_raw_post(), b"g", ("127.0.0.2", 5000)) is None
    other = _raw_post("/interaction/cases/track/")
    assert floodgate.answer_raw(other, b"g", ("127.0.0.1", 5000)) is None


@pytest.mark.parametrize(
    "request_bytes",
    [
        _raw_post(body=b"title=x")[:-3],  # the body not all there
        _raw_post(version="HTTP/1.0"),
        _raw_post(extra="Expect: 100-continue\r\n"),
        _raw_post(extra="Transfer-Encoding: chunked\r\n"),
        _raw_post(extra="Content-Length: 7\r\n"),  # repeated
        _raw_post(extra="Connection: upgrade\r\n"),
        _raw_post(extra="Bad Header: 1\r\n"),
        _raw_post(extra="Connection: close\r\n") + _raw_post(),  # more after close
        _raw_post("/interaction/cases/%6Eew/?channel=complaints"),
        _raw_post("http://x.example" + FORM),
    ],
)
def test_what_the_raw_answer_cannot_be_sure_of_goes_to_gunicorn(
    county, fresh_gate, request_bytes
):
    _refused_by_django(county, fresh_gate)
    peer = ("127.0.0.1", 5000)
    assert floodgate.answer_raw(_raw_post(), b"g", peer) is not None
    assert floodgate.answer_raw(request_bytes, b"g", peer) is None


def test_the_raw_answer_reads_the_address_as_the_rate_limiter(county, fresh_gate):
    fresh_gate.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    _refused_by_django(county, fresh_gate, HTTP_X_REAL_IP="2001:db8::1")
    proxy = ("10.0.0.1", 5000)
    # The same /64 network, as django_ratelimit counts IPv6 addresses.
    same = _raw_post(extra="X-Real-IP: 2001:DB8::ffff\r\n")
    assert floodgate.answer_raw(same, b"g", proxy) is not None
    other = _raw_post(extra="X-Real-IP: 2001:db9::1\r\n")
    assert floodgate.answer_raw(other, b"g", proxy) is None
    # No header, or a list the rate limiter cannot read: Django's to answer.
    assert floodgate.answer_raw(_raw_post(), b"g", proxy) is None
    listed = _raw_post(extra="X-Real-IP: 2001:db8::1, 10.0.0.1\r\n")
    assert floodgate.answer_raw(listed, b"g", proxy) is None
    # A header the rate limiter reads through a function: never early.
    fresh_gate.RATELIMIT_IP_META_KEY = "tests.interaction.test_flood._raw_post"
    floodgate._raw = None
    assert floodgate.answer_raw(same, b"g", proxy) is None


def test_the_raw_answer_forgets_the_address_when_its_window_ends(
    county, fresh_gate, monkeypatch
):
    _refused_by_django(county, fresh_gate)
    peer = ("127.0.0.1", 5000)
    assert floodgate.answer_raw(_raw_post(), b"g", peer) is not None
    later = time.time() + 3600
    monkeypatch.setattr(floodgate.time, "time", lambda: later)
    assert floodgate.answer_raw(_raw_post(), b"g", peer) is None
    assert floodgate._refused == {}
