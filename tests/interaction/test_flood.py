"""A flooded letter form: each refused request costs one read, no write and no
page render."""

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
