"""anonymise_cases, and a storage failure during submission (the person keeps
what they typed, nothing is stored)."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError
from django.utils import timezone

from interaction import services
from interaction.models import Case
from sites.tenancy import all_sites, use_site
from tests.interaction.conftest import file_case, public_client
from tests.interaction.helpers import form_fields
from tests.interaction.test_public import FORM, LETTER

pytestmark = pytest.mark.django_db


def test_anonymise_cases_removes_personal_data_past_each_sites_retention(
    county, city, county_handler, city_handler, capsys
):
    services.interaction_settings_update(site=city, retention_days=30)
    old_county, _ = file_case(county)
    old_city, _ = file_case(city)
    for site, case, user in (
        (county, old_county, county_handler),
        (city, old_city, city_handler),
    ):
        services.case_accept(site=site, case=case, user=user)
        services.case_reply(site=site, case=case, user=user, reply="答复")
        services.case_close(site=site, case=case, user=user)
        with use_site(site):
            Case.objects.filter(pk=case.pk).update(
                closed_at=timezone.now() - datetime.timedelta(days=100)
            )
    call_command("anonymise_cases")
    assert "1 case(s) anonymised in all" in capsys.readouterr().out
    with all_sites():
        assert Case.objects.get(pk=old_city.pk).phone == ""
        assert Case.objects.get(pk=old_county.pk).phone == "13812345678"  # 730 days
    call_command("anonymise_cases", "--site", city.code)
    assert "0 case(s) anonymised in all" in capsys.readouterr().out


def test_anonymise_cases_refuses_an_unknown_site(db):
    with pytest.raises(CommandError, match="no site"):
        call_command("anonymise_cases", "--site", "0000000000")


def test_a_storage_failure_keeps_what_was_typed_and_stores_nothing(
    county, monkeypatch, english_messages
):
    """Fault injection: the sequence allocation fails inside the transaction."""

    def broken(site, day):
        raise OperationalError("database went away")

    client = public_client(county)
    fields = form_fields(client.get(FORM).content.decode())
    monkeypatch.setattr(services, "_tracking_number", broken)
    response = client.post(FORM, {**LETTER, **fields})
    assert response.status_code == 400
    html = response.content.decode()
    assert "could not be saved because of a fault on our side" in html
    assert "幸福路的路灯坏了三天。" in html and "路灯不亮" in html
    with all_sites():
        assert not Case.objects.exists()
