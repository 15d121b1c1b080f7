"""The Prometheus endpoint: only for its token or an allowed network; request
counters and the database figures."""

import pytest
from django.test import Client

from supervision import services

pytestmark = pytest.mark.django_db


def test_off_without_a_token_or_network(settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = []
    assert Client(HTTP_HOST="localhost").get("/metrics").status_code == 404


def test_token_required(settings):
    settings.METRICS_TOKEN = "s3cret-token-for-tests"
    settings.METRICS_ALLOWED_NETWORKS = []
    assert Client(HTTP_HOST="localhost").get("/metrics").status_code == 404
    wrong = Client(HTTP_HOST="localhost").get(
        "/metrics", HTTP_AUTHORIZATION="Bearer nope"
    )
    assert wrong.status_code == 404
    Client(HTTP_HOST="localhost").get("/healthz")
    response = Client(HTTP_HOST="localhost").get(
        "/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token-for-tests"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'govplatform_requests_total{method="GET",status="2xx"}' in body
    assert "govplatform_request_duration_seconds_bucket" in body
    assert "govplatform_tasks_ready" in body


def test_allowed_network_and_warning_figures(settings, county):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    services.warnings_refresh(site_ids=[county.pk])
    body = (
        Client(HTTP_HOST="localhost", REMOTE_ADDR="127.0.0.1")
        .get("/metrics")
        .content.decode()
    )
    assert 'govplatform_supervision_warnings{level="veto"}' in body
    assert (
        Client(HTTP_HOST="localhost", REMOTE_ADDR="10.0.0.9")
        .get("/metrics")
        .status_code
        == 404
    )
