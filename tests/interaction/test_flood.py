"""A flooded letter form: the first refused request costs one read, no write and
no page render; the next ones from that address are answered by the flood gate
without any query; another address is not affected."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

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
