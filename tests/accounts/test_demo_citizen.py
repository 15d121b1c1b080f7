"""seed_demo's citizen: ``demo-citizen`` / ``Demo@2026`` with a verified mobile
number, signing in by account name or mobile number; seeding again changes nothing."""

import pytest
from django.test import Client

from accounts import selectors
from demo.management.commands.seed_demo import (
    DEMO_CITIZEN,
    DEMO_CITIZEN_PHONE,
    DEMO_PASSWORD,
    seed_demo_citizen,
)

pytestmark = pytest.mark.django_db


def test_the_demo_citizen_signs_in_by_name_or_mobile():
    seed_demo_citizen()
    seed_demo_citizen()
    account = selectors.account_for_identifier(DEMO_CITIZEN)
    assert account.phone == DEMO_CITIZEN_PHONE and account.phone_verified_at
    for identifier in (DEMO_CITIZEN, DEMO_CITIZEN_PHONE):
        client = Client(HTTP_HOST="localhost")
        response = client.post(
            "/accounts/login/",
            {"action": "password", "identifier": identifier, "password": DEMO_PASSWORD},
        )
        assert response.status_code == 302, identifier
